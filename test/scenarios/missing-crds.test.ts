import { expect } from 'chai';
import { read, type Signature } from '../../harness/judge/signatures.ts';
import type { Observation } from '../../harness/evidence/types.ts';
import { lastTermination } from '../../harness/probes/container-state.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario from '../../scenarios/missing-crds.ts';
import { callsIn, expectJudged, logLine, routeAnswer, runFake, type FakeRunOptions, type Happening, type Sighting } from '../support/fake-context.ts';
import { kicJsonLine } from '../support/scenarios-infra.ts';

const TARGET = { kic: '3.5.13', mode: 'dbless', topology: 'single' };
const KONG_POD = { kind: 'Pod', name: 'kong-kong-6b8d9c7f5-q2w4e', namespace: 'kong' };
/** KIC's --cache-sync-timeout default (internal/cmd/rootcmd/config/cli.go@v3.5.13) */
const CACHE_SYNC_TIMEOUT_MS = 120_000;

// controller-runtime through KIC's zap JSON logger (ctrllog.SetLogger, internal/logging/setup.go@v3.5.13):
// pkg/internal/source/kind.go@v0.21.0 retries every 10 s
const NOT_INSTALLED = kicJsonLine({
  logger: 'controller-runtime.source.Kind',
  msg: 'if kind is a CRD, it should be installed before calling Start',
  kind: 'KongPlugin.configuration.konghq.com',
  error: 'no matches for kind "KongPlugin" in version "configuration.konghq.com/v1"',
});
// pkg/internal/controller/controller.go@v0.21.0, through the controller's LogConstructor (KIC's controllers.KongPlugin)
const SYNC_TIMEOUT = kicJsonLine({
  logger: 'controllers.KongPlugin',
  msg: 'Could not wait for Cache to sync',
  source: 'kind source: *v1.KongPlugin',
  error: 'failed to wait for KongV1KongPlugin caches to sync kind source: *v1.KongPlugin: timed out waiting for cache to be synced for Kind *v1.KongPlugin',
});
// client-go's reflector (tools/cache/reflector.go@v0.33.2) through klog's text output: KIC sets no klog logger
const LIST_FAILED =
  'E1123 10:01:02.868987       1 reflector.go:200] "Failed to watch" err="failed to list *v1.KongIngress: the server could not find the requested resource (get kongingresses.configuration.konghq.com)" logger="UnhandledError" reflector="pkg/mod/k8s.io/client-go@v0.33.2/tools/cache/reflector.go:285" type="*v1.KongIngress"';

interface Kic {
  /** KIC crash-loops: cache sync times out 2 min after start, the container exits 1 and restarts */
  crashLoops?: boolean;
  /** KIC logs the reflector's list failure every 30 s from the first call of this operation on */
  listFailsAfter?: 'remove';
  /** the canary is not routable from the start */
  neverRoutes?: boolean;
  /** KIC stops delivering changes after the fault: the canary fails */
  breaksAfterFault?: boolean;
}

/** The ingress-controller container as the containers probe reads it. */
function controllerContainer(crashed: boolean, restarts: number): Sighting {
  const { at: _at, ...entry } = lastTermination(0, KONG_POD, {
    name: 'ingress-controller',
    ready: !crashed,
    restartCount: restarts,
    ...(crashed ? { lastState: { terminated: { exitCode: 1, reason: 'Error' } } } : {}),
  });
  return entry;
}

/**
 * Virtual time starts at the first probe of the setup, just after KIC started: it crashes one
 * cache-sync timeout later, and again every timeout plus the kubelet's growing back-off.
 */
function system(k: Kic): Pick<FakeRunOptions, 'world' | 'happenings'> {
  let start: number | undefined;
  const happenings: Happening[] = [];
  if (k.crashLoops) {
    happenings.push({ at: { after: 'apply', ms: 0 }, every: 10_000, entry: logLine('controller', NOT_INSTALLED) });
    happenings.push({ at: { after: 'apply', ms: CACHE_SYNC_TIMEOUT_MS }, every: CACHE_SYNC_TIMEOUT_MS + 20_000, entry: logLine('controller', SYNC_TIMEOUT) });
  }
  if (k.listFailsAfter) happenings.push({ at: { after: k.listFailsAfter, ms: 1_000 }, every: 30_000, entry: logLine('controller', LIST_FAILED) });
  return {
    world: ({ now, since }) => {
      start ??= now;
      const restarts = k.crashLoops ? Math.floor((now - start) / CACHE_SYNC_TIMEOUT_MS) : 0;
      const broken = k.neverRoutes || (k.breaksAfterFault && since('restartDeployment') !== undefined);
      return [routeAnswer('/canary', broken ? 502 : 200), controllerContainer(restarts > 0, restarts)];
    },
    happenings,
  };
}

const symptoms = (run: Awaited<ReturnType<typeof runFake>>) => [...new Set(run.judgement.symptoms.map((s) => s.signature))];

