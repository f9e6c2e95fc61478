import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { gateway, GATEWAY_API, gatewayClass, httpRoute } from '../harness/manifests/gateway-api.ts';
import type { ExpectationTable } from '../harness/judge/expectations.ts';
import { defineScenario, type GatewayApiApply, type ScenarioContext } from '../harness/runner/scenario.ts';
import { gatewayApiWatchFailed } from '../harness/diagnose/field-signatures.ts';

const NS = 'chaos-crd-upgrade';

// shared with diagnose: a run narrows a field signature, never forks it
export { gatewayApiWatchFailed };

/** The release KIC 3.4 and 3.5 are built against: `sigs.k8s.io/gateway-api v1.3.0` in go.mod@v3.5.13 and @v3.4.20. */
export const BUILT_AGAINST = '1.3.0';
/**
 * The first pinned release with the safe-upgrades policy, applied on the way to any newer one: it
 * is the step where the policy arrives (config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml
 * @v1.5.1), and the catalog cites Kong Operator 2.2's notes asking for v1.5.1 first (not read here).
 */
export const FIRST_GUARDED = '1.5.1';
/**
 * How long each release is left under traffic before the next step: the API server re-serves a
 * changed CRD and KIC's informers re-list, then KIC pushes every 3 s (`DefaultSyncSeconds`,
 * internal/dataplane/synchronizer.go@v3.5.13); ten syncs show whether routing and status held.
 */
export const SETTLE_MS = 30_000;
export const UPGRADE_FACT = 'gateway-api-upgrade';
export const ROLLBACK_FACT = 'gateway-api-rollback';

const gatewayApiObjects = () => [gatewayClass('kong'), gateway({ namespace: NS, name: 'kong', className: 'kong' }), httpRoute({ namespace: NS, name: 'echo', gateway: 'kong', path: '/echo', service: 'echo' })];

/** BUILT_AGAINST → FIRST_GUARDED → the target's release, each step once. */
export function upgradePath(target: string): string[] {
  return [...new Set([FIRST_GUARDED, target])];
}

/**
 * Each release of the path applied over the last, under traffic. A refused step means the run
 * never reached the release it is about (a cluster already past it): the fault fails and the run
 * is inconclusive.
 */
async function upgrade(ctx: ScenarioContext): Promise<void> {
  for (const version of upgradePath(ctx.target.gatewayApi)) {
    const result = await ctx.applyGatewayApi(version);
    recordApply(ctx, UPGRADE_FACT, result);
    if (!result.admitted) throw new Error(`the API server refused the Gateway API ${version} CRDs: ${result.message ?? 'no message'}`);
    ctx.progress(`Gateway API ${version} CRDs applied`);
    await ctx.wait(SETTLE_MS);
  }
}

/**
 * The way back to what KIC is built against. From v1.5 the standard install brings the
 * safe-upgrades ValidatingAdmissionPolicy, whose second validation refuses a CRD whose
 * bundle-version is before v1.5 ("Installing CRDs with version before v1.5.0 is prohibited by
 * default. Uninstall ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io to install
 * older versions.", gateway.networking.k8s.io_vap_safeupgrades.yaml@v1.5.1 and @v1.6.1). The
 * refusal is Gateway API working as designed, whatever KIC does, so it is recorded as a fact and
 * the outcome stays about KIC's routing and status.
 */
async function upgradeThenRollBack(ctx: ScenarioContext): Promise<void> {
  await upgrade(ctx);
  const result = await ctx.applyGatewayApi(BUILT_AGAINST);
  recordApply(ctx, ROLLBACK_FACT, result);
  ctx.progress(result.admitted ? `Gateway API ${BUILT_AGAINST} CRDs re-applied` : `rollback to Gateway API ${BUILT_AGAINST} refused: ${result.message ?? 'no message'}`);
}

function recordApply(ctx: ScenarioContext, name: string, result: GatewayApiApply): void {
  ctx.record({ kind: 'fact', at: Date.now(), name, value: result });
}

/**
 * Nobody has run KIC 3.4/3.5 across this upgrade yet. What the source says: every version KIC
 * watches stays served (Gateway, GatewayClass, HTTPRoute and GRPCRoute v1, ReferenceGrant v1beta1,
 * still its storage version; internal/manager/controllerdef.go@v3.5.13 against the standard CRDs
 * @v1.5.1 and @v1.6.1), and the status KIC writes with its v1.3.0 types meets the newer schemas
 * (HTTPRoute parents now require `conditions`, which KIC always sets; Gateway listeners no longer
 * require `supportedKinds`). Hence `observe`.
 */
const UNCONFIRMED: ExpectationTable = { '*': 'observe' };

