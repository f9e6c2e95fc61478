import { adminPartitionPolicy } from '../harness/faults/partition.ts';
import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { gatewayPods } from '../harness/manifests/gateway-pods.ts';
import { ingress } from '../harness/manifests/kong.ts';
import { defineScenario, type ScenarioContext } from '../harness/runner/scenario.ts';
import type { Target } from '../harness/targets/target.ts';
import { echoProbes } from './probes.ts';
import { ingressUnpublished, deleteGatewayPods } from './steps.ts';

const NS = 'chaos-partition';
const echoIngress = () => ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo' });
/** the route changed while KIC cannot reach the gateway */
const changedIngress = () => ingress({ namespace: NS, name: 'changed', path: '/changed', service: 'echo' });
const partition = (target: Target) => {
  const pods = gatewayPods(target.topology);
  return adminPartitionPolicy({ namespace: pods.namespace, gatewaySelector: pods.labels });
};

async function cutAndChange(ctx: ScenarioContext): Promise<void> {
  await ctx.apply([partition(ctx.target)]);
  ctx.progress('NetworkPolicy applied: the controller can no longer reach the gateway Admin API (TLS 8444)');
  await ctx.apply([changedIngress()]);
}

/**
 * How this reads. The ScenarioContext has no clock to hold a fault for a while, so the partition
 * lasts the whole observation window and is healed by the remediation (the NetworkPolicy
 * removed); the recovery window is the catalog's "recovery window after healing". While
 * partitioned, the changed route cannot reach Kong and KIC logs that it cannot push: that is the
 * partition doing its job, so the outcome at the end of the window is `reproduced` whenever the
 * partition took hold. What the scenario asks is the remediation's result: `cleared` means the
 * change was applied and every symptom went away after healing (the catalog's `recovered`);
 * `not-cleared` means stale configuration or a stuck status outlived the partition (#861, #7685).
 * A `not-reproduced` outcome says the policy never cut KIC off (a CNI that does not enforce
 * NetworkPolicy, or connections it let live), and the remediation does not run.
 *
 * The change is judged by the new Ingress's status: KIC publishes an Ingress's address only once
 * Kong holds its configuration. A route check of /changed cannot stand in for it: the route does
 * not exist during the steady state, and a probe that reads bad then makes the run inconclusive.
 */
async function heal(ctx: ScenarioContext): Promise<void> {
  await ctx.remove([partition(ctx.target)]);
  ctx.progress('NetworkPolicy removed: the controller reaches the gateway Admin API again');
}

export default defineScenario({
  id: 'admin-api-partition',
  title: 'KIC cut off from the gateway Admin API, then healed',
  namespace: NS,
  sources: [
    'https://github.com/Kong/kubernetes-ingress-controller/issues/861',
    'https://github.com/Kong/kubernetes-ingress-controller/issues/7685',
    'https://github.com/Kong/kubernetes-ingress-controller/issues/7015',
    'https://github.com/kubernetes-sigs/kind/releases/tag/v0.24.0',
  ],
  // in `single` KIC reaches Kong on localhost, which no NetworkPolicy can cut
  requires: { modes: ['dbless', 'postgres'], topologies: ['split'] },
  signatures: [
    ingressUnpublished('change-not-applied', 'Ingress /changed, applied during the partition, not configured in Kong (status.loadBalancer empty)'),
    { id: 'route-unreachable', kind: 'route', description: 'Ingress /echo, routed before the partition, not answering 200', route: '/echo' },
    {
      // expected while partitioned; it counts only if it outlives the healing by more than its hold
      id: 'kic-cannot-push',
      kind: 'log',
      component: 'controller',
      description: 'KIC cannot push configuration to the gateway (Admin API unreachable, or no ready gateway client)',
      pattern: /Could not update kong admin|no ready gateway clients/,
    },
  ],
  expectations: { '*': 'observe' },
  variants: {
    'with-gateway-restart': {
      description: 'also delete the gateway pods during the partition: the new pods must get the configuration once KIC reaches them',
      fault: {
        describe: 'apply the Admin API partition NetworkPolicy, apply Ingress /changed, then delete the gateway pods',
        async run(ctx) {
          await cutAndChange(ctx);
          await deleteGatewayPods(ctx);
        },
      },
    },
  },
  probes: echoProbes(NS, 'changed'),
  window: { observeMs: 90_000, recoverMs: 180_000 },
  manifests: (target) => [namespace(NS), ...echoBackend(NS), echoIngress(), changedIngress(), partition(target)],
  setup: {
    describe: 'apply the echo backend and Ingress /echo',
    run: (ctx) => ctx.apply([namespace(NS), ...echoBackend(NS), echoIngress()]),
  },
  fault: {
    describe: 'apply a NetworkPolicy that closes the gateway Admin API (TLS 8444) to the controller, then apply Ingress /changed',
    run: cutAndChange,
  },
  remediation: {
    describe: 'heal the partition: delete the NetworkPolicy; the change must reach Kong within the recovery window',
    run: heal,
  },
  // when nothing was reproduced no remediation ran: the policy must not outlive the run on a cluster the user brought
  cleanup: { describe: 'make sure the NetworkPolicy is gone', run: heal },
});
