import { expect } from 'chai';
import { read, type Signature } from '../../harness/judge/signatures.ts';
import type { Observation } from '../../harness/evidence/types.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario from '../../scenarios/missing-crds.ts';
import { callsIn, expectJudged, logLine, routeAnswer, runFake, type FakeRunOptions } from '../support/fake-context.ts';
import { kicJsonLine } from '../support/scenarios-infra.ts';

const TARGET = { kic: '3.5.13', mode: 'dbless', topology: 'single' };

// client-go's reflector reports a watch on a vanished resource through utilruntime.HandleError,
// which KIC's logr/zap turns into a JSON line (shape derived from the encoder, not captured)
const LIST_FAILED = kicJsonLine({
  logger: 'UnhandledError',
  msg: 'Failed to watch',
  reflector: 'pkg/mod/k8s.io/client-go@v0.33.1/tools/cache/reflector.go:285',
  type: '*v1.KongIngress',
  error: 'failed to list *v1.KongIngress: the server could not find the requested resource (get kongingresses.configuration.konghq.com)',
});
// the seed report's klog form (KIC 0.x)
const LIST_FAILED_KLOG = 'E1016 17:48:00.868987       5 reflector.go:126] pkg/mod/k8s.io/client-go/tools/cache/reflector.go:94: Failed to list *v1.KongIngress: the server could not find the requested resource';

interface Kic {
  /** KIC logs the list failure every 10 s from this call on, until `logsFor` ms have passed */
  logsAfter?: 'remove' | 'restartDeployment';
  logsFor?: number;
  /** the canary is not routable from the start */
  neverRoutes?: boolean;
  /** KIC stops delivering changes after the fault: the canary fails */
  breaksAfterFault?: boolean;
}

function system(k: Kic): Pick<FakeRunOptions, 'world' | 'happenings'> {
  return {
    world: ({ since }) => [routeAnswer('/canary', k.neverRoutes || (k.breaksAfterFault && since('restartDeployment') !== undefined) ? 502 : 200)],
    happenings: k.logsAfter
      ? [{ at: { after: k.logsAfter, ms: 1_000 }, every: 10_000, ...(k.logsFor ? { until: { after: k.logsAfter, ms: k.logsFor } } : {}), entry: logLine('controller', LIST_FAILED) }]
      : [],
  };
}

describe('scenario missing-crds', () => {
  it('installs with --skip-crds, and with the CRDs in the delete-crd variant', () => {
    const target = resolveTarget(loadVersions(), scenario.requires, TARGET, scenario.id);
    expect(scenario.install(target, undefined)).to.deep.equal({ skipCrds: true });
    expect(scenario.install(target, 'delete-crd')).to.deep.equal({});
  });

  it('is not reproduced when KIC runs without its CRDs and still delivers the backend roll', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system({}) });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
    expect(callsIn(run, 'setup')).to.deep.equal(['apply Namespace/chaos-crds Deployment/chaos-crds/echo Service/chaos-crds/echo Ingress/chaos-crds/canary']);
    expect(callsIn(run, 'fault')).to.deep.equal(['restartDeployment chaos-crds/echo']);
  });

  it('is reproduced when KIC keeps failing to list a missing resource to the end of the window', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system({ logsAfter: 'restartDeployment' }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.symptoms.map((s) => s.signature)).to.deep.equal(['kic-crd-list-failed']);
  });

  it('reads a canary that stops routing after the fault as a symptom', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system({ breaksAfterFault: true }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.symptoms.map((s) => s.signature)).to.deep.equal(['canary-unreachable']);
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

    it('recovers when KIC stops listing the deleted resource inside the window', async () => {
      const run = await runFake(scenario, { ...TARGET, variant: 'delete-crd', ...system({ logsAfter: 'remove', logsFor: 30_000 }) });

      expectJudged(run, { outcome: 'recovered', verdict: 'observed' });
    });
  });

  describe('the KIC log signature', () => {
    const signature = scenario.signatures.find((s) => s.id === 'kic-crd-list-failed') as Signature;
    const bad = (line: string) => read(signature, { ...logLine('controller', line), at: 0 } as Observation)?.state;

    it('matches the JSON and the klog forms', () => {
      expect(bad(LIST_FAILED)).to.equal('bad');
      expect(bad(LIST_FAILED_KLOG)).to.equal('bad');
    });

    it('stays silent on a controller that waits for, then finds, its CRDs', () => {
      // internal/controllers/crds/dynamic_controller.go @ v3.5.13
      expect(bad(kicJsonLine({ level: 'info', logger: 'controllers.Dynamic/Gateway', msg: 'All required CustomResourceDefinitions are installed, setting up the controller', v: 0 }))).to.equal(undefined);
      expect(bad(kicJsonLine({ level: 'info', logger: 'controllers.Ingress.netv1', msg: 'Reconciling resource', namespace: 'chaos-crds', name: 'canary', v: 1 }))).to.equal(undefined);
    });
  });
});
