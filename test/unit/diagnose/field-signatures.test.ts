import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { FIELD_SIGNATURES, RUN_ONLY } from '../../../harness/diagnose/field-signatures.ts';
import { Matcher } from '../../../harness/diagnose/match.ts';
import { scenarios } from '../../../scenarios/index.ts';

type Corpus = Record<string, { matches?: { line: string }[] }>;
const DIR = join(import.meta.dirname, '../../fixtures/signatures');
const corpusOf = (id: string): Corpus => {
  const file = join(DIR, `${id}.yaml`);
  return existsSync(file) ? ((parse(readFileSync(file, 'utf8')) as Corpus | null) ?? {}) : {};
};

describe('diagnose: field signatures are the one definition a run may narrow, never fork', () => {
  it('names only failure modes of the catalog, and every entry carries provenance', () => {
    const ids = new Set(scenarios.map((s) => s.id));
    for (const [mode, signatures] of Object.entries(FIELD_SIGNATURES)) {
      expect(ids.has(mode), mode).to.equal(true);
      for (const s of signatures) expect(s.provenance, `${mode}/${s.id}`).to.not.be.empty;
    }
  });

  for (const scenario of scenarios.filter((s) => s.diagnosable !== false && FIELD_SIGNATURES[s.id] !== undefined)) {
    it(`${scenario.id}: every line its run signatures match, its field signatures match too`, () => {
      const corpus = corpusOf(scenario.id);
      for (const signature of scenario.signatures) {
        if ((signature.kind !== 'log' && signature.kind !== 'event') || signature.id in RUN_ONLY) continue;
        for (const { line } of corpus[signature.id]?.matches ?? []) {
          // a line of the run's own shape, read alone by a matcher that knows only this mode
          const matcher = new Matcher([scenario]);
          if (signature.kind === 'log') matcher.readLine('f', 1, line);
          else matcher.readObservation('f', 1, { kind: 'event', at: 0, type: 'Warning', reason: signature.reason, message: line, object: { kind: 'KongPlugin', name: 'x' }, count: 1 });
          expect(matcher.results().map((h) => h.scenario.id), `${signature.id}: ${line}`).to.include(scenario.id);
        }
      }
    });
  }
});
