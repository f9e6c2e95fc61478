import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExistingClusterProvider } from '../cluster/existing.ts';
import { readShape } from '../cluster/kind-config.ts';
import { KindProvider } from '../cluster/kind.ts';
import { newRunId, RUN_LABEL } from '../cluster/names.ts';
import type { Cluster, ClusterProvider } from '../cluster/provider.ts';
import { BundleWriter, readBundle } from '../evidence/bundle.ts';
import { Redactor } from '../evidence/redact.ts';
import type { Observation, RunTarget } from '../evidence/types.ts';
import { connect, type Kube } from '../k8s/client.ts';
import { refOf } from '../k8s/objects.ts';
import { PodForwards } from '../k8s/pod-forwards.ts';
import { isSuccess } from '../judge/verdict.ts';
import { AdminClient } from '../kong/admin.ts';
import { KongInstallation } from '../kong/install.ts';
import { componentNames, KONG_NAMESPACE } from '../kong/names.ts';
import { startPostgres, type RunningPostgres } from '../kong/postgres.ts';
import { PostgresFaults, startToxiproxy, type RunningToxiproxy } from '../faults/database.ts';
import { RouteChecker } from '../probes/route.ts';
import { EvidenceStreams } from '../probes/streams.ts';
import { TrafficMonitor } from '../probes/traffic/monitor.ts';
import type { Target } from '../targets/target.ts';
import { installsLicense } from '../targets/edition.ts';
import { binaryOf, kindPinFor } from '../targets/tool-pins.ts';
import type { Versions } from '../targets/versions-types.ts';
import { Cleaner } from './cleanup.ts';
import { realClock } from './clock.ts';
import { RealContext } from './context.ts';
import { collectDiagnostics } from './diagnostics.ts';
import { phase, runScenarioPhases, type LifecycleDeps } from './lifecycle.ts';
import { requirementsOf, variantOf } from './plan.ts';
import type { Progress } from './progress.ts';
import { changesGatewayApiCrds, needsOwnCrds, type Scenario } from './scenario.ts';
import { awaitTerminatingNamespaces, handBack, removeKongCrds, removeSafeUpgradesPolicy } from './shared-cluster.ts';
import { timeout } from '../timeouts.ts';
import { describeJudged, judgeRun, type RunJudgement } from './verdict.ts';
import { HARNESS_VERSION } from '../version.ts';
import { reportBundle } from './report.ts';
import { DEFAULT_TRAFFIC_RATE } from './defaults.ts';

export interface RunOptions {
  versions: Versions;
  outDir: string;
  keepCluster: boolean;
  reuseCluster?: string;
  kubeconfig?: string;
  context?: string;
  /** collect diagnostics even on a pass */
  diagnostics: boolean;
  /** the Kong Gateway Enterprise license (targets/edition.ts readLicense); a secret, redacted everywhere */
  license?: string;
  /** requests per second of the steady traffic through the scenario's routes (0: none; default 20) */
  trafficRate?: number;
  signal: AbortSignal;
  progress: Progress;
  /** registers teardown that a second Ctrl-C would cut short, so the CLI can say what is left */
  onCleaner?: (cleaner: Cleaner | undefined) => void;
}

export interface RunResult extends RunJudgement {
  runId: string;
  runDir: string;
  scenario: string;
  variant: string | undefined;
  target: Target;
  diagnostics: string[];
  leftBehind: string[];
}

export function toRunTarget(t: Target): RunTarget {
  return { k8s: t.k8s.k8s, kic: t.kic, gateway: t.gateway, gatewayApi: t.gatewayApi, mode: t.mode, topology: t.topology, featureGates: t.featureGates };
}

/**
 * One scenario against one target on a real cluster, following DESIGN.md's lifecycle. The
 * evidence bundle is written as the run goes; teardown always runs (unless --keep-cluster),
 * even when a phase fails or the run is interrupted.
 */
