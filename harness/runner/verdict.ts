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

/** The judged part of a run as JSON: what `result.json`, `summary.json` and `replay --json` share. */
export function describeJudged(r: RunJudgement) {
  return {
    outcome: r.judgement.outcome,
    verdict: r.verdict,
    reason: r.judgement.reason,
    expectation: r.expectation ?? null,
    remediation: r.judgement.remediation,
    symptoms: r.judgement.symptoms.map(({ evidence: _evidence, ...s }) => s),
  };
}
