import { expect } from 'chai';
import { UserError } from '../../harness/errors.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario from '../../scenarios/admin-api-partition.ts';
import { callsIn, expectJudged, logLine, routeAnswer, runFake, type FakeRunOptions, type WorldView } from '../support/fake-context.ts';
import { holds, ingressStatus, kicJson, objectsOf } from '../support/scenarios-control.ts';

const TARGET = { mode: 'dbless', topology: 'split' };
const NS = 'chaos-partition';
const POLICY = 'kong-chaos-admin-partition';
const CONTROLLER_POD = 'kong-controller-6c9d7b8f4-m5n2k';
const PROXY_IP = '10.96.88.203';
/** how long KIC takes, once it reaches the gateway again, to push the pending configuration */
const RESYNC_MS = 6_000;

const cannotUpdate = (at: number) =>
  kicJson(at, {
    logger: 'dataplane-synchronizer',
    msg: 'Could not update kong admin',
    error: 'performing update for https://10.244.0.14:8444 failed: config update failed: failed to reload declarative configuration: Post "https://10.244.0.14:8444/config?check_hash=1&flatten_errors=1": context deadline exceeded',
  });

/**
 * Whether the policy cuts KIC: kube-network-policies accepts `ct state established,related`
 * before any policy, so KIC's open keep-alive connection survives the policy unless its conntrack
 * entries are dropped after the policy landed.
 */
function cutTakes(calls: WorldView['calls']): boolean {
  const policyAt = calls.findLastIndex((c) => c.op === 'apply' && c.objects.some((o) => o.kind === 'NetworkPolicy'));
  return holds(calls, 'NetworkPolicy', POLICY) && calls.some((c, i) => i > policyAt && c.op === 'dropConnections');
}

interface Kic {
  /** the NetworkPolicy cuts KIC off (false: a CNI that does not enforce it) */
  bites?: boolean;
  /** KIC pushes the pending change once healed (false: the stale configuration outlives the partition) */
  heals?: boolean;
}

/**
 * Kong behind the partition keeps proxying what it has. KIC cannot push: the new Ingress stays
 * unpublished and KIC logs every failed sync. A gateway pod restarted meanwhile holds no
 * configuration (DB-less), so /echo fails until KIC reaches it.
 */
function system({ bites = true, heals = true }: Kic = {}): Pick<FakeRunOptions, 'world'> {
  return {
    world: ({ now, calls, since }: WorldView) => {
      const cut = bites && cutTakes(calls);
      const healedFor = since('remove');
      const synced = cut ? false : bites && healedFor !== undefined ? heals && healedFor >= RESYNC_MS : true;
      const restarted = since('deletePods') !== undefined;
      return [
        routeAnswer('/echo', restarted && !synced ? 404 : 200),
        ingressStatus(NS, 'echo', PROXY_IP),
        ...(holds(calls, 'Ingress', 'changed') ? [ingressStatus(NS, 'changed', synced ? PROXY_IP : undefined)] : []),
        ...(cut || (bites && !heals && healedFor !== undefined) ? [logLine('controller', cannotUpdate(now), CONTROLLER_POD)] : []),
      ];
    },
  };
}

