import { expect } from 'chai';
import { UserError } from '../../harness/errors.ts';
import { LICENSE_SECRET } from '../../harness/kong/names.ts';
import { buildPlan, targetFor } from '../../harness/runner/plan.ts';
import { lastTermination } from '../../harness/probes/container-state.ts';
import { gatewayVersions, isLicensed } from '../../harness/targets/edition.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario, { ENTERPRISE_ADMISSION_FACT, TEAPOT_STATUS } from '../../scenarios/unlicensed-gateway.ts';
import { callsIn, expectJudged, logLine, routeAnswer, runFake, streamState, type FakeRunOptions, type Sighting, type WorldView } from '../support/fake-context.ts';
import { appliedAt, everySync, kicEvent } from '../support/scenarios-config.ts';
import { ingressStatus, kicJsonLine } from '../support/scenarios-infra.ts';

const NS = 'chaos-unlicensed';
const KIC_POD = 'kong-controller-7c9d8b6f4-x2k9p';
const GATEWAY_POD = 'kong-gateway-5f7b9c8d6-m4q8r';
const versions = loadVersions();

/** DB-less: the sync loop's error for a POST /config Kong answered 403 (the message Kong gives is not published) */
const DBLESS_REFUSED = logLine(
  'controller',
  kicJsonLine({
    msg: 'Could not update kong admin',
    error: 'performing update for https://10.244.0.12:8444 failed: config update failed: failed to reload declarative configuration: HTTP status 403 (message: "license required")',
  }),
  KIC_POD,
);
/** DB mode: one refused entity write, as KIC logs each before the sync error */
const ENTITY_REFUSED = logLine(
  'controller',
  kicJsonLine({ msg: 'failed updating gateway entity', action: 'create', kind: 'route', name: 'chaos-unlicensed.echo.echo.http', error: 'HTTP status 403 (message: "license required")' }),
  KIC_POD,
);

/** The gateway container as the containers probe reads it: running, or restarted after exit code 1. */
function gatewayContainer(restarted: boolean): Sighting {
  const { at: _at, ...entry } = lastTermination(0, { kind: 'Pod', name: GATEWAY_POD, namespace: 'kong' }, {
    name: 'proxy',
    restartCount: restarted ? 3 : 0,
    ...(restarted ? { lastState: { terminated: { exitCode: 1, reason: 'Error' } } } : {}),
  });
  return entry;
}

interface Kong {
  /** ms after the fault's apply when Kong holds the route (undefined: never) */
  routeAfterMs?: number;
  /** ms after the fault's apply when Kong holds the plugin too (undefined: never) */
  pluginAfterMs?: number;
  restarts?: boolean;
}

/**
 * The gateway seen through the proxy: before the fault nothing of the scenario is configured
 * (404); after it, each route answers once Kong took it, and /teapot answers the plugin's 418
 * only once the plugin is in (the bare route would reach the backend: 200).
 */
function gateway({ routeAfterMs, pluginAfterMs, restarts = false }: Kong): (w: WorldView) => Sighting[] {
  return ({ now, calls }) => {
    const applied = appliedAt(calls, 'Ingress', 'echo');
    const since = applied === undefined ? undefined : now - applied;
    const has = (after: number | undefined) => since !== undefined && after !== undefined && since >= after;
    const route = has(routeAfterMs);
    const plugin = route && has(pluginAfterMs);
    return [
      routeAnswer('/echo', route ? 200 : 404),
      // the route probe reads ok against the route's expectStatus (probes/route.ts)
      { kind: 'route', route: '/teapot', ok: plugin, status: plugin ? TEAPOT_STATUS : route ? 200 : 404, latencyMs: 4 },
      ...(applied === undefined ? [] : [ingressStatus(NS, 'echo', route), ingressStatus(NS, 'teapot', plugin)]),
      gatewayContainer(restarts),
    ];
  };
}

/** A Kong that refuses every write: KIC's push fails on every sync from its start, the scenario's objects never get in. */
const refusing = (line: Sighting, restarts = false): Pick<FakeRunOptions, 'world' | 'happenings'> => ({
  world: gateway({ restarts }),
  happenings: [everySync(line, 'apply')],
});

