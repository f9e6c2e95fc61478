import { expect } from 'chai';
import { UserError } from '../../harness/errors.ts';
import type { EntityCounts } from '../../harness/judge/drift.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import semver from 'semver';
import scenario, { OLDEST_KIC, previousKic } from '../../scenarios/upgrade-gate.ts';
import { callsIn, expectJudged, gatewayCondition, logLine, podConfig, runFake, type FakeRunOptions, type Sighting, type WorldView } from '../support/fake-context.ts';
import { loadCrdSchemas } from '../support/crd-schemas.ts';
import { entityCounts, kicJson, objectsOf, warningEvent } from '../support/scenarios-control.ts';

const TARGET = { mode: 'postgres', topology: 'single' };
const NS = 'chaos-gate';
const KONG_POD = 'kong-kong-6b8d9c7f5-q2w4e';
/** a healthy route answers what its probe expects: key-auth turns a request without a key away */
const EXPECTED: Record<string, number> = { '/gate-echo': 200, '/gate-auth': 401, '/gate-httproute': 200 };

const HEALTHY: EntityCounts = { managed: { services: 2, routes: 3, plugins: 5, consumers: 1 }, duplicatePlugins: [], orphanPlugins: [] };

// Kong logs the Postgres error at NOTICE (kong/db/strategies/postgres/init.lua@3.9.1); the DETAIL goes on the next line
const DUPLICATE_KEY = '2026/11/23 10:01:12 [notice] 1407#0: *20431 [lua] init.lua:234: upsert(): ERROR: duplicate key value violates unique constraint "plugins_cache_key_key"';

const route = (path: string, status: number): Sighting => ({ kind: 'route', route: path, ok: status === EXPECTED[path], status, latencyMs: 5 });

// Kong's configuration_hash: the MD5 hex of the body it last accepted (kong/db/declarative/init.lua@3.9.3)
const BEFORE = '9e107d9d372bb6826bd81d3542a419d6';
const AFTER = 'e4d909c290d0fb1ca068ffaddf22cbd0';
const GATEWAY_PODS = ['kong-kong-6b8d9c7f5-q2w4e', 'kong-kong-6b8d9c7f5-x7k9p'];

/** Both gateway pods read directly; `stale` keeps one on the configuration from before the upgrade, 404 for /gate-echo. */
function gatewayPods(upgraded: boolean, stale: boolean): Sighting[] {
  const answers = (behind: boolean) => Object.fromEntries(Object.entries(EXPECTED).map(([path, status]) => [path, behind && path === '/gate-echo' ? { status: 404, ok: false } : { status, ok: true }]));
  return GATEWAY_PODS.map((pod, i) => {
    const behind = stale && upgraded && i === 1;
    return podConfig(pod, upgraded && !behind ? AFTER : BEFORE, answers(behind));
  });
}

interface Upgrade {
  /** after the upgrade Kong rejects the re-created plugins and loses the key-auth plugin */
  breaks?: boolean;
  /** /gate-echo fails from the upgrade until this many ms after it (0: one probe round) */
  blipMs?: number;
  /** one gateway pod never takes the configuration after the upgrade, though the Service still answers */
  podLeftBehind?: boolean;
}

function system({ breaks = false, blipMs, podLeftBehind = false }: Upgrade = {}): Pick<FakeRunOptions, 'world'> {
  return {
    world: ({ now, since }: WorldView) => {
      const upgraded = since('upgrade');
      const broken = breaks && upgraded !== undefined;
      const blip = blipMs !== undefined && upgraded !== undefined && upgraded <= blipMs;
      return [
        route('/gate-echo', blip ? 502 : 200),
        route('/gate-auth', broken ? 200 : 401),
        route('/gate-httproute', 200),
        gatewayCondition({ namespace: NS, name: 'kong' }, { type: 'Accepted', status: 'True', reason: 'Accepted', listener: 'http' }),
        entityCounts(broken ? { ...HEALTHY, managed: { ...HEALTHY.managed, plugins: 4 } } : HEALTHY),
        { kind: 'admin', query: 'plugins', data: [] },
        ...gatewayPods(upgraded !== undefined, podLeftBehind),
        ...(broken
          ? [
              logLine('gateway', DUPLICATE_KEY, KONG_POD),
              logLine('controller', kicJson(now, { msg: 'failed updating gateway entity', action: 'create', kind: 'plugin', name: 'key-auth for route chaos-gate.gate-auth.echo.80', error: 'HTTP status 409 (message: "UNIQUE violation detected on \'{name="key-auth",route={id="5f3e7c1a-9b2d-4e6f-8a0c-1d3b5e7f9a2c"}}\'")' }), KONG_POD),
              warningEvent('KongConfigurationApplyFailed', 'failed to apply Kong configuration to https://localhost:8444: HTTP status 409', { kind: 'Pod', name: KONG_POD, namespace: 'kong' }),
            ]
          : []),
      ];
    },
  };
}

