import type { Bundle } from '../evidence/bundle.ts';
import { writeRunReport } from '../report/write.ts';
import type { Scenario } from './scenario.ts';
import { judgeRun, type RunJudgement } from './verdict.ts';

/**
 * Judges a bundle with the current scenario definition and writes its report.html next to it:
 * the same for a run that just ended and for `replay`, and always from the evidence as written
 * to disk, where secrets are already redacted.
 */
export function reportBundle(dir: string, bundle: Bundle, scenario: Scenario): RunJudgement {
  const judged = judgeRun(scenario, bundle.header.variant, bundle.header.target.kic, bundle.observations);
  writeRunReport(dir, { header: bundle.header, observations: bundle.observations, judged, scenarioTitle: scenario.title });
  return judged;
}