describe('scenario unlicensed-gateway', () => {
  it('applies only the backend in setup, and the whole configuration as the fault', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', mode: 'dbless', world: gateway({ routeAfterMs: 3_000, pluginAfterMs: 3_000 }) });

    expect(callsIn(run, 'setup')).to.deep.equal([`apply Namespace/${NS} Deployment/${NS}/echo Service/${NS}/echo`]);
    expect(callsIn(run, 'fault')).to.deep.equal([`apply Ingress/${NS}/echo KongPlugin/${NS}/teapot Ingress/${NS}/teapot`]);
  });

  it('reproduces when Kong refuses the push (DB-less, POST /config): routes and plugin never configured, Ingresses unpublished, KIC logs every refusal', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', mode: 'dbless', ...refusing(DBLESS_REFUSED) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.symptoms.map((s) => `${s.signature} ${s.subject}`)).to.have.members([
      'route-never-configured /echo',
      'plugin-never-configured /teapot',
      'ingress-unpublished Ingress/echo',
      'ingress-unpublished Ingress/teapot',
      'push-refused-by-kong controller',
    ]);
  });

  it('reproduces when Kong refuses the entity writes (DB mode)', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', mode: 'postgres', ...refusing(ENTITY_REFUSED) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.symptoms.map((s) => s.signature)).to.include('push-refused-by-kong');
  });

  it('is not-reproduced when Kong takes the configuration, even once the pods took a minute to start', async () => {
    for (const mode of ['dbless', 'postgres']) {
      const run = await runFake(scenario, { kic: '3.5.13', mode, world: gateway({ routeAfterMs: 60_000, pluginAfterMs: 63_000 }) });

      expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
      expect(run.judgement.reason).to.match(/^no symptom lasted/);
    }
  });

  it('tells a plugin refused from a route refused: the route answers, the plugin never does', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', mode: 'postgres', world: gateway({ routeAfterMs: 3_000 }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.symptoms.map((s) => `${s.signature} ${s.subject}`)).to.have.members(['plugin-never-configured /teapot', 'ingress-unpublished Ingress/teapot']);
  });

  it('reads configuration that arrives after the persistence window as recovered', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', mode: 'dbless', world: gateway({ routeAfterMs: 200_000, pluginAfterMs: 200_000 }) });

    expectJudged(run, { outcome: 'recovered', verdict: 'observed' });
  });

  it('names a gateway that does not even run: its container restarts', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', mode: 'dbless', world: gateway({ restarts: true }) });

    expect(run.judgement.symptoms.map((s) => s.signature)).to.include('gateway-container-restarted');
  });

  it('is inconclusive when the setup cannot apply the backend', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', mode: 'dbless', world: gateway({}), fail: { apply: new Error('namespaces "chaos-unlicensed" is forbidden') } });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.match(/^setup failed/);
  });

  it('is inconclusive when the KIC log stream breaks for good during the window', async () => {
    const stream = `log stream kong/${KIC_POD}/ingress-controller`;
    const run = await runFake(scenario, {
      kic: '3.5.13',
      mode: 'dbless',
      ...refusing(DBLESS_REFUSED),
      happenings: [everySync(DBLESS_REFUSED, 'apply'), { at: { after: 'apply', ms: 0 }, entry: streamState(stream, 'open') }, { at: { after: 'apply', ms: 30_000 }, entry: streamState(stream, 'dropped', 'unexpected EOF') }],
    });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
  });

  it('runs only Kong Gateway Enterprise images, the newest pinned when no --gateway is given', () => {
    expect(targetFor(scenario, versions, {}).gateway).to.equal('3.15.0.3');
    expect(isLicensed(versions, targetFor(scenario, versions, {}).gateway)).to.equal(true);
    for (const gateway of gatewayVersions(versions).filter((g) => !isLicensed(versions, g))) {
      expect(() => targetFor(scenario, versions, { gateway }), gateway).to.throw(UserError, /needs Kong Gateway >=3\.10\.0/);
    }
    expect(targetFor(scenario, versions, { gateway: '3.10' }).gateway).to.equal('3.10.0.9');
    // the variant asks about Kong, so the newest KIC line is enough
    expect(() => targetFor(scenario, versions, { kic: '3.4.20' }, 'enterprise-plugin')).to.throw(UserError, /needs KIC >=3\.5\.0/);
    expect(targetFor(scenario, versions, { kic: '3.4.20' }).kic).to.equal('3.4.20');
  });

  it('installs a Kong Gateway Enterprise image without a license, even when the user has one, and does not wait for the rollout', () => {
    const target = targetFor(scenario, versions, { gateway: '3.14.0.10', mode: 'dbless' });
    const plan = buildPlan(scenario, versions, target, undefined, undefined, true);

    const gatewayValues = JSON.stringify(plan.helm.map((h) => h.values));
    expect(gatewayValues).to.include('"repository":"kong/kong-gateway"');
    expect(gatewayValues).not.to.include('license_secret');
    expect(plan.steps.join('\n')).not.to.include(LICENSE_SECRET);
    expect(plan.steps).to.include.members([`no license, whatever KONG_LICENSE_DATA or --license-file hold: Kong Gateway 3.14.0.10 runs as with an expired license (the scenario asks for that)`]);
    expect(plan.steps.find((s) => s.startsWith('helm upgrade --install'))).to.include('without waiting for the rollout');
    expect(plan.steps.find((s) => s.startsWith('steady state'))).to.match(/not awaited, the fault creates what they read: route-never-configured, plugin-never-configured, ingress-unpublished$/);
  });

  describe('variant enterprise-plugin', () => {
    // Kong's knowledge base, verbatim: KIC's webhook asks Kong, which has no license
    const DENIED = 'admission webhook "validations.kong.konghq.com" denied the request: openid-connect is an enterprise only plugin';
    const ENTERPRISE_REFUSED = kicEvent('KongConfigurationApplyFailed', 'openid-connect is an enterprise only plugin', { kind: 'KongPlugin', namespace: NS, name: 'oidc' });
    const refuseOidc = (objects: { kind: string; metadata: { namespace?: string; name: string } }[]) =>
      objects.map((o) => (o.kind === 'KongPlugin' ? { object: `KongPlugin ${NS}/${o.metadata.name}`, admitted: false, message: DENIED } : { object: `Ingress ${NS}/${o.metadata.name}`, admitted: true }));

    it('applies the OSS configuration, then creates the Enterprise-only plugin and its Ingress, and records what the webhook said', async () => {
      const run = await runFake(scenario, { kic: '3.5.13', mode: 'dbless', variant: 'enterprise-plugin', world: gateway({ routeAfterMs: 3_000, pluginAfterMs: 3_000 }), admit: refuseOidc });

      expect(callsIn(run, 'fault')).to.deep.equal([`apply Ingress/${NS}/echo KongPlugin/${NS}/teapot Ingress/${NS}/teapot`, `createConcurrently KongPlugin/${NS}/oidc Ingress/${NS}/oidc`]);
      const fact = run.entries.find((e) => e.kind === 'fact' && e.name === ENTERPRISE_ADMISSION_FACT);
      expect(fact, 'the admission fact').to.not.equal(undefined);
      expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
      expect(run.judgement.symptoms.map((s) => s.signature)).to.deep.equal(['enterprise-plugin-refused-at-admission']);
    });

    it('reads the Enterprise plugin refused by Kong at push time, the OSS routes still served, as reproduced on the plugin alone', async () => {
      const run = await runFake(scenario, {
        kic: '3.5.13',
        mode: 'postgres',
        variant: 'enterprise-plugin',
        world: gateway({ routeAfterMs: 3_000, pluginAfterMs: 3_000 }),
        happenings: [everySync(ENTERPRISE_REFUSED, 'createConcurrently')],
      });

      expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
      expect(run.judgement.symptoms.map((s) => s.signature)).to.deep.equal(['enterprise-plugin-refused']);
    });

    it('is not-reproduced when Kong takes the Enterprise plugin too (a licensed gateway would)', async () => {
      const run = await runFake(scenario, { kic: '3.5.13', mode: 'dbless', variant: 'enterprise-plugin', world: gateway({ routeAfterMs: 3_000, pluginAfterMs: 3_000 }) });

      expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
    });
  });
});
