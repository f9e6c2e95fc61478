import { expect } from 'chai';
import { UserError } from '../../harness/errors.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario from '../../scenarios/plugin-id-drift.ts';
import {
  callsIn,
  expectJudged,
  logLine,
  routeAnswer,
  runFake,
  streamState,
  upstreamTargets,
  type AdminPlugin,
  type FakeRunOptions,
  type Operation,
} from '../support/fake-context.ts';

const TARGET = { mode: 'postgres', topology: 'single' };
const GATEWAY_POD = 'kong-kong-6b8d9c7f5-q2w4e';

// What Kong logs when KIC re-creates an existing plugin under a new id (#7440).
const DUPLICATE_KEY =
  '2026/11/23 10:00:42 [notice] 1407#0: *119453 [lua] init.lua:234: upsert(): ERROR: duplicate key value violates unique constraint "plugins_cache_key_key", client: 127.0.0.1, server: kong_admin, request: "POST /plugins HTTP/1.1", host: "localhost:8444"';

const UPSTREAM = 'echo.chaos-plugins.80.svc';
const PODS_BEFORE_ROLL = ['10.244.0.11:8080', '10.244.0.12:8080'];
const PODS_AFTER_ROLL = ['10.244.0.23:8080', '10.244.0.24:8080'];
/** how long KIC takes to re-create the deleted plugins and push the pending config */
const RESYNC_MS = 6_000;

const kicTags = (kind: string, name: string, namespace?: string) => [
  'managed-by-ingress-controller',
  `k8s-name:${name}`,
  ...(namespace ? [`k8s-namespace:${namespace}`] : []),
  `k8s-kind:${kind}`,
  'k8s-group:configuration.konghq.com',
  'k8s-version:v1',
];
const MANAGED: AdminPlugin[] = [
  { id: '0f5e1d4c-9a57-5b3c-8d2e-6a1f3b7c9e01', name: 'response-transformer', tags: kicTags('KongPlugin', 'echo-route-header', 'chaos-plugins') },
  { id: '1a6f2e5d-0b68-5c4d-9e3f-7b2a4c8d0f12', name: 'response-transformer', tags: kicTags('KongPlugin', 'echo-service-header', 'chaos-plugins') },
  { id: '2b7a3f6e-1c79-5d5e-af40-8c3b5d9e1a23', name: 'correlation-id', tags: kicTags('KongPlugin', 'echo-correlation', 'chaos-plugins') },
  { id: '3c8b4a7f-2d8a-5e6f-b051-9d4c6eaf2b34', name: 'correlation-id', tags: kicTags('KongClusterPlugin', 'chaos-global-request-id') },
];
// made by hand through the Admin API: the remediation must leave them alone
const HAND_MADE: AdminPlugin[] = [
  { id: '9d1e2f3a-4b5c-4d6e-8f70-81a2b3c4d5e6', name: 'rate-limiting', tags: ['team-payments'] },
  { id: 'a0b1c2d3-e4f5-4a6b-9c7d-8e9f0a1b2c3d', name: 'prometheus', tags: null },
];

interface Drift {
  /** the call after which KIC keeps re-creating plugins under new ids; none for a KIC that keeps them */
  after?: Operation;
  /** false: Kong keeps rejecting even after the managed plugins were deleted */
  remediable?: boolean;
}

/**
 * Kong in front of the echo backend. Rolling the backend moves its pods; a healthy sync follows
 * them, a drifting one leaves the upstream on the old, dead pods (502) while Kong logs the
 * rejected INSERTs, until the remediation deletes the managed plugins.
 */
