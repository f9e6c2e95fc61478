import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { main } from '../../harness/cli/main.ts';
import { e2eBlocker } from './blocker.ts';

/** Real kind runs, end to end through the CLI. `make test` does not load this folder. */
const why = await e2eBlocker();

const cases: { argv: string[]; verdict: string; outcome: string[] }[] = [
  { argv: ['gateway-listener-stuck', '--kic', '3.4.3'], verdict: 'pass', outcome: ['reproduced'] },
  { argv: ['gateway-listener-stuck', '--kic', '3.4.4'], verdict: 'pass', outcome: ['recovered', 'not-reproduced'] },
  { argv: ['plugin-id-drift', '--mode', 'postgres', '--kic', '3.4.5'], verdict: 'pass', outcome: ['reproduced'] },
  { argv: ['plugin-id-drift', '--mode', 'postgres', '--kic', '3.4.6'], verdict: 'pass', outcome: ['not-reproduced'] },
];

describe('e2e: real kind runs', function () {
  this.timeout(45 * 60_000);
  before(() => {
    if (why) throw new Error(`the end-to-end runs cannot start: ${why}`);
  });
  for (const c of cases) {
    it(`run ${c.argv.join(' ')} → ${c.verdict} (${c.outcome.join(' or ')})`, async () => {
      const out = mkdtempSync(join(tmpdir(), 'kong-chaos-e2e-'));
      try {
        const code = await main(['run', ...c.argv, '--install-tools', '--out', out]);
        const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { runs: { verdict: string; outcome: string; reason: string }[] };
        const [run] = summary.runs;
        expect(run, 'one run in summary.json').to.not.equal(undefined);
        expect(run!.outcome, run!.reason).to.be.oneOf(c.outcome);
        expect(run!.verdict).to.equal(c.verdict);
        expect(code).to.equal(0);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  }
});
