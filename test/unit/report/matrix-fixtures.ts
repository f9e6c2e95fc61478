import type { Outcome } from '../../../harness/judge/outcome.ts';
import type { Verdict } from '../../../harness/judge/verdict.ts';
import { expandMatrix, type MatrixCase } from '../../../harness/matrix/expand.ts';
import { caseRecord, type AttemptRecord, type MatrixRecord } from '../../../harness/matrix/results.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';
import { scenarios } from '../../../scenarios/index.ts';

/**
 * The nightly matrix as `kong-chaos matrix` expands it: every scenario and variant × its default
 * targets from the real versions.yaml, with made-up attempts. The verdicts cycle deterministically
 * through every kind, and every seventh case ran three times with disagreeing repeats (flaky).
 */

const RUNS: [Outcome, Verdict][] = [
  ['reproduced', 'pass'],
  ['not-reproduced', 'pass'],
  ['recovered', 'observed'],
  ['reproduced', 'regression'],
  ['not-reproduced', 'fixed'],
  ['inconclusive', 'error'],
];
/** Repeats of a case expected to reproduce: once it did not, which the expectation calls a regression. */
const FLAKY: [Outcome, Verdict][] = [
  ['reproduced', 'pass'],
  ['not-reproduced', 'regression'],
  ['reproduced', 'pass'],
];

/** The record, and the cases it came from: case i's attempt n links to `runs/<i>-<n>/report.html`. */
export function fullMatrix(): { record: MatrixRecord; cases: MatrixCase[] } {
  const { cases } = expandMatrix(scenarios, loadVersions(), {});
  const records = cases.map((c, i) => {
    const attempt = ([outcome, verdict]: [Outcome, Verdict], n: number): AttemptRecord => ({
      runId: `run-${i}-${n}`,
      outcome,
      verdict,
      reason: `${outcome} in attempt ${n + 1}`,
      report: `runs/${i}-${n}/report.html`,
      durationSeconds: 300,
    });
    const attempts = i % 7 === 6 ? FLAKY.map(attempt) : [attempt(RUNS[i % RUNS.length]!, 0)];
    return caseRecord(c, attempts);
  });
  return { record: { kind: 'kong-chaos-matrix', shard: null, cases: records, savedSeconds: 5400 }, cases };
}
