import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { parseAge } from '../../../harness/cluster/leaks.ts';
import { didYouMean, UserError } from '../../../harness/errors.ts';
import { parseBundle } from '../../../harness/evidence/bundle.ts';
import { logMessage } from '../../../harness/judge/log-message.ts';
import { connect } from '../../../harness/k8s/client.ts';
import { parseFeatureGates } from '../../../harness/targets/target.ts';
import { lineOf, resolvePinned } from '../../../harness/targets/pinned.ts';
import { loadVersions, parseVersions } from '../../../harness/targets/versions.ts';
import semver from 'semver';
import { scenarios } from '../../../scenarios/index.ts';

/**
 * Every parser of user input either returns a value or throws a UserError (exit 2, one line):
 * never a TypeError, never a stack trace, whatever the bytes.
 */
function onlyUserErrors(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(UserError);
    expect((error as Error).message).not.to.contain('\n');
  }
}

const junk = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json(), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')));

describe('parsers under arbitrary input (fast-check)', () => {
  it('versions.yaml: any text parses or is refused with a one-line UserError', () => {
    fc.assert(fc.property(junk, (text) => onlyUserErrors(() => parseVersions(text))), { numRuns: 300 });
  });

  it('versions.yaml: any YAML document of the wrong shape is refused with a UserError naming a field', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseVersions(JSON.stringify(value));
          expect.fail('accepted a random document');
        } catch (error) {
          expect(error).to.be.instanceOf(UserError);
          expect((error as Error).message).to.match(/versions\.yaml (is malformed|is not valid YAML)/);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('feature gates: accepted lists round-trip, anything else is a UserError', () => {
    const gate = fc.tuple(fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,20}$/), fc.boolean()).map(([n, v]) => `${n}=${v}`);
    fc.assert(fc.property(fc.array(gate, { minLength: 1, maxLength: 6 }), (gates) => {
      expect(parseFeatureGates(gates.join(','))).to.deep.equal(gates);
    }));
    fc.assert(fc.property(junk, (text) => onlyUserErrors(() => parseFeatureGates(text))), { numRuns: 300 });
  });

  it('ages: any text parses to a positive duration or is a UserError', () => {
    fc.assert(
      fc.property(junk, (text) =>
        onlyUserErrors(() => {
          expect(parseAge(text)).to.be.at.least(0);
        }),
      ),
      { numRuns: 300 },
    );
  });

  it('bundles: any text is judged readable with its problems listed, or refused as not a bundle', () => {
    const header = JSON.stringify({ kind: 'run', at: 1, runId: 'r', scenario: 's', target: {}, harness: '0' });
    fc.assert(
      fc.property(fc.array(junk, { maxLength: 8 }), fc.boolean(), (lines, withHeader) =>
        onlyUserErrors(() => {
          const bundle = parseBundle([...(withHeader ? [header] : []), ...lines].join('\n'), 'test');
          expect(bundle.header.kind).to.equal('run');
          for (const o of bundle.observations) expect(o).to.have.property('kind').that.is.a('string');
        }),
      ),
      { numRuns: 300 },
    );
  });

  it('log lines: the message extractor never throws and returns text for any line', () => {
    fc.assert(fc.property(junk, (line) => {
      expect(logMessage(line)).to.be.a('string');
    }), { numRuns: 500 });
  });

  it('kubeconfig: any file content connects or is a UserError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kong-chaos-kubeconfig-'));
    try {
      fc.assert(
        fc.property(junk, (text) => {
          const file = join(dir, 'config');
          writeFileSync(file, text);
          onlyUserErrors(() => connect({ kubeconfigPath: file }));
        }),
        { numRuns: 150 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pinned versions: any text resolves to a pinned release or is a one-line UserError; a line is its newest, an unpinned patch is refused', () => {
    const known = loadVersions().kic.versions;
    fc.assert(fc.property(fc.oneof(junk, fc.tuple(fc.nat(5), fc.nat(8), fc.option(fc.nat(30))).map(([a, b, c]) => `${a}.${b}${c === null ? '' : `.${c}`}`)), (text) => {
      let got: string | undefined;
      onlyUserErrors(() => (got = resolvePinned('KIC', text, known)));
      if (got === undefined) return;
      expect(known).to.include(got);
      const clean = text.trim().replace(/^v/, '');
      if (/^\d+\.\d+\.\d+$/.test(clean)) expect(got).to.equal(clean);
      else expect(got).to.equal(known.filter((v) => lineOf(v) === clean).sort(semver.rcompare)[0]);
    }));
  });

  it('did you mean: a scenario id with one letter dropped or two swapped suggests that id', () => {
    const ids = scenarios.map((s) => s.id);
    fc.assert(fc.property(fc.constantFrom(...ids), fc.nat(), fc.boolean(), (id, at, swap) => {
      const i = at % (id.length - 1);
      const typo = swap ? `${id.slice(0, i)}${id[i + 1]}${id[i]}${id.slice(i + 2)}` : `${id.slice(0, i)}${id.slice(i + 1)}`;
      if (typo === id) return;
      expect(didYouMean(typo, ids)).to.equal(` (Did you mean ${id}?)`);
    }));
    expect(didYouMean('xyz', ids)).to.equal('');
  });
});
