import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { ingress, kongPlugin } from '../harness/manifests/kong.ts';
import { evictionTolerations, tolerationValues } from '../harness/manifests/kong-workload.ts';
import type { Component } from '../harness/evidence/types.ts';
import { defineScenario, type NodeFault, type Step } from '../harness/runner/scenario.ts';
import pluginIdDrift from './plugin-id-drift.ts';

const NS = 'chaos-nodes';
/** seconds a pod stays on a NotReady / unreachable node before eviction (Kubernetes' default: 300) */
const EVICTION_S = 10;

// A plugin on the route, so that in DB mode a drifting KIC (3.4.5) has something to re-create.
const manifests = () => [
  namespace(NS),
  ...echoBackend(NS),
  kongPlugin({ namespace: NS, name: 'echo-header', plugin: 'response-transformer', config: { add: { headers: ['x-chaos-node:1'] } } }),
  ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo', plugins: ['echo-header'] }),
];

function terminate(component: Component, how: NodeFault, describe: string): Step {
  return {
    describe,
    async run(ctx) {
      const node = await ctx.terminateNodeOf(component, how);
      ctx.progress(`${how === 'kill' ? 'terminated' : 'restarted'} node ${node}, which ran a ${component} pod`);
    },
  };
}

/**
 * Every verdict is `observe`: the catalog leaves the SLO numbers (how long traffic fails when a
 * node with one of two gateway replicas dies) to real runs. The plugin-id-drift signatures ride
 * along because the only report of node termination re-triggering that bug (DB mode, KIC 3.4.5)
 * is a secondary blog; their firing on 3.4.5 in postgres mode is recorded, not judged.
 */
export default defineScenario({
  id: 'node-termination',
  title: 'The node running the gateway or KIC dies',
  namespace: NS,
  sources: [
    'https://karpenter.sh/docs/concepts/disruption/',
    'https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-based-evictions',
    ...pluginIdDrift.sources,
  ],
  requires: { modes: ['dbless', 'postgres'], topologies: ['single', 'split'] },
  shape: 'multi-node',
  install: (target) => ({ gatewayReplicas: 2, values: tolerationValues(target.topology, evictionTolerations(EVICTION_S)) }),
  signatures: [
    {
      id: 'route-unreachable',
      kind: 'route',
      description: 'Ingress /echo not answering 200 through the proxy',
      route: '/echo',
      provenance: ['https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-based-evictions'],
    },
    {
      id: 'traffic-slo',
      kind: 'slo',
      description: 'a traffic error window longer than 10 s',
      maxOutageMs: 10_000,
      // a dead node's endpoints stay until its pods are evicted (the tolerations above) or deleted
      provenance: ['https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-based-evictions', 'https://karpenter.sh/docs/concepts/disruption/'],
    },
    // the route signature above already covers /echo
    ...pluginIdDrift.signatures.filter((s) => s.kind !== 'route'),
  ],
  expectations: { '*': 'observe' },
  variants: {
    restart: {
      description: 'stop and start the node running a gateway pod instead of terminating it',
      fault: terminate('gateway', 'restart', 'docker stop, then docker start, the kind node running the first gateway pod'),
    },
    controller: {
      description: 'terminate the node running the controller (split topology: the controller is its own Deployment)',
      requires: { topologies: ['split'] },
      fault: terminate('controller', 'kill', 'docker kill the kind node running the controller pod, then delete its Node object'),
    },
  },
  probes: { routes: [{ route: '/echo', path: '/echo', expectStatus: 200 }], admin: ['upstream-targets'], intervalMs: 2000 },
  window: { observeMs: 180_000 },
  manifests,
  setup: {
    describe: `install Kong with 2 gateway replicas spread over two workers and ${EVICTION_S} s not-ready / unreachable tolerations, apply the echo backend and Ingress /echo with a plugin`,
    run: (ctx) => ctx.apply(manifests()),
  },
  fault: terminate('gateway', 'kill', 'docker kill the kind node running the first gateway pod, then delete its Node object (Karpenter-style)'),
});
