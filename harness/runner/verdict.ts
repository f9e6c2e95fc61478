import type { Observation } from '../evidence/types.ts';
import { expectationFor, type Expectation } from '../judge/expectations.ts';
import { judge, type Judgement } from '../judge/outcome.ts';
import { verdictOf, type Verdict } from '../judge/verdict.ts';
import { expectationsOf } from './plan.ts';
import type { Scenario } from './scenario.ts';

export interface RunJudgement {
  judgement: Judgement;
  expectation: Expectation | undefined;
  verdict: Verdict;
}

/** Outcome, expectation and verdict of one run: the same for a live run and a replay. */
export function judgeRun(scenario: Scenario, variant: string | undefined, kic: string, observations: readonly Observation[]): RunJudgement {
  const judgement = judge(scenario.signatures, observations);
  const expectation = expectationFor(expectationsOf(scenario, variant), kic);
  return { judgement, expectation, verdict: verdictOf(expectation, judgement.outcome) };
}