export default defineScenario({
  id: 'gateway-api-crd-upgrade',
  title: 'Gateway API CRDs upgraded from v1.3 to v1.5+ under a running KIC, and the way back',
  namespace: NS,
  sources: [
    'https://github.com/kubernetes-sigs/gateway-api/releases/tag/v1.5.0',
    'https://github.com/kubernetes-sigs/gateway-api/blob/v1.5.1/CHANGELOG/1.5-CHANGELOG.md',
    'https://github.com/kubernetes-sigs/gateway-api/blob/v1.6.1/config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml',
  ],
  requires: { modes: ['dbless', 'postgres'], topologies: ['single', 'split'], gatewayApi: `>=${FIRST_GUARDED}` },
  // the target's release is the one the CRDs move to; KIC starts on what it is built against
  install: () => ({ gatewayApi: true, initialGatewayApi: BUILT_AGAINST }),
  signatures: [
    {
      id: 'route-unreachable',
      kind: 'route',
      description: 'HTTPRoute /echo not routable through the proxy',
      route: '/echo',
      // KIC translates the HTTPRoutes its v1 informer holds (internal/manager/controllerdef.go@v3.5.13)
      provenance: ['internal/manager/controllerdef.go@v3.5.13', 'https://github.com/kubernetes-sigs/gateway-api/blob/v1.5.1/CHANGELOG/1.5-CHANGELOG.md'],
    },
    {
      id: 'gateway-programmed-pending',
      kind: 'condition',
      description: 'Gateway Programmed=False with reason Pending: KIC took the Gateway up again as new and has not programmed it',
      objectKind: 'Gateway',
      type: 'Programmed',
      reason: 'Pending',
      provenance: ['internal/controllers/gateway/gateway_controller.go@v3.5.13', 'internal/controllers/gateway/gateway_controller.go@v3.4.20'],
    },
    {
      id: 'httproute-no-matching-parent',
      kind: 'condition',
      description: 'HTTPRoute Accepted=False with reason NoMatchingParent: KIC no longer matches the route to its Gateway',
      objectKind: 'HTTPRoute',
      scope: 'parent/',
      type: 'Accepted',
      reason: 'NoMatchingParent',
      provenance: ['internal/controllers/gateway/route_utils.go@v3.5.13', 'internal/controllers/gateway/route_utils.go@v3.4.20'],
    },
    {
      id: 'httproute-translation-error',
      kind: 'condition',
      description: 'HTTPRoute Programmed=False with reason TranslationError: Kong did not take the route KIC translated',
      objectKind: 'HTTPRoute',
      scope: 'parent/',
      type: 'Programmed',
      reason: 'TranslationError',
      provenance: ['internal/controllers/gateway/httproute_controller.go@v3.5.13', 'internal/controllers/gateway/route_utils.go@v3.5.13', 'internal/controllers/gateway/httproute_controller.go@v3.4.20'],
    },
    gatewayApiWatchFailed,
  ],
  expectations: UNCONFIRMED,
  variants: {
    rollback: {
      description: `after the upgrade, re-apply the Gateway API ${BUILT_AGAINST} standard install; the safe-upgrades policy of v1.5+ is expected to refuse it (recorded as the ${ROLLBACK_FACT} fact)`,
      expectations: UNCONFIRMED,
      fault: {
        describe: `apply the Gateway API ${FIRST_GUARDED} then the target's standard install over ${BUILT_AGAINST}, ${SETTLE_MS / 1000} s apart under traffic, then re-apply ${BUILT_AGAINST} and record whether the API server admits it`,
        run: upgradeThenRollBack,
      },
    },
  },
  probes: {
    routes: [{ route: '/echo', path: '/echo', expectStatus: 200 }],
    conditions: [
      { apiVersion: GATEWAY_API, kind: 'Gateway', namespace: NS, name: 'kong', listeners: true },
      { apiVersion: GATEWAY_API, kind: 'HTTPRoute', namespace: NS, name: 'echo', parents: true },
    ],
    intervalMs: 2000,
  },
  window: { observeMs: 120_000 },
  manifests: () => [namespace(NS), ...echoBackend(NS), ...gatewayApiObjects()],
  setup: {
    describe: `apply the echo backend, GatewayClass kong (unmanaged), Gateway kong with an HTTP listener and HTTPRoute /echo, all on the Gateway API ${BUILT_AGAINST} CRDs`,
    run: (ctx) => ctx.apply([namespace(NS), ...echoBackend(NS), ...gatewayApiObjects()]),
  },
  fault: {
    describe: `apply the Gateway API ${FIRST_GUARDED} then the target's standard install over ${BUILT_AGAINST}, ${SETTLE_MS / 1000} s apart under traffic`,
    run: upgrade,
  },
});