describe('scenario missing-crds', () => {
  it('installs with --skip-crds, and with the CRDs in the delete-crd variant, which says it deletes one', () => {
    const target = resolveTarget(loadVersions(), scenario.requires, TARGET, scenario.id);
    expect(scenario.install(target, undefined)).to.deep.equal({ skipCrds: true });
    expect(scenario.install(target, 'delete-crd')).to.deep.equal({ deletesCrds: true });
  });

  it('watches the controller container for restarts and holds two cache-sync timeouts in its window', () => {
    expect(scenario.probes.containers).to.deep.equal(['controller']);
    expect(scenario.window.observeMs).to.be.at.least(2 * CACHE_SYNC_TIMEOUT_MS);
  });

  it('expects a crash loop on every KIC: the Kong CRD controllers start without their CRDs, time out and stop the manager', async () => {
    for (const kic of ['3.4.1', '3.5.13']) {
      const run = await runFake(scenario, { ...TARGET, kic, ...system({ crashLoops: true }) });

      expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
      expect(symptoms(run)).to.include.members(['kic-crd-not-installed', 'kic-cache-sync-timeout', 'kic-container-restarted']);
      expect(callsIn(run, 'setup')).to.deep.equal(['apply Namespace/chaos-crds Deployment/chaos-crds/echo Service/chaos-crds/echo Ingress/chaos-crds/canary']);
      expect(callsIn(run, 'fault')).to.deep.equal(['restartDeployment chaos-crds/echo']);
    }
  });

  it('reads a restarted container as present to the end, whether it is up or backing off at the last probe', async () => {
    const run = await runFake(scenario, { ...TARGET, world: system({ crashLoops: true }).world });

    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
    expect(symptoms(run)).to.deep.equal(['kic-container-restarted']);
    expect(run.judgement.symptoms[0]!.subject).to.equal('Pod/kong-kong-6b8d9c7f5-q2w4e/container/ingress-controller');
  });

  it('reads "fixed" when KIC runs without its CRDs and still delivers the backend roll', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system({}) });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'fixed' });
  });

  it('reads a canary that stops routing after the fault as a symptom', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system({ breaksAfterFault: true }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
    expect(symptoms(run)).to.deep.equal(['canary-unreachable']);
  });

  it('is inconclusive when the canary never routes without the CRDs, and injects nothing', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system({ neverRoutes: true }) });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.match(/steady state not reached: \/canary -> 502/);
    expect(callsIn(run, 'fault')).to.deep.equal([]);
  });

  describe('variant delete-crd', () => {
    it('deletes the KongIngress CRD at run time, then rolls the backend', async () => {
      const run = await runFake(scenario, { ...TARGET, variant: 'delete-crd', ...system({}) });

      expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
      expect(callsIn(run, 'fault')).to.deep.equal(['remove CustomResourceDefinition/kongingresses.configuration.konghq.com', 'restartDeployment chaos-crds/echo']);
    });

    it("reads the reflector's list failures, 30 s apart at most, as one symptom to the end while KIC stays up", async () => {
      const run = await runFake(scenario, { ...TARGET, variant: 'delete-crd', ...system({ listFailsAfter: 'remove' }) });

      expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
      expect(symptoms(run)).to.deep.equal(['kic-crd-list-failed']);
    });
  });

  describe('the KIC log signatures', () => {
    const bad = (id: string, line: string) => read(scenario.signatures.find((s) => s.id === id) as Signature, { ...logLine('controller', line), at: 0 } as Observation)?.state;

    it('match what controller-runtime and client-go log at the pinned versions', () => {
      expect(bad('kic-crd-not-installed', NOT_INSTALLED)).to.equal('bad');
      expect(bad('kic-cache-sync-timeout', SYNC_TIMEOUT)).to.equal('bad');
      expect(bad('kic-crd-list-failed', LIST_FAILED)).to.equal('bad');
    });

    it('stay silent on a controller that waits for, then finds, its CRDs', () => {
      // internal/controllers/crds/dynamic_controller.go @ v3.5.13
      const found = kicJsonLine({ level: 'info', logger: 'controllers.Dynamic/Gateway', msg: 'All required CustomResourceDefinitions are installed, setting up the controller', v: 0 });
      for (const id of ['kic-crd-not-installed', 'kic-cache-sync-timeout', 'kic-crd-list-failed']) expect(bad(id, found)).to.equal(undefined);
      // a Gateway API kind missing is the dynamic controllers' business, not a Kong CRD
      expect(bad('kic-cache-sync-timeout', kicJsonLine({ msg: 'Could not wait for Cache to sync', error: 'failed to wait for HTTPRoute caches to sync kind source: *v1.HTTPRoute: timed out waiting for cache to be synced for Kind *v1.HTTPRoute' }))).to.equal(undefined);
    });
  });
});
