import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { gateway, GATEWAY_API, gatewayClass, httpRoute } from '../harness/manifests/gateway-api.ts';
import { adminPartitionOf, POLICY_SETTLE_MS } from '../harness/faults/partition.ts';
import { defineScenario, type ScenarioContext } from '../harness/runner/scenario.ts';
import { deleteGatewayPods } from './steps.ts';
import { listenerUnsupportedProtocol, noReadyGatewayClients } from '../harness/diagnose/field-signatures.ts';

const NS = 'chaos-gateway';

// shared with diagnose: a run narrows a field signature, never forks it
export { listenerUnsupportedProtocol, noReadyGatewayClients };

/**
 * The GatewayClass and the Gateway, re-created inside the window. The HTTPRoute stays: re-created,
 * it would carry a new UID into Kong's configuration (`k8s-uid:` tags, internal/util/k8s.go@v3.4.3), so the push
 * after the window would report it configured anew, and its status change would re-queue the
 * Gateway (the 3.4.3 controller watches HTTPRoutes without a filter) and clear the listener
 * status: the late change that made the reproduction flaky.
 */
const recreated = () => [gatewayClass('kong'), gateway({ namespace: NS, name: 'kong', className: 'kong' })];
const gatewayApiObjects = () => [...recreated(), httpRoute({ namespace: NS, name: 'echo', gateway: 'kong', path: '/echo', service: 'echo' })];

/** KIC's readiness check (10 s) and one sync (3 s) after the pods went, with margin */
export const WINDOW_EVIDENCE_MS = 45_000;
/**
 * How long the window is held after the re-creation: every controller's status write and the
 * Gateway reconciles they trigger (Gateway and GatewayClass watched without a generation filter,
 * gateway_controller.go@v3.4.3) finish while no client exists.
 */
export const SETTLE_MS = 20_000;
/** one sync period and a half: a no-client line after the settle proves the window was still open */
const STILL_OPEN_MS = 5_000;

/**
 * The fault of #7015, with its timing held in place. A deleted gateway pod is replaced within
 * seconds and KIC's discovery takes not-ready endpoints too (internal/adminapi/endpoints.go
 * @v3.4.3), so the natural no-client window is a few seconds and a re-creation could land either
 * side of it. The Admin API partition (admin-api-partition's NetworkPolicy; new connections only,
 * so no conntrack entry to drop) keeps KIC from the new pods for as long as the fault needs: the
 * window opens when the pods go, KIC's log proves it open, the Gateway is re-created and left to
 * settle inside it, the log proves it still open, and only then does the policy go. Either proof
 * missing ends the fault and the run is `inconclusive`. After the window, KIC 3.4.3 has nothing to
 * re-queue the Gateway, so the listener stays UnsupportedProtocol (`reproduced`); from 3.4.4
 * (#7293) the reconcile without clients fails and is retried until it succeeds.
 */
async function restartInsideNoClientWindow(ctx: ScenarioContext): Promise<void> {
  const hold = adminPartitionOf(ctx.target.topology);
  await ctx.apply([hold]);
  try {
    await ctx.wait(POLICY_SETTLE_MS);
    await deleteGatewayPods(ctx);
    if (!(await ctx.waitForSignature(noReadyGatewayClients, WINDOW_EVIDENCE_MS))) {
      throw new Error(`no no-client window: KIC logged no "no ready gateway clients" within ${WINDOW_EVIDENCE_MS / 1000} s of the gateway pods going`);
    }
    await ctx.remove(recreated());
    await ctx.apply(recreated());
    ctx.progress('GatewayClass and Gateway re-created while KIC has no gateway client');
    await ctx.wait(SETTLE_MS);
    if (!(await ctx.waitForSignature(noReadyGatewayClients, STILL_OPEN_MS))) {
      throw new Error('the no-client window closed before the re-created Gateway settled: the run cannot say which side of it the listener status was computed on');
    }
  } finally {
    await ctx.remove([hold]);
  }
  ctx.progress('gateway Admin API reachable again: KIC gets its clients back');
}

export default defineScenario({
  id: 'gateway-listener-stuck',
  title: 'Gateway listeners stuck in UnsupportedProtocol after a gateway restart',
  namespace: NS,
  sources: [
    'https://github.com/Kong/kubernetes-ingress-controller/issues/7015',
    'https://github.com/Kong/kubernetes-ingress-controller/pull/7293',
    'https://github.com/Kong/kubernetes-ingress-controller/issues/7237',
    'https://github.com/Kong/kubernetes-ingress-controller/issues/7255',
  ],
  requires: { modes: ['dbless', 'postgres'], topologies: ['split'] },
  install: () => ({ gatewayApi: true }),
  signatures: [
    listenerUnsupportedProtocol,
    {
      id: 'route-unreachable',
      kind: 'route',
      description: 'HTTPRoute /echo not routable through the proxy',
      route: '/echo',
      provenance: ['https://github.com/Kong/kubernetes-ingress-controller/issues/7015'],
    },
  ],
  expectations: { '<=3.4.3': 'reproduced', '>=3.4.4': ['recovered', 'not-reproduced'] },
  // The steady state proves Kong has an HTTP listen before the fault, so UnsupportedProtocol
  // afterwards cannot be the legitimate "no such listen" case.
  probes: {
    routes: [{ route: '/echo', path: '/echo', expectStatus: 200 }],
    conditions: [{ apiVersion: GATEWAY_API, kind: 'Gateway', namespace: NS, name: 'kong', listeners: true }],
    intervalMs: 2000,
  },
  window: { observeMs: 180_000 },
  manifests: (target) => [namespace(NS), ...echoBackend(NS), ...gatewayApiObjects(), adminPartitionOf(target.topology)],
  setup: {
    describe: 'apply the echo backend, GatewayClass kong (unmanaged), Gateway kong with an HTTP listener and HTTPRoute /echo',
    run: (ctx) => ctx.apply([namespace(NS), ...echoBackend(NS), ...gatewayApiObjects()]),
  },
  fault: {
    describe:
      'hold KIC off the gateway Admin API (NetworkPolicy), delete the gateway pods, wait for KIC to log that it has no gateway client, delete and re-apply GatewayClass and Gateway, let them settle, check the window is still open, then lift the policy',
    run: restartInsideNoClientWindow,
  },
});
