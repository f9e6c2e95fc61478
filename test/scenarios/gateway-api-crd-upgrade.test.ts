import { expect } from 'chai';
import type { FactEntry } from '../../harness/evidence/types.ts';
import type { GatewayApiApply } from '../../harness/runner/scenario.ts';
import { blocksOlderGatewayApi } from '../../harness/targets/gateway-api.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario, { BUILT_AGAINST, FIRST_GUARDED, ROLLBACK_FACT, SETTLE_MS, UPGRADE_FACT, upgradePath } from '../../scenarios/gateway-api-crd-upgrade.ts';
import { callsIn, expectJudged, gatewayCondition, logLine, routeAnswer, runFake, type Call, type Sighting, type World } from '../support/fake-context.ts';

const NS = 'chaos-crd-upgrade';
const GATEWAY = { namespace: NS, name: 'kong' };
/** the scope the condition probe gives the route's one parent (probes/conditions.ts parentScope) */
const PARENT = `parent/Gateway/${NS}/kong`;
const SAFE_UPGRADES = 'safe-upgrades.gateway.networking.k8s.io';

/**
 * The API server with the safe-upgrades policy: once a release with it (1.5+) is applied, an older
 * release's CRDs are refused, each in kubectl's words for a CRD the policy denies
 * (admission.NewForbidden around the dispatcher's denial, and the policy's message
 * @v1.5.1/@v1.6.1). The fake context passes the calls with this one last.
 */
function safeUpgrades(version: string, calls: readonly Call[]): GatewayApiApply {
  const earlier = calls.slice(0, -1).flatMap((c) => (c.op === 'applyGatewayApi' ? [c.version] : []));
  const guarded = earlier.some(blocksOlderGatewayApi);
  if (!guarded || blocksOlderGatewayApi(version)) return { version, admitted: true };
  return {
    version,
    admitted: false,
    message: `customresourcedefinitions.apiextensions.k8s.io "gatewayclasses.gateway.networking.k8s.io" is forbidden: ValidatingAdmissionPolicy '${SAFE_UPGRADES}' with binding '${SAFE_UPGRADES}' denied request: Installing CRDs with version before v1.5.0 is prohibited by default. Uninstall ValidatingAdmissionPolicy ${SAFE_UPGRADES} to install older versions.`,
  };
}

/** An HTTPRoute parent condition as KIC writes it (route_utils.go / httproute_controller.go@v3.5.13). */
function routeCondition(condition: { type: string; status: 'True' | 'False'; reason: string }): Sighting {
  return { kind: 'condition', object: { kind: 'HTTPRoute', namespace: NS, name: 'echo' }, scope: PARENT, ...condition };
}

const healthyStatus = (): Sighting[] => [
  gatewayCondition(GATEWAY, { type: 'Accepted', status: 'True', reason: 'Accepted' }),
  gatewayCondition(GATEWAY, { type: 'Programmed', status: 'True', reason: 'Programmed' }),
  gatewayCondition(GATEWAY, { listener: 'http', type: 'Programmed', status: 'True', reason: 'Programmed' }),
  routeCondition({ type: 'Accepted', status: 'True', reason: 'Accepted' }),
  routeCondition({ type: 'Programmed', status: 'True', reason: 'ConfiguredInGateway' }),
];

/** When the scenario applied a release, if it did. */
function appliedAt(calls: readonly Call[], version: string): number | undefined {
  return calls.find((c) => c.op === 'applyGatewayApi' && c.version === version)?.at;
}

/**
 * KIC across the upgrade: healthy until `breaksOn` is applied, then for `forMs` (for good when
 * absent) the route no longer matches its Gateway and /echo is gone from Kong.
 */
function kic(opts: { breaksOn?: string; forMs?: number } = {}): World {
  return ({ now, calls }) => {
    const at = opts.breaksOn === undefined ? undefined : appliedAt(calls, opts.breaksOn);
    const broken = at !== undefined && now >= at && (opts.forMs === undefined || now < at + opts.forMs);
    if (!broken) return [...healthyStatus(), routeAnswer('/echo', 200)];
    return [
      gatewayCondition(GATEWAY, { type: 'Programmed', status: 'True', reason: 'Programmed' }),
      routeCondition({ type: 'Accepted', status: 'False', reason: 'NoMatchingParent' }),
      routeAnswer('/echo', 404),
    ];
  };
}

function factsOf(run: { entries: readonly unknown[] }, name: string): unknown[] {
  return (run.entries as FactEntry[]).filter((e) => e.kind === 'fact' && e.name === name).map((e) => e.value);
}

