import { expect } from 'chai';
import { EnvironmentError, UserError } from '../../harness/errors.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario from '../../scenarios/node-termination.ts';
import { callsIn, expectJudged, logLine, routeAnswer, runFake, upstreamTargets, type FakeRunOptions, type Sighting } from '../support/fake-context.ts';
import { loadCrdSchemas } from '../support/crd-schemas.ts';
import { trafficSummary } from '../support/scenarios-infra.ts';

const TARGET = { kic: '3.5.13', mode: 'dbless', topology: 'single' };
const UPSTREAM = 'echo.chaos-nodes.80.svc';
const ENDPOINTS = ['10.244.1.7:8080', '10.244.2.9:8080'];
// Kong/kubernetes-ingress-controller#7440
const DUPLICATE_KEY =
  '2026/11/23 10:02:11 [notice] 1407#0: *2210 [lua] init.lua:234: upsert(): ERROR: duplicate key value violates unique constraint "plugins_cache_key_key", client: 127.0.0.1, server: kong_admin, request: "POST /plugins HTTP/1.1", host: "localhost:8444"';
const TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
];

interface Cluster {
  /** requests fail for this long after the node goes, while the proxy Service still lists the dead pod */
  outageMs?: number;
  /** failures never stop: the surviving replica does not take the traffic */
  neverRecovers?: boolean;
  /** a traffic-probe summary with this outage after the fault */
  trafficOutageMs?: number;
  /** Kong rejects re-created plugins after the fault, every 10 s (DB mode, KIC 3.4.5) */
  drift?: boolean;
}

function system(c: Cluster): Pick<FakeRunOptions, 'world' | 'happenings'> {
  return {
    world: ({ since }) => {
      const after = since('terminateNodeOf');
      const failing = after !== undefined && (c.neverRecovers || after < (c.outageMs ?? 0));
      const out: Sighting[] = [routeAnswer('/echo', failing ? 502 : 200), upstreamTargets([{ upstream: UPSTREAM, targets: ENDPOINTS, endpoints: ENDPOINTS }])];
      if (c.trafficOutageMs !== undefined) out.push(trafficSummary(after === undefined ? 0 : c.trafficOutageMs));
      return out;
    },
    happenings: c.drift ? [{ at: { after: 'terminateNodeOf', ms: 5_000 }, every: 10_000, entry: logLine('gateway', DUPLICATE_KEY) }] : [],
  };
}

const symptomsOf = (run: Awaited<ReturnType<typeof runFake>>) => [...new Set(run.judgement.symptoms.map((s) => s.signature))];

describe('scenario node-termination', () => {
  const versions = loadVersions();

  it('runs on the multi-node shape with two gateway replicas and 10 s eviction tolerations, per chart layout', () => {
    const single = resolveTarget(versions, scenario.requires, TARGET, scenario.id);
    const split = resolveTarget(versions, scenario.requires, { ...TARGET, topology: 'split' }, scenario.id);

    expect(scenario.shape).to.equal('multi-node');
    expect(scenario.install(single, undefined)).to.deep.equal({ gatewayReplicas: 2, values: { kong: { tolerations: TOLERATIONS } } });
    expect(scenario.install(split, 'controller')).to.deep.equal({ gatewayReplicas: 2, values: { kong: { controller: { tolerations: TOLERATIONS }, gateway: { tolerations: TOLERATIONS } } } });
  });

  it('kills the node of a gateway pod; an error window that clears is recorded as recovered', async () => {
    // 16 s: the route must stay down 15 s to count (judge/outcome.ts), shorter is a blip the traffic SLO weighs
    const run = await runFake(scenario, { ...TARGET, ...system({ outageMs: 16_000 }) });

    expectJudged(run, { outcome: 'recovered', verdict: 'observed' });
    expect(callsIn(run, 'fault')).to.deep.equal(['terminateNodeOf gateway']);
    expect(run.progress).to.include('terminated node kong-chaos-worker2, which ran a gateway pod');
  });

  it('is not reproduced when the surviving replica takes the traffic without a failed probe', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system({}) });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
  });

  it('is reproduced when traffic never comes back', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system({ neverRecovers: true }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(symptomsOf(run)).to.deep.equal(['route-unreachable']);
  });

  it('reads a traffic error window longer than 10 s as an SLO breach, and one shorter as none', async () => {
    const long = await runFake(scenario, { ...TARGET, ...system({ trafficOutageMs: 14_000 }) });
    const short = await runFake(scenario, { ...TARGET, ...system({ trafficOutageMs: 2_000 }) });

    expect(symptomsOf(long)).to.deep.equal(['traffic-slo']);
    expect(symptomsOf(short)).to.deep.equal([]);
  });

  it('records the plugin-id-drift signatures on KIC 3.4.5 in DB mode, as observed', async () => {
    const run = await runFake(scenario, { ...TARGET, kic: '3.4.5', mode: 'postgres', ...system({ drift: true }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(symptomsOf(run)).to.deep.equal(['plugin-cache-key-violation']);
  });

  it('is inconclusive when the node fault cannot be injected', async () => {
    const run = await runFake(scenario, {
      ...TARGET,
      ...system({}),
      fail: { terminateNodeOf: new EnvironmentError('the gateway pod runs on the control plane (kong-chaos-control-plane); node faults need it on a worker') },
    });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.equal('fault failed: the gateway pod runs on the control plane (kong-chaos-control-plane); node faults need it on a worker');
  });

  it('restarts the node instead in the restart variant', async () => {
    const run = await runFake(scenario, { ...TARGET, variant: 'restart', ...system({ outageMs: 20_000 }) });

    expectJudged(run, { outcome: 'recovered', verdict: 'observed' });
    expect(callsIn(run, 'fault')).to.deep.equal(['terminateNodeOf gateway restart']);
    expect(run.progress).to.include('restarted node kong-chaos-worker2, which ran a gateway pod');
  });

  it("kills the controller's node in the controller variant, which needs the split topology", async () => {
    const run = await runFake(scenario, { ...TARGET, topology: 'split', variant: 'controller', ...system({}) });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
    expect(callsIn(run, 'fault')).to.deep.equal(['terminateNodeOf controller']);
    await runFake(scenario, { ...TARGET, variant: 'controller', ...system({}) }).then(
      () => expect.fail('the single topology was accepted'),
      (e: unknown) => expect(e).to.be.instanceOf(UserError).with.property('message', 'node-termination does not run with topology single; it needs split'),
    );
  });

  it('applies a KongPlugin that the CRD schema accepts', () => {
    const crds = loadCrdSchemas();
    const target = resolveTarget(versions, scenario.requires, TARGET, scenario.id);
    const custom = scenario.manifests(target, undefined).map((o) => [o.kind, crds.validate(o).result]);

    expect(custom.filter(([, result]) => result !== 'not-a-crd')).to.deep.equal([['KongPlugin', 'valid']]);
  });
});
