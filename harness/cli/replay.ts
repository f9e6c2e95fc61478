import { scenarioById } from '../../scenarios/index.ts';
import { readBundle } from '../evidence/bundle.ts';
import { reportBundle } from '../runner/report.ts';
import { describeJudged } from '../runner/verdict.ts';

/** Re-judges a run directory offline with the current scenario definitions, and redraws its report.html. */
export function replay(dir: string, json: boolean): number {
  const bundle = readBundle(dir);
  const scenario = scenarioById(bundle.header.scenario);
  const result = reportBundle(dir, bundle, scenario);
  const out = {
    scenario: scenario.id,
    variant: bundle.header.variant ?? null,
    target: bundle.header.target,
    ...describeJudged(result),
    problems: bundle.problems,
  };
  if (json) {
    console.log(JSON.stringify(out, null, 2));
  } else {
    for (const p of bundle.problems) console.error(`warning: ${p}; judging what is there`);
    console.log(`${scenario.id}: ${result.verdict} (outcome ${out.outcome}) — ${out.reason}`);
    for (const s of out.symptoms) console.log(`  ${s.signature} ${s.subject}: ${s.summary}${s.clearedAt ? ' (cleared)' : ''}`);
  }
  return 0;
}
