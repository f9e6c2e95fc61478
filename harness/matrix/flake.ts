import type { Outcome } from '../judge/outcome.ts';
import { isSuccess, type Verdict } from '../judge/verdict.ts';

/** A case's verdict over all its repeats: `flaky` when the repeats disagree. */
export type CaseVerdict = Verdict | 'flaky';

export interface Attempt {
  outcome: Outcome;
  verdict: Verdict;
}

export interface Classification {
  verdict: CaseVerdict;
  /** the share of attempts that disagree with the most common outcome: 0 when all agree */
  flakeRate: number;
  outcomes: Partial<Record<Outcome, number>>;
}

/**
 * Repeats that end in different outcomes make the case `flaky`, never `pass`, even when every
 * outcome on its own would pass (recovered once, not-reproduced once): a verdict that changes
 * from run to run cannot be relied on. An inconclusive repeat among conclusive ones counts too.
 */
export function classify(attempts: readonly Attempt[]): Classification {
  if (attempts.length === 0) throw new Error('classify needs at least one attempt');
  const outcomes: Partial<Record<Outcome, number>> = {};
  for (const a of attempts) outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
  const most = Math.max(...Object.values(outcomes));
  const flakeRate = 1 - most / attempts.length;
  return { verdict: flakeRate > 0 ? 'flaky' : attempts[0]!.verdict, flakeRate, outcomes };
}

export function isCaseSuccess(v: CaseVerdict): boolean {
  return v !== 'flaky' && isSuccess(v);
}