export async function runOne(scenario: Scenario, target: Target, variant: string | undefined, o: RunOptions): Promise<RunResult> {
  const runId = newRunId();
  const runDir = join(o.outDir, `${runId}-${scenario.id}${variant ? `-${variant}` : ''}`);
  // registered before anything can print it, whatever the target
  const redactor = new Redactor().add(o.license);
  const bundle = new BundleWriter(runDir, { kind: 'run', at: Date.now(), runId, scenario: scenario.id, ...(variant ? { variant } : {}), target: toRunTarget(target), harness: HARNESS_VERSION }, redactor);
  const timeline = { record: (e: Observation) => bundle.append(e), get entries() { return bundle.entries; } };
  const cleaner = new Cleaner();
  o.onCleaner?.(cleaner);
  const labels = { [RUN_LABEL]: runId };
  const deps: Omit<LifecycleDeps, 'ctx'> = {
    timeline,
    clock: realClock,
    signal: o.signal,
    onPhase: (p, state, ms, message) => {
      // steady traffic from the steady-state check on, so every window after it is judged
      if (p === 'steady-state' && state === 'start') traffic?.start();
      o.progress.phase(p, state, ms, message === undefined ? undefined : redactor.apply(message));
    },
  };
  const install = scenario.install(target, variant);
  const license = installsLicense(o.versions, [target.gateway, install.initialGateway], requirementsOf(scenario, variant).license !== false) ? o.license : undefined;
  const shape = variantOf(scenario, variant)?.shape ?? scenario.shape;
  const progress = (m: string) => o.progress.info(redactor.apply(m));

  let traffic: TrafficMonitor | undefined;
  let cluster: Cluster | undefined;
  let kube: Kube | undefined;
  let admin: AdminClient | undefined;
  let streams: EvidenceStreams | undefined;
  o.progress.info(`run ${runId} → ${runDir}`);

  const provider: ClusterProvider = o.kubeconfig
    ? new ExistingClusterProvider(o.kubeconfig, o.context)
    : new KindProvider({ runId, runDir, shapeText: readShape(shape), image: target.k8s, kindBinary: binaryOf(kindPinFor(o.versions, target.k8s)), keep: o.keepCluster, ...(o.reuseCluster ? { reuse: o.reuseCluster } : {}) });

  const provisioned = await phase(deps, 'provision', async () => {
    cluster = await provider.acquire(o.signal);
    const acquired = cluster;
    // release deletes an owned cluster; on any other it removes the kubeconfig the run wrote
    cleaner.defer(acquired.owned ? `delete cluster ${acquired.name}` : `release cluster ${acquired.name}`, () => provider.release(acquired));
    kube = connect({ kubeconfigPath: acquired.kubeconfigPath, ...(acquired.context ? { context: acquired.context } : {}) });
    progress(`cluster ${acquired.name}; kubeconfig ${acquired.kubeconfigPath}`);
  });

  let kong: KongInstallation | undefined;
  let postgres: RunningPostgres | undefined;
  let toxiproxy: RunningToxiproxy | undefined;
  const installed = provisioned && (await phase(deps, 'install', async () => {
    // Ryuk, testcontainers' reaper, would remove a kept Postgres when this process exits
    if (o.keepCluster) process.env['TESTCONTAINERS_RYUK_DISABLED'] = 'true';
    if (target.mode === 'postgres') {
      const pg = (postgres = await startPostgres(o.versions.postgres.image, runId));
      redactor.add(pg.password);
      if (!o.keepCluster) cleaner.defer('stop Postgres container', async () => void (await pg.container.stop()));
      progress(`Postgres at ${pg.address.host}:${pg.address.port}`);
      if (install.databaseProxy) {
        const proxy = (toxiproxy = await startToxiproxy(o.versions.toxiproxy.image, pg, runId));
        if (!o.keepCluster) cleaner.defer('stop Toxiproxy container', async () => void (await proxy.container.stop()));
        progress(`Toxiproxy in front of Postgres at ${proxy.address.host}:${proxy.address.port}`);
      }
    }
    const database = toxiproxy?.address ?? postgres?.address;
    kong = new KongInstallation(
      { cluster: cluster!, kube: kube!, versions: o.versions, target, runDir, labels, addSecret: (...s) => redactor.add(...s), progress, signal: o.signal },
      {
        kic: install.initialKic,
        gateway: install.initialGateway,
        gatewayReplicas: install.gatewayReplicas,
        gatewayApi: install.gatewayApi,
        initialGatewayApi: install.initialGatewayApi,
        skipCrds: install.skipCrds,
        values: install.values,
        ...(install.adminTls ? { adminTls: true } : {}),
        ...(install.awaitRollout === false ? { awaitRollout: false } : {}),
        ...(license !== undefined ? { license } : {}),
        ...(postgres && database ? { postgres: { address: database, password: postgres.password } } : {}),
      },
    );
    const installation = kong;
    const namespaces = [scenario.namespace, KONG_NAMESPACE];
    if (!cluster!.owned) {
      await awaitTerminatingNamespaces(kube!, namespaces, o.signal);
      if (needsOwnCrds(install)) {
        const removed = await removeKongCrds(kube!, o.signal);
        if (removed.length) progress(`removed ${removed.length} KIC CRDs (*.configuration.konghq.com) an earlier install left on ${cluster!.name}: this case must not find them`);
      }
      if (changesGatewayApiCrds(install)) {
        const removed = await removeSafeUpgradesPolicy(kube!, o.signal);
        if (removed.length) progress(`removed ${removed.join(' and ')} an earlier run left on ${cluster!.name}: this case installs Gateway API ${install.initialGatewayApi} first, which the policy refuses`);
      }
    }
    if (!cluster!.owned && !o.keepCluster) {
      // a cluster that outlives the run (reused, or the user's own) is handed back as it was found
      cleaner.defer('remove Kong and the scenario objects from the reused cluster', () =>
        handBack({
          kube: kube!,
          uninstall: (signal) => installation.uninstall(signal),
          clusterScoped: scenario.manifests(target, variant).filter((m) => m.metadata.namespace === undefined && m.kind !== 'Namespace').map(refOf),
          namespaces,
          signal: AbortSignal.timeout(timeout('teardown')),
        }),
      );
    }
    await installation.install();
    admin = new AdminClient(cluster!.adminUrl);
    streams = new EvidenceStreams(kube!, timeline.record, KONG_NAMESPACE, componentNames(target.topology));
    streams.start([KONG_NAMESPACE, scenario.namespace]);
  }));

  const routes = new RouteChecker(cluster?.proxyUrl ?? 'http://127.0.0.1');
  // steady traffic goes through the plain-HTTP NodePort; HTTPS routes are read by the route probe (RealContext)
  const trafficTargets = (scenario.probes.routes ?? [])
    .filter((r) => !r.tls)
    .map((r) => ({ url: new URL(r.path, cluster?.proxyUrl ?? 'http://127.0.0.1').href, ...(r.host ? { host: r.host } : {}) }));
  const trafficRate = o.trafficRate ?? DEFAULT_TRAFFIC_RATE;
  if (installed && trafficRate > 0 && trafficTargets.length > 0) traffic = new TrafficMonitor(trafficTargets, trafficRate, timeline.record);
  if (installed) {
    const database = new PostgresFaults(postgres, toxiproxy);
    const forwards = new PodForwards(kube!, KONG_NAMESPACE);
    const ctx = new RealContext({ scenario, target, variant, versions: o.versions, cluster: cluster!, kube: kube!, kong: kong!, admin: admin!, database, routes, forwards, labels, addSecret: (...values) => redactor.add(...values), record: timeline.record, entries: () => timeline.entries, progress, signal: o.signal });
    try {
      await runScenarioPhases(scenario, { ...deps, ctx });
    } finally {
      await ctx.close();
      await forwards.close();
    }
  }
  await traffic?.close();
  await streams?.close();
  await routes.close();

  // judged from the evidence as written, secrets redacted: the reason and symptoms reach the
  // console, JUnit and result.json
  const result = judgeRun(scenario, variant, target.kic, readBundle(runDir).observations);
  timeline.record({ kind: 'note', at: Date.now(), message: `judged ${result.judgement.outcome}: ${result.judgement.reason}` });

  let diagnostics: string[] = [];
  if (cluster && !o.signal.aborted && (o.diagnostics || !isSuccess(result.verdict))) {
    await phase(deps, 'diagnostics', async () => {
      diagnostics = await collectDiagnostics({ dir: runDir, cluster: cluster!, namespaces: [KONG_NAMESPACE, scenario.namespace], ...(admin ? { admin } : {}), redactor, signal: o.signal });
    });
  }

  let leftBehind: string[] = [];
  // teardown runs to the end even after Ctrl-C: that is what the first Ctrl-C asks for
  await phase({ ...deps, signal: undefined }, 'teardown', async () => {
    if (admin) await admin.close();
    leftBehind = await cleaner.run((what, error) => progress(error ? `could not ${what}: ${error}` : `done: ${what}`));
    if (o.keepCluster && cluster) progress(`kept cluster ${cluster.name}; kubeconfig ${cluster.kubeconfigPath}`);
    if (leftBehind.length) throw new Error(`left behind: ${leftBehind.join('; ')}`);
  });
  o.onCleaner?.(undefined);

  const run: RunResult = { runId, runDir, scenario: scenario.id, variant, target, ...result, diagnostics, leftBehind };
  writeFileSync(join(runDir, 'result.json'), redactor.apply(JSON.stringify(summaryOf(run), null, 2)));
  // the report is drawn from the bundle as written, with secrets already redacted
  reportBundle(runDir, readBundle(runDir), scenario);
  bundle.close();
  return run;
}

export function summaryOf(r: RunResult) {
  return {
    runId: r.runId,
    runDir: r.runDir,
    scenario: r.scenario,
    variant: r.variant ?? null,
    target: toRunTarget(r.target),
    ...describeJudged(r),
    diagnostics: r.diagnostics,
    leftBehind: r.leftBehind,
  };
}