describe('scenario upgrade-gate', () => {
  it('names as the oldest KIC the oldest release versions.yaml pins (the one without a predecessor)', () => {
    expect(OLDEST_KIC).to.equal([...loadVersions().kic.versions].sort(semver.compare)[0]);
    expect(previousKic(OLDEST_KIC)).to.equal(undefined);
  });

  it('upgrades from the previous release of the target, never from a newer build of another line', () => {
    expect(previousKic('3.5.13')).to.equal('3.5.12');
    // 3.4.20 (2026-08-07) is newer than 3.5.0 (2025-07-02); 3.4.7 (2025-06-20) came out just before it
    expect(previousKic('3.5.0')).to.equal('3.4.7');
    expect(previousKic('3.4.10')).to.equal('3.4.9');
    expect(previousKic('3.4.1')).to.equal(undefined);
    const target = resolveTarget(loadVersions(), scenario.requires, { kic: '3.5.0', ...TARGET }, scenario.id);
    expect(scenario.install(target, undefined)).to.deep.equal({ initialKic: '3.4.7', gatewayApi: true, gatewayReplicas: 2, values: { kong: { ingressController: { env: { dump_config: 'true' } } } } });
    const split = resolveTarget(loadVersions(), scenario.requires, { kic: '3.5.0', mode: 'dbless', topology: 'split' }, scenario.id);
    // kong/ingress aliases the controller's kong subchart `controller` (charts/ingress/Chart.yaml@ingress-0.24.0)
    expect(scenario.install(split, undefined).values).to.deep.equal({ kong: { controller: { ingressController: { env: { dump_config: 'true' } } } } });
  });

  it('refuses the oldest KIC in versions.yaml: there is nothing to upgrade from', () => {
    expect(() => resolveTarget(loadVersions(), scenario.requires, { kic: '3.4.1', ...TARGET }, scenario.id)).to.throw(UserError, /upgrade-gate needs KIC >3\.4\.1; 3\.4\.1 does not qualify/);
  });

  it('applies plugins at every level, a consumer with a key-auth credential Secret, Ingresses and Gateway API objects', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system() });
    const applied = objectsOf(run.calls, 'apply');
    const credential = applied.find((o) => o.kind === 'Secret')!;

    expect(applied.map((o) => o.kind)).to.include.members(['KongPlugin', 'KongClusterPlugin', 'KongConsumer', 'Secret', 'Ingress', 'GatewayClass', 'Gateway', 'HTTPRoute']);
    expect(credential.metadata.labels).to.deep.equal({ 'konghq.com/credential': 'key-auth' });
    expect(applied.find((o) => o.kind === 'KongConsumer')).to.deep.include({ credentials: [credential.metadata.name] });
    expect(callsIn(run, 'setup')).to.have.length(1);
  });

  it('has custom resources that the Kong and Gateway API CRDs accept', () => {
    const crds = loadCrdSchemas();
    const target = resolveTarget(loadVersions(), scenario.requires, { ...TARGET }, scenario.id);
    const results = scenario.manifests(target, undefined).map((o) => ({ kind: o.kind, ...crds.validate(o) }));

    expect(results.filter((r) => r.result === 'invalid')).to.deep.equal([]);
    expect(results.filter((r) => r.result === 'valid').map((r) => r.kind)).to.have.members([
      'KongPlugin', 'KongPlugin', 'KongPlugin', 'KongPlugin', 'KongClusterPlugin', 'KongConsumer', 'GatewayClass', 'Gateway', 'HTTPRoute',
    ]);
  });

  it('passes when nothing fires through the upgrade', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system() });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'pass' });
    expect(callsIn(run, 'fault')).to.deep.equal(['upgrade kic=3.5.13 gateway=3.9.3']);
  });

  it('is a regression when the upgrade re-creates plugins that Kong rejects and the key-auth plugin is lost', async () => {
    const run = await runFake(scenario, { kic: '3.4.5', ...TARGET, ...system({ breaks: true }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'regression' });
    expect(run.judgement.symptoms.map((s) => s.signature)).to.have.members([
      'route-unreachable-gate-auth',
      'entity-drift',
      'config-apply-failed',
      'kic-entity-update-failed',
      'kong-unique-violation',
    ]);
    expect(callsIn(run, 'fault')).to.deep.equal(['upgrade kic=3.4.5 gateway=3.9.3']);
  });

  it('counts a route failure that lasts, even one that clears, as a regression: the gate expects nothing at all', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system({ blipMs: 20_000 }) });

    expectJudged(run, { outcome: 'recovered', verdict: 'regression' });
  });

  it('passes a route failure of one probe round while the Kong pod is replaced: a blip, which the traffic SLO weighs', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system({ blipMs: 0 }) });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'pass' });
    expect(run.judgement.reason).to.equal('no symptom lasted; only blips that cleared by themselves: /gate-echo -> 502 for 3s');
  });

  it('fails the gate when a gateway pod is left on the old configuration after the upgrade, though every route answers through the Service', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', mode: 'dbless', topology: 'single', ...system({ podLeftBehind: true }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'regression' });
    expect(run.judgement.symptoms.map((s) => `${s.signature} ${s.subject}`)).to.deep.equal([`gateway-pods-diverged pod/${GATEWAY_PODS[1]}`]);
    expect(run.judgement.reason).to.contain(`${GATEWAY_PODS[1]} holds configuration 9e107d9d372b while 1 of 2 pods hold configuration e4d909c290d0`);
    expect(run.judgement.reason).to.contain(`; answers /gate-echo with 404 while ${GATEWAY_PODS[0]} serves it`);
  });

  it('passes when both gateway pods move to the new configuration together', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', mode: 'dbless', topology: 'single', ...system() });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'pass' });
    const hashes = run.entries.filter((o) => o.kind === 'pod-config').map((o) => (o.kind === 'pod-config' ? o.configHash : undefined));
    expect(new Set(hashes)).to.deep.equal(new Set([BEFORE, AFTER]));
  });

  it('is inconclusive when Kong holds fewer entities than the configuration before the upgrade', async () => {
    const healthy = system().world;
    const run = await runFake(scenario, {
      kic: '3.5.13',
      ...TARGET,
      world: (w) => healthy(w).map((s) => (s.kind === 'admin' && s.query === 'entity-counts' ? entityCounts({ ...HEALTHY, managed: { ...HEALTHY.managed, consumers: 0 } }) : s)),
    });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.include('0 managed consumers, fewer than the 1 configured');
    expect(run.calls.map((c) => c.op)).not.to.include('upgrade');
  });
});