describe('scenario admin-api-partition', () => {
  it('partitions, changes a route, and heals in the remediation; a change applied after healing is cleared (observed)', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system() });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(callsIn(run, 'fault')).to.deep.equal([`apply NetworkPolicy/kong/${POLICY}`, 'dropConnections 8444', `apply Ingress/${NS}/changed`]);
    expect(callsIn(run, 'remediate')).to.deep.equal([`remove NetworkPolicy/kong/${POLICY}`]);
    expect(run.judgement.remediation).to.equal('cleared');
    expect(run.judgement.symptoms.map((s) => s.signature)).to.have.members(['change-not-applied', 'kic-cannot-push']);
  });

  it('closes only the TLS Admin API port of the split gateway pods', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system() });
    const policy = objectsOf(run.calls, 'apply').find((o) => o.kind === 'NetworkPolicy')!;
    const spec = policy['spec'] as { podSelector: { matchLabels: Record<string, string> }; ingress: { ports: { port: number }[] }[] };

    expect(spec.podSelector.matchLabels).to.deep.equal({ 'app.kubernetes.io/instance': 'kong', 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/component': 'app' });
    expect(spec.ingress.flatMap((r) => r.ports.map((p) => p.port))).not.to.include(8444);
  });

  it('judges the remediation not-cleared when the change never reaches Kong after healing', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system({ heals: false }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.remediation).to.equal('not-cleared');
  });

  it('is inconclusive, never not-reproduced, when the policy never cuts KIC off; the policy is removed at once', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system({ bites: false }) });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.match(/^fault failed: the partition did not take: KIC logged no failed push within 60 s/);
    expect(callsIn(run, 'fault')).to.deep.equal([`apply NetworkPolicy/kong/${POLICY}`, 'dropConnections 8444', `apply Ingress/${NS}/changed`, `remove NetworkPolicy/kong/${POLICY}`]);
    expect(callsIn(run, 'remediate')).to.deep.equal([]);
  });

  it('removes the policy when connections cannot be dropped (no kind nodes), and is inconclusive', async () => {
    const noKind = new Error('dropping connections needs a kind cluster made by kong-chaos (its nodes are Docker containers)');
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system(), fail: { dropConnections: noKind } });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(callsIn(run, 'fault')).to.deep.equal([`apply NetworkPolicy/kong/${POLICY}`, 'dropConnections 8444', `remove NetworkPolicy/kong/${POLICY}`]);
  });

  it('drops the open connections to the TLS Admin API after the policy landed, and waits for the proof the cut took', async () => {
    const run = await runFake(scenario, { kic: '3.4.1', ...TARGET, ...system() });
    const fault = run.calls.filter((c) => c.phase === 'fault');
    const policy = fault.find((c) => c.op === 'apply' && c.objects.some((o) => o.kind === 'NetworkPolicy'))!;
    const drop = fault.find((c) => c.op === 'dropConnections')!;

    expect(drop.at - policy.at).to.be.at.least(5_000);
    // the observation window starts once KIC said it cannot push, not before
    const observeStart = run.entries.find((e) => e.kind === 'step' && e.phase === 'observe' && e.state === 'start')!;
    const firstFailure = run.entries.find((e) => e.kind === 'log' && e.line.includes('Could not update kong admin'))!;
    expect(observeStart.at).to.be.at.least(firstFailure.at);
    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
  });

  it('takes KIC 3.4 and 3.5 "no ready gateway clients" line as proof too', async () => {
    const noClients = (at: number) => kicJson(at, { msg: 'Could not send configuration to gateways', error: 'no ready gateway clients' });
    const world: FakeRunOptions['world'] = (view) => {
      const out = system().world(view).filter((o) => o.kind !== 'log');
      return cutTakes(view.calls) ? [...out, logLine('controller', noClients(view.now), CONTROLLER_POD)] : out;
    };
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, world });

    expect(callsIn(run, 'fault')).to.not.include(`remove NetworkPolicy/kong/${POLICY}`);
    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
  });

  it('deletes the gateway pods during the partition in with-gateway-restart; /echo must come back after healing', async () => {
    const run = await runFake(scenario, { kic: '3.4.20', ...TARGET, variant: 'with-gateway-restart', ...system() });

    expect(callsIn(run, 'fault')).to.deep.equal([`apply NetworkPolicy/kong/${POLICY}`, 'dropConnections 8444', `apply Ingress/${NS}/changed`, 'deletePods gateway']);
    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.symptoms.map((s) => s.signature)).to.include('route-unreachable');
    expect(run.judgement.remediation).to.equal('cleared');
  });

  it('is inconclusive when /echo is not routable before the partition', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, world: () => [routeAnswer('/echo', 503), ingressStatus(NS, 'echo', PROXY_IP)] });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.calls.filter((c) => c.phase === 'fault')).to.deep.equal([]);
  });

  it('needs the split topology: in single, KIC reaches Kong on localhost', () => {
    expect(() => resolveTarget(loadVersions(), scenario.requires, { topology: 'single' }, scenario.id)).to.throw(UserError, /needs split/);
  });
});
