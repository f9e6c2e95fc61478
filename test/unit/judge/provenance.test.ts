import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { isPointSignature, read, type Signature } from '../../../harness/judge/signatures.ts';
import type { Observation } from '../../../harness/evidence/types.ts';
import { scenarios } from '../../../scenarios/index.ts';

interface Sample {
  line: string;
  source: string;
}
type Corpus = Record<string, { matches?: Sample[]; misses?: Sample[] }>;

const DIR = join(import.meta.dirname, '../../fixtures/signatures');

function corpusOf(scenario: string): Corpus {
  const file = join(DIR, `${scenario}.yaml`);
  return existsSync(file) ? ((parse(readFileSync(file, 'utf8')) as Corpus | null) ?? {}) : {};
}

/** The observation a real stream would record for this line or Event message. */
function observationOf(s: Signature, line: string): Observation {
  if (s.kind === 'log') return { kind: 'log', at: 0, component: s.component, pod: 'p', container: 'c', line };
  if (s.kind === 'event') {
    return { kind: 'event', at: 0, type: 'Warning', reason: s.reason, message: line, object: { kind: 'Ingress', name: 'x', namespace: 'n' }, count: 1 };
  }
  throw new Error(`${s.id} is not a log or Event signature`);
}

const matches = (s: Signature, line: string) => read(s, observationOf(s, line))?.state === 'bad';

describe('signature provenance and real-shaped lines', () => {
  // a signature that several scenarios share (node-termination rides on plugin-id-drift's) has
  // its lines in the file of the first scenario that declares it, in catalog order
  const owned = new Set<Signature>();
  for (const scenario of scenarios) {
    describe(scenario.id, () => {
      const corpus = corpusOf(scenario.id);
      for (const s of scenario.signatures) {
        it(`${s.id} names the upstream evidence it rests on`, () => {
          expect(s.provenance ?? [], `${scenario.id}/${s.id} has no provenance`).to.not.be.empty;
          for (const p of s.provenance ?? []) expect(p, `${scenario.id}/${s.id}`).to.match(/^(https:\/\/\S+|\S+@v?\d[\w.-]*|.*CHANGELOG \S+)/);
        });
        if (!isPointSignature(s) || owned.has(s)) continue;
        owned.add(s);
        it(`${s.id} matches its real lines and none of its near-misses`, () => {
          const samples = corpus[s.id];
          expect(samples?.matches ?? [], `no lines for ${scenario.id}/${s.id} in test/fixtures/signatures/${scenario.id}.yaml`).to.not.be.empty;
          for (const m of samples?.matches ?? []) {
            expect(m.source, `a line of ${s.id} without a source`).to.be.a('string').and.not.empty;
            expect(matches(s, m.line), `${s.id} should match: ${m.line}`).to.equal(true);
          }
          for (const m of samples?.misses ?? []) expect(matches(s, m.line), `${s.id} should not match: ${m.line}`).to.equal(false);
        });
      }
    });
  }
});
