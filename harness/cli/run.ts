import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Mocha from 'mocha';
import { scenarioById } from '../../scenarios/index.ts';
import { connect } from '../k8s/client.ts';
import { fileProblem, quote, UserError } from '../errors.ts';
import { ConsoleAndJUnitReporter } from '../report/mocha-reporter.ts';
import type { Cleaner } from '../runner/cleanup.ts';
import { requirementsOf, targetFor } from '../runner/plan.ts';
import { licenseForCases } from '../targets/edition.ts';
import { consoleProgress } from '../runner/progress.ts';
import { onInterrupt } from '../runner/interrupt.ts';
import { KIND_NETWORK } from '../kong/postgres.ts';
import { preflight } from '../runner/preflight.ts';
import { runOne, summaryOf, type RunResult } from '../runner/run.ts';
import type { Scenario } from '../runner/scenario.ts';
import { describeTarget, type Target, type TargetFlags } from '../targets/target.ts';
import { toolsFor } from '../targets/tool-pins.ts';
import { loadVersions } from '../targets/versions.ts';
import { isSuccess } from '../judge/verdict.ts';
import { MAX_RATE } from '../probes/traffic/open-loop.ts';
import { changesGatewayApiCrds, needsOwnCrds } from '../runner/scenario.ts';

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
  licenseFile?: string;
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
  // kong/postgres.ts joins the Postgres container to Docker's `kind` network and hands Kong its
  // IP there: pods of a cluster the user brings have no route to it
  if (flags.kubeconfig && cases.some((c) => c.target.mode === 'postgres')) {
    throw new UserError(`--kubeconfig runs are DB-less only: the harness's Postgres sits on Docker's ${KIND_NETWORK} network, which a cluster you bring cannot reach; use --mode dbless, or drop --kubeconfig to run on kind`);
  }
  // such a case starts by deleting every *.configuration.konghq.com CRD, and with them every Kong
  // resource on the cluster: fine on a kind cluster kong-chaos made, never on the user's own
  const deletesCrds = cases.find((c) => needsOwnCrds(c.scenario.install(c.target, flags.variant)));
  if (flags.kubeconfig && deletesCrds) {
    throw new UserError(`${deletesCrds.scenario.id} deletes the KIC CRDs, and with them every Kong resource on the cluster: it runs only on kind (drop --kubeconfig)`);
  }
  // its start moves the Gateway API CRDs back to an older release, and its end leaves them on 1.5+
  // behind the safe-upgrades policy, which refuses any older release from then on
  const movesGatewayApi = cases.find((c) => changesGatewayApiCrds(c.scenario.install(c.target, flags.variant)));
  if (flags.kubeconfig && movesGatewayApi) {
    throw new UserError(`${movesGatewayApi.scenario.id} replaces the Gateway API CRDs, and a cluster left on 1.5+ refuses older ones for good: it runs only on kind (drop --kubeconfig)`);
  }
  const license = licenseForCases(versions, flags.licenseFile, cases.map((c) => ({ gateway: c.target.gateway, needsLicense: requirementsOf(c.scenario, flags.variant).license !== false })));
  const trafficRate = Number(flags.trafficRate);
  if (!Number.isFinite(trafficRate) || trafficRate < 0) throw new UserError(`bad --traffic-rate ${quote(flags.trafficRate)}: expected requests per second, 0 for none`);
  if (trafficRate > MAX_RATE) throw new UserError(`--traffic-rate ${trafficRate} is more than the probe can send: at most ${MAX_RATE} requests per second`);
  // a kubeconfig that is missing or does not parse is bad input (exit 2), found before the machine is checked
  if (flags.kubeconfig) {
    try {
      readFileSync(flags.kubeconfig);
    } catch (error) {
      throw new UserError(`cannot load kubeconfig from ${quote(flags.kubeconfig)}: ${fileProblem(error)}`);
    }
    connect({ kubeconfigPath: flags.kubeconfig, ...(flags.context ? { context: flags.context } : {}) });
  }
  await preflight({
    // kind needs Docker; a cluster the user brings runs DB-less, without it
    needsDocker: !flags.kubeconfig,
    tools: flags.kubeconfig ? [versions.tools.helm, versions.tools.kubectl] : toolsFor(versions, cases.map((c) => c.target.k8s)),
    installTools: Boolean(flags.installTools),
    command: 'run',
  });

  const outDir = resolve(flags.out);
  mkdirSync(outDir, { recursive: true });
  const results: RunResult[] = [];
  const stop = new AbortController();
  let cleaner: Cleaner | undefined;
  const progress = consoleProgress('  ');
  const release = onInterrupt(stop, progress, () => cleaner?.unfinished() ?? []);

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
            ...(license !== undefined ? { license } : {}),
            signal: stop.signal,
            progress,
            onCleaner: (c) => (cleaner = c),
          });
          results.push(r);
          const expected = r.expectation ? `${r.expectation.range} expects ${[r.expectation.accepted].flat().join(' or ')}` : 'no expectation';
          if (!isSuccess(r.verdict)) throw new Error(`verdict ${r.verdict}: outcome ${r.judgement.outcome} (${expected}) — ${r.judgement.reason}; evidence in ${r.runDir}`);
        }),
      );
    }
  }
  const failures = await new Promise<number>((done) => mocha.run(done));
  release();
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify({ runs: results.map(summaryOf) }, null, 2));
  if (stop.signal.aborted) return 130;
  return failures > 0 ? 1 : 0;
}
