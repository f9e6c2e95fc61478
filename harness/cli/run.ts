import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import Mocha from 'mocha';
import { scenarioById } from '../../scenarios/index.ts';
import { EnvironmentError, quote, UserError } from '../errors.ts';
import { ConsoleAndJUnitReporter } from '../report/mocha-reporter.ts';
import type { Cleaner } from '../runner/cleanup.ts';
import { targetFor } from '../runner/plan.ts';
import { consoleProgress } from '../runner/progress.ts';
import { runOne, summaryOf, type RunResult } from '../runner/run.ts';
import type { Scenario } from '../runner/scenario.ts';
import { describeTarget, type Target, type TargetFlags } from '../targets/target.ts';
import { loadVersions } from '../targets/versions.ts';
import type { Versions } from '../targets/versions-types.ts';
import { reachable } from '../tools/docker.ts';
import { toolBinDir } from '../tools/exec.ts';
import { ensureTool, readToolVersion, sameVersion } from '../tools/install.ts';
import { resolveBinary } from '../tools/exec.ts';

export interface RunFlags extends TargetFlags {
  variant?: string;
  keepCluster?: boolean;
  reuseCluster?: string;
  kubeconfig?: string;
  context?: string;
  out: string;
  installTools?: boolean;
  diagnostics?: boolean;
  trafficRate: string;
}

interface Case {
  scenario: Scenario;
  target: Target;
}

/**
 * `run`: validates every input first (exit 2), checks the machine (exit 3), then runs each
 * scenario as a Mocha test — a describe per scenario, an it per target — so the spec reporter,
 * JUnit XML and exit code behave as CI expects. Exit 1 when any verdict is not pass/observed.
 */
export async function run(ids: string[], flags: RunFlags): Promise<number> {
  if (flags.kubeconfig && flags.reuseCluster) throw new UserError('--kubeconfig and --reuse-cluster exclude each other');
  const versions = loadVersions();
  const cases: Case[] = ids.map((id) => {
    const scenario = scenarioById(id);
    return { scenario, target: targetFor(scenario, versions, flags, flags.variant) };
  });
  const trafficRate = Number(flags.trafficRate);
  if (!Number.isFinite(trafficRate) || trafficRate < 0) throw new UserError(`bad --traffic-rate ${quote(flags.trafficRate)}: expected requests per second, 0 for none`);
  await preflight(cases, versions, flags);

  const outDir = resolve(flags.out);
  mkdirSync(outDir, { recursive: true });
  const results: RunResult[] = [];
  const stop = new AbortController();
  let cleaner: Cleaner | undefined;
  const progress = consoleProgress('  ');
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1) {
      progress.warn(`${signal}: stopping the run and tearing down (press Ctrl-C again to leave at once)`);
      stop.abort(new Error(`interrupted by ${signal}`));
      return;
    }
    const left = cleaner?.pending() ?? [];
    progress.warn(`leaving now; not cleaned up: ${left.length ? left.join('; ') : 'nothing'} (kong-chaos cleanup finds leftovers by their run label)`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const mocha = new Mocha({ timeout: 0, reporter: ConsoleAndJUnitReporter, reporterOptions: { junitFile: join(outDir, 'junit.xml') } });
  for (const id of new Set(cases.map((c) => c.scenario.id))) {
    const group = cases.filter((c) => c.scenario.id === id);
    const suite = Mocha.Suite.create(mocha.suite, `${id}: ${group[0]!.scenario.title}`);
    for (const c of group) {
      suite.addTest(
        new Mocha.Test(`${flags.variant ? `[${flags.variant}] ` : ''}${describeTarget(c.target)}`, async () => {
          if (stop.signal.aborted) throw new Error('not started: the run was interrupted');
          const r = await runOne(c.scenario, c.target, flags.variant, {
            versions,
            outDir,
            keepCluster: Boolean(flags.keepCluster),
            ...(flags.reuseCluster ? { reuseCluster: flags.reuseCluster } : {}),
            ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
            ...(flags.context ? { context: flags.context } : {}),
            diagnostics: Boolean(flags.diagnostics),
            trafficRate,
            signal: stop.signal,
            progress,
            onCleaner: (c) => (cleaner = c),
          });
          results.push(r);
          const expected = r.expectation ? `${r.expectation.range} expects ${[r.expectation.accepted].flat().join(' or ')}` : 'no expectation';
          expect(r.verdict, `verdict ${r.verdict}: outcome ${r.judgement.outcome} (${expected}) — ${r.judgement.reason}; evidence in ${r.runDir}`).to.be.oneOf(['pass', 'observed']);
        }),
      );
    }
  }
  const failures = await new Promise<number>((done) => mocha.run(done));
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify({ runs: results.map(summaryOf) }, null, 2));
  if (stop.signal.aborted) return 130;
  return failures > 0 ? 1 : 0;
}

/** Docker and the pinned tools, checked before anything is created. */
async function preflight(cases: Case[], versions: Versions, flags: RunFlags): Promise<void> {
  const needsDocker = !flags.kubeconfig || cases.some((c) => c.target.mode === 'postgres');
  if (needsDocker) {
    const docker = await reachable();
    if (!docker.ok) throw new EnvironmentError(`Docker is not reachable (${docker.reason}); kong-chaos run needs a Docker engine for kind and Postgres — see kong-chaos doctor`);
  }
  const tools = flags.kubeconfig ? [versions.tools.helm, versions.tools.kubectl] : Object.values(versions.tools);
  for (const pin of tools) {
    if (flags.installTools) {
      await ensureTool(pin, { binDir: toolBinDir(), onProgress: (m) => process.stderr.write(`  ${m}\n`) });
      continue;
    }
    const reading = await readToolVersion(resolveBinary(pin.name), pin);
    if (!('version' in reading) || !sameVersion(reading.version, pin.version)) {
      const found = 'version' in reading ? `found ${reading.version}` : reading.problem;
      throw new EnvironmentError(`${pin.name} ${pin.version} is needed (${found}); rerun with --install-tools to install it into .cache/bin`);
    }
  }
}
