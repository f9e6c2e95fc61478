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
    error: 'performing update for https://10.244.0.14:8444 failed: failed pushing configuration: Post "https://10.244.0.14:8444/config?check_hash=1": dial tcp 10.244.0.14:8444: i/o timeout',
  });

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
      const cut = bites && holds(calls, 'NetworkPolicy', POLICY);
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
    expect(callsIn(run, 'fault')).to.deep.equal([`apply NetworkPolicy/kong/${POLICY}`, `apply Ingress/${NS}/changed`]);
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

  it('is not reproduced when the policy never cuts KIC off, and then does not heal anything', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system({ bites: false }) });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
    expect(callsIn(run, 'remediate')).to.deep.equal([]);
  });

  it('deletes the gateway pods during the partition in with-gateway-restart; /echo must come back after healing', async () => {
    const run = await runFake(scenario, { kic: '3.4.20', ...TARGET, variant: 'with-gateway-restart', ...system() });

    expect(callsIn(run, 'fault')).to.deep.equal([`apply NetworkPolicy/kong/${POLICY}`, `apply Ingress/${NS}/changed`, 'deletePods gateway']);
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