describe('scenario gateway-api-crd-upgrade', () => {
  it('starts KIC on the release it is built against and moves the CRDs through 1.5.1 to the target release, under traffic', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', gatewayApi: '1.6.1', world: kic(), admitGatewayApi: safeUpgrades });

    expect(scenario.install(run.target, undefined)).to.deep.equal({ gatewayApi: true, initialGatewayApi: '1.3.0' });
    expect(callsIn(run, 'setup')).to.deep.equal([`apply Namespace/${NS} Deployment/${NS}/echo Service/${NS}/echo GatewayClass/kong Gateway/${NS}/kong HTTPRoute/${NS}/echo`]);
    expect(callsIn(run, 'fault')).to.deep.equal(['applyGatewayApi 1.5.1', 'applyGatewayApi 1.6.1']);
    const [first, second] = run.calls.filter((c) => c.op === 'applyGatewayApi').map((c) => c.at);
    expect(second! - first!).to.be.at.least(SETTLE_MS);
    expect(factsOf(run, UPGRADE_FACT)).to.deep.equal([
      { version: '1.5.1', admitted: true },
      { version: '1.6.1', admitted: true },
    ]);
  });

  it('is not-reproduced (observed) when KIC 3.5.13 keeps routing and status across the upgrade', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', gatewayApi: '1.6.1', world: kic(), admitGatewayApi: safeUpgrades });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
  });

  it('is reproduced when the route loses its Gateway once the target CRDs land and stays unroutable', async () => {
    const run = await runFake(scenario, { kic: '3.4.20', gatewayApi: '1.6.1', world: kic({ breaksOn: '1.6.1' }), admitGatewayApi: safeUpgrades });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.symptoms.map((s) => [s.signature, s.subject, s.clearedAt])).to.have.deep.members([
      ['route-unreachable', '/echo', undefined],
      ['httproute-no-matching-parent', `HTTPRoute/echo/${PARENT}`, undefined],
    ]);
  });

  it('is recovered when KIC re-lists the changed CRDs and routes again within the window', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', gatewayApi: '1.6.1', world: kic({ breaksOn: '1.5.1', forMs: 20_000 }), admitGatewayApi: safeUpgrades });

    expectJudged(run, { outcome: 'recovered', verdict: 'observed' });
  });

  it("reads KIC's failing list of a Gateway API kind as the symptom", async () => {
    const line = 'E0512 10:05:02.868987       1 reflector.go:200] "Failed to watch" err="failed to list *v1.HTTPRoute: the server could not find the requested resource (get httproutes.gateway.networking.k8s.io)" logger="UnhandledError" type="*v1.HTTPRoute"';
    const run = await runFake(scenario, {
      kic: '3.5.13',
      gatewayApi: '1.6.1',
      world: kic(),
      admitGatewayApi: safeUpgrades,
      happenings: [{ at: { after: 'applyGatewayApi', ms: 5_000 }, every: 10_000, entry: logLine('controller', line, 'kong-kong-6b8d9c7f5-q2w4e') }],
    });

    expect(run.judgement.symptoms.map((s) => s.signature)).to.deep.equal(['gateway-api-watch-failed']);
    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
  });

  it('goes straight to 1.5.1 when that is the target', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', gatewayApi: '1.5.1', world: kic(), admitGatewayApi: safeUpgrades });

    expect(callsIn(run, 'fault')).to.deep.equal(['applyGatewayApi 1.5.1']);
    expect(upgradePath('1.6.1')).to.deep.equal(['1.5.1', '1.6.1']);
  });

  it('is inconclusive when the cluster refuses the upgrade itself (it was already past the release)', async () => {
    const pastIt = (version: string): GatewayApiApply => ({ version, admitted: false, message: `ValidatingAdmissionPolicy '${SAFE_UPGRADES}' with binding '${SAFE_UPGRADES}' denied request: Installing CRDs with version before v1.5.0 is prohibited by default.` });
    const run = await runFake(scenario, { kic: '3.5.13', gatewayApi: '1.6.1', world: kic(), admitGatewayApi: pastIt });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.match(/refused the Gateway API 1\.5\.1 CRDs/);
    expect(callsIn(run, 'fault')).to.deep.equal(['applyGatewayApi 1.5.1']);
  });

  it('is inconclusive when /echo never answered before the fault', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', gatewayApi: '1.6.1', world: () => [...healthyStatus(), routeAnswer('/echo', 503)], admitGatewayApi: safeUpgrades });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.calls.some((c) => c.op === 'applyGatewayApi')).to.equal(false);
  });

  describe('variant rollback', () => {
    it('records the refused way back to 1.3.0 as a fact, not an error, and judges KIC on routing and status', async () => {
      const run = await runFake(scenario, { kic: '3.5.13', gatewayApi: '1.6.1', variant: 'rollback', world: kic(), admitGatewayApi: safeUpgrades });

      expect(callsIn(run, 'fault')).to.deep.equal(['applyGatewayApi 1.5.1', 'applyGatewayApi 1.6.1', 'applyGatewayApi 1.3.0']);
      const [rollback] = factsOf(run, ROLLBACK_FACT) as GatewayApiApply[];
      expect(rollback).to.include({ version: '1.3.0', admitted: false });
      expect(rollback!.message).to.match(/denied request: Installing CRDs with version before v1\.5\.0 is prohibited by default/);
      expect(run.progress.some((p) => p.startsWith('rollback to Gateway API 1.3.0 refused: '))).to.equal(true);
      expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
    });

    it('judges what KIC does on the old CRDs when a cluster without the policy admits the way back', async () => {
      const run = await runFake(scenario, { kic: '3.5.13', gatewayApi: '1.6.1', variant: 'rollback', world: kic({ breaksOn: '1.3.0' }) });

      expect(factsOf(run, ROLLBACK_FACT)).to.deep.equal([{ version: '1.3.0', admitted: true }]);
      expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    });
  });

  it('names releases versions.yaml pins: what KIC is built against and the first guarded one', () => {
    const pinned = loadVersions().gatewayApi.versions;
    expect(pinned).to.include.members([BUILT_AGAINST, FIRST_GUARDED]);
    expect(blocksOlderGatewayApi(FIRST_GUARDED)).to.equal(true);
    expect(blocksOlderGatewayApi(BUILT_AGAINST)).to.equal(false);
  });
});
