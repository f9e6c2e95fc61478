import type { Outcome } from '../judge/outcome.ts';
import type { Verdict } from '../judge/verdict.ts';
import { scenarioLabel, targetLabel, type MatrixCase } from './expand.ts';
import { classify, type CaseVerdict } from './flake.ts';

/** One run of a case, as the reports need it. `report` is relative to the matrix output directory. */
export interface AttemptRecord {
  runId: string;
  outcome: Outcome;
  verdict: Verdict;
  reason: string;
  report: string;
  durationSeconds: number;
}

/** A case over all its repeats: what matrix.json holds, and every report reads. */
export interface CaseRecord {
  key: string;
  scenario: string;
  /** scenario id with its variant, the row of matrix.html */
  row: string;
  /** the target, the column */
  column: string;
  title: string;
  verdict: CaseVerdict;
  flakeRate: number;
  attempts: AttemptRecord[];
}

export interface MatrixRecord {
  kind: 'kong-chaos-matrix';
  shard: string | null;
  cases: CaseRecord[];
  /** seconds not spent creating clusters thanks to reuse, measured */
  savedSeconds: number;
}

export function caseRecord(c: MatrixCase, attempts: AttemptRecord[]): CaseRecord {
  const { verdict, flakeRate } = classify(attempts);
  return { key: c.key, scenario: c.scenario.id, row: scenarioLabel(c.scenario.id, c.variant), column: targetLabel(c.target), title: c.scenario.title, verdict, flakeRate, attempts };
}

/** Flake rate per row (scenario) and per case (scenario × target): flaky attempts over all attempts. */
export function flakeRates(cases: readonly CaseRecord[]): { row: string; column: string | null; rate: number; attempts: number }[] {
  const out: { row: string; column: string | null; rate: number; attempts: number }[] = [];
  const rows = new Map<string, CaseRecord[]>();
  for (const c of cases) rows.set(c.row, [...(rows.get(c.row) ?? []), c]);
  for (const [row, list] of rows) {
    const attempts = list.reduce((n, c) => n + c.attempts.length, 0);
    const disagreeing = list.reduce((n, c) => n + c.flakeRate * c.attempts.length, 0);
    out.push({ row, column: null, rate: attempts ? disagreeing / attempts : 0, attempts });
    for (const c of list) out.push({ row, column: c.column, rate: c.flakeRate, attempts: c.attempts.length });
  }
  return out;
}
