import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { gateway, GATEWAY_API, gatewayClass, httpRoute } from '../harness/manifests/gateway-api.ts';
import type { Signature } from '../harness/judge/signatures.ts';
import { defineScenario, type ScenarioContext } from '../harness/runner/scenario.ts';
import { deleteGatewayPods } from './steps.ts';

const NS = 'chaos-gateway';

/** KIC could not read Kong's listens and marked the listener unsupported (#7015). */
export const listenerUnsupportedProtocol: Signature = {
  id: 'listener-unsupported-protocol',
  kind: 'condition',
  description: 'Gateway listener Accepted=False with reason UnsupportedProtocol',
  objectKind: 'Gateway',
  scope: 'listener/',
  type: 'Accepted',
  reason: 'UnsupportedProtocol',
};
const gatewayApiObjects = () => [
  gatewayClass('kong'),
  gateway({ namespace: NS, name: 'kong', className: 'kong' }),
  httpRoute({ namespace: NS, name: 'echo', gateway: 'kong', path: '/echo', service: 'echo' }),
];

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
    { id: 'route-unreachable', kind: 'route', description: 'HTTPRoute /echo not routable through the proxy', route: '/echo' },
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
  manifests: () => [namespace(NS), ...echoBackend(NS), ...gatewayApiObjects()],
  setup: {
    describe: 'apply the echo backend, GatewayClass kong (unmanaged), Gateway kong with an HTTP listener and HTTPRoute /echo',
    run: (ctx) => ctx.apply([namespace(NS), ...echoBackend(NS), ...gatewayApiObjects()]),
  },
  fault: {
    describe: 'delete the gateway pods and, at once, delete and re-apply GatewayClass, Gateway and HTTPRoute',
    async run(ctx: ScenarioContext) {
      await deleteGatewayPods(ctx);
      await ctx.remove(gatewayApiObjects());
      await ctx.apply(gatewayApiObjects());
    },
  },
});