function system({ after, remediable = true }: Drift): Pick<FakeRunOptions, 'world' | 'happenings' | 'plugins'> {
  return {
    plugins: [...MANAGED, ...HAND_MADE],
    world: ({ since }) => {
      const drifting = after !== undefined && since(after) !== undefined;
      const remediated = remediable && (since('deletePlugin') ?? 0) >= RESYNC_MS;
      const endpoints = since('restartDeployment') === undefined ? PODS_BEFORE_ROLL : PODS_AFTER_ROLL;
      const targets = drifting && !remediated ? PODS_BEFORE_ROLL : endpoints;
      return [upstreamTargets([{ upstream: UPSTREAM, targets, endpoints }]), routeAnswer('/echo', targets === endpoints ? 200 : 502)];
    },
    happenings: after
      ? [
          {
            at: { after, ms: 2_000 },
            every: 10_000,
            ...(remediable ? { until: { after: 'deletePlugin' as const } } : {}),
            entry: logLine('gateway', DUPLICATE_KEY, GATEWAY_POD),
          },
        ]
      : [],
  };
}

describe('scenario plugin-id-drift', () => {
  it('installs KIC 3.4.4 first, so that the fault is the upgrade to the target version', () => {
    const target = resolveTarget(loadVersions(), scenario.requires, { kic: '3.4.5', ...TARGET }, scenario.id);

    expect(scenario.install(target, undefined)).to.deep.equal({ initialKic: '3.4.4' });
    // a 3.4.5 installed directly fills its own deterministic plugin ids: there would be nothing to drift from
    expect(scenario.install(target, 'node-termination')).to.deep.equal({ initialKic: '3.4.4', gatewayReplicas: 2 });
  });

  it('reproduces on KIC 3.4.5: Kong rejects the re-created plugins and the upstream keeps the dead pods', async () => {
    const run = await runFake(scenario, { kic: '3.4.5', ...TARGET, ...system({ after: 'upgrade' }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
    expect(callsIn(run, 'fault')).to.deep.equal(['upgrade kic=3.4.5', 'restartDeployment chaos-plugins/echo']);
    expect(run.judgement.symptoms.map((s) => s.signature)).to.have.members(['plugin-cache-key-violation', 'stale-upstream-targets', 'route-unreachable']);
  });

  it('remediates a reproduction by deleting only the plugins KIC manages, which clears the symptoms', async () => {
    const run = await runFake(scenario, { kic: '3.4.5', ...TARGET, ...system({ after: 'upgrade' }) });

    expect(callsIn(run, 'remediate')).to.deep.equal(['listPlugins', ...MANAGED.map((p) => `deletePlugin ${p.id}`)]);
    expect(run.progress).to.include('deleted 4 managed plugins');
    expect(run.judgement.remediation).to.equal('cleared');
    // the remediation is judged apart: the run still reports the bug it reproduced
    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
  });

  it('judges the remediation not-cleared when Kong keeps rejecting after the deletes', async () => {
    const run = await runFake(scenario, { kic: '3.4.5', ...TARGET, ...system({ after: 'upgrade', remediable: false }) });

    expect(callsIn(run, 'remediate')).to.have.length(1 + MANAGED.length);
    expect(run.judgement.remediation).to.equal('not-cleared');
  });

  it('is not reproduced on KIC 3.4.6, and runs no remediation', async () => {
    const run = await runFake(scenario, { kic: '3.4.6', ...TARGET, ...system({}) });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'pass' });
    expect(callsIn(run, 'fault')).to.deep.equal(['upgrade kic=3.4.6', 'restartDeployment chaos-plugins/echo']);
    expect(run.calls.filter((c) => c.op === 'listPlugins' || c.op === 'deletePlugin')).to.deep.equal([]);
    expect(run.judgement.remediation).to.equal('not-run');
  });

  it('is a regression when KIC 3.4.6, which keeps plugin ids, still drifts', async () => {
    const run = await runFake(scenario, { kic: '3.4.6', ...TARGET, ...system({ after: 'upgrade' }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'regression' });
    expect(callsIn(run, 'fault')).to.deep.equal(['upgrade kic=3.4.6', 'restartDeployment chaos-plugins/echo']);
  });

  it('refuses DB-less mode: the bug needs Postgres', () => {
    expect(() => resolveTarget(loadVersions(), scenario.requires, { kic: '3.4.5', mode: 'dbless' }, scenario.id)).to.throw(
      UserError,
      'plugin-id-drift does not run with mode dbless; it needs postgres',
    );
  });

  it('refuses KIC 3.4.4: there is no upgrade to it from the last good version', () => {
    expect(() => resolveTarget(loadVersions(), scenario.requires, { kic: '3.4.4', ...TARGET }, scenario.id)).to.throw(UserError, /needs KIC >=3\.4\.5; 3\.4\.4 does not qualify/);
  });

  it('terminates the node running KIC 3.4.4 in the node-termination variant and brings KIC back on the target, observed', async () => {
    const run = await runFake(scenario, { kic: '3.4.5', ...TARGET, variant: 'node-termination', ...system({ after: 'upgrade' }) });

    expect(callsIn(run, 'fault')).to.deep.equal(['terminateNodeOf controller', 'upgrade kic=3.4.5', 'restartDeployment chaos-plugins/echo']);
    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
  });

  it('is not reproduced on KIC 3.4.6 when a probe catches the upstream on the old pods for one round before the next sync', async () => {
    // the upgrade restarts the Kong pod; after the backend rolls, KIC pushes the new targets on
    // its next sync (every 3 s, internal/dataplane/synchronizer.go@v3.4.6), so the 3 s probes
    // can catch the old targets once
    const oneSync = system({});
    const run = await runFake(scenario, {
      kic: '3.4.6',
      ...TARGET,
      ...oneSync,
      world: (w) => {
        const rolled = w.since('restartDeployment');
        const beforeSync = rolled !== undefined && rolled < 3_000;
        const endpoints = rolled === undefined ? PODS_BEFORE_ROLL : PODS_AFTER_ROLL;
        const targets = beforeSync ? PODS_BEFORE_ROLL : endpoints;
        return [upstreamTargets([{ upstream: UPSTREAM, targets, endpoints }]), routeAnswer('/echo', beforeSync ? 502 : 200)];
      },
    });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'pass' });
    expect(run.judgement.reason).to.match(/^no symptom lasted; only blips that cleared by themselves: .*for 3s/);
  });

  it('is a regression on KIC 3.4.6 when the upstream stays on the old pods for 20 s, even if it recovers', async () => {
    const run = await runFake(scenario, {
      kic: '3.4.6',
      ...TARGET,
      ...system({}),
      world: (w) => {
        const rolled = w.since('restartDeployment');
        const stuck = rolled !== undefined && rolled < 20_000;
        const endpoints = rolled === undefined ? PODS_BEFORE_ROLL : PODS_AFTER_ROLL;
        return [upstreamTargets([{ upstream: UPSTREAM, targets: stuck ? PODS_BEFORE_ROLL : endpoints, endpoints }]), routeAnswer('/echo', stuck ? 502 : 200)];
      },
    });

    expectJudged(run, { outcome: 'recovered', verdict: 'regression' });
  });

  describe('when the gateway log stream drops during the window', () => {
    const stream = `log stream kong/${GATEWAY_POD}/proxy`;
    const dropped = { at: { after: 'upgrade' as const, ms: 45_000 }, entry: streamState(stream, 'dropped', `${stream} dropped: unexpected EOF`) };

    it('is inconclusive if the stream never comes back, and runs no remediation on such evidence', async () => {
      const drift = system({ after: 'upgrade' });
      const run = await runFake(scenario, { kic: '3.4.5', ...TARGET, ...drift, happenings: [...drift.happenings!, dropped] });

      expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
      expect(run.judgement.reason).to.equal(`evidence stream ${stream} broke and did not come back: ${stream} dropped: unexpected EOF`);
      expect(callsIn(run, 'remediate')).to.deep.equal([]);
    });

    it('is judged as usual if the stream reopens inside the window', async () => {
      const drift = system({ after: 'upgrade' });
      const reopened = { at: { after: 'upgrade' as const, ms: 50_000 }, entry: streamState(stream, 'reopened', `${stream} reopened`) };
      const run = await runFake(scenario, { kic: '3.4.5', ...TARGET, ...drift, happenings: [...drift.happenings!, dropped, reopened] });

      expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
    });
  });
});
