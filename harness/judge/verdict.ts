import type { Expectation, Expected } from './expectations.ts';
import type { Outcome } from './outcome.ts';

export type Verdict = 'pass' | 'regression' | 'fixed' | 'observed' | 'error';

/** How bad an outcome is for a Kong operator: a symptom that stays is worse than one that clears. */
const SEVERITY: Record<Expected, number> = { 'not-reproduced': 0, recovered: 1, reproduced: 2 };

export function verdictOf(expectation: Expectation | undefined, outcome: Outcome): Verdict {
  if (outcome === 'inconclusive') return 'error';
  if (!expectation || expectation.accepted === 'observe') return 'observed';
  if (expectation.accepted.includes(outcome)) return 'pass';
  const worstAccepted = Math.max(...expectation.accepted.map((e) => SEVERITY[e]));
  return SEVERITY[outcome] > worstAccepted ? 'regression' : 'fixed';
}

/** `observed` counts as success: nobody knew what to expect, and now the run says. */
export function isSuccess(v: Verdict): boolean {
  return v === 'pass' || v === 'observed';
}
