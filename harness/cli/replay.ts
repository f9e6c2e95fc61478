import { existsSync } from 'node:fs';
import { scenarioById } from '../../scenarios/index.ts';
import { readBundle, type Bundle } from '../evidence/bundle.ts';
import { quote, UserError } from '../errors.ts';
import { reportBundle } from '../runner/report.ts';
import { describeJudged } from '../runner/verdict.ts';
import { isSuccess } from '../judge/verdict.ts';

/**
 * Every finished run records a teardown step, so a bundle without one was cut off — possibly at
 * a line boundary, which leaves no broken line for the bundle reader to notice.
 */
function unfinished(bundle: Bundle): string[] {
  const steps = bundle.observations.filter((o) => o.kind === 'step');
  if (steps.some((s) => s.phase === 'teardown')) return [];
  const last = steps.at(-1);
  const where = !last ? 'before its first step' : last.state === 'start' ? `during ${last.phase}` : `after ${last.phase}${last.state === 'fail' ? ' failed' : ''}`;
  return [`the run stops ${where}: the phases after it and teardown are missing`];
}

/**
 * Re-judges a run directory offline with the current scenario definitions, and redraws its
 * report.html. Exit codes as `run`: 0 for pass or observed, 1 for any other verdict.
 */
export function replay(dir: string, json: boolean): number {
  if (!existsSync(dir)) throw new UserError(`no run directory at ${quote(dir)}`);
  const bundle = readBundle(dir);
  const scenario = scenarioById(bundle.header.scenario);
  const result = reportBundle(dir, bundle, scenario);
  const problems = [...bundle.problems, ...unfinished(bundle)];
  const out = {
    scenario: scenario.id,
    variant: bundle.header.variant ?? null,
    target: bundle.header.target,
    ...describeJudged(result),
    problems,
  };
  if (json) {
    console.log(JSON.stringify(out, null, 2));
  } else {
    for (const p of problems) console.error(`warning: ${p}; judging what is there`);
    console.log(`${scenario.id}: ${result.verdict} (outcome ${out.outcome}) — ${out.reason}`);
    for (const s of out.symptoms) console.log(`  ${s.signature} ${s.subject}: ${s.summary}${s.clearedAt ? ' (cleared)' : ''}`);
  }
  return isSuccess(result.verdict) ? 0 : 1;
}
