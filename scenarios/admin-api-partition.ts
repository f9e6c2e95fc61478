import { ADMIN_TLS_PORT, adminPartitionOf, POLICY_SETTLE_MS } from '../harness/faults/partition.ts';
import type { LogSignature } from '../harness/judge/signatures.ts';
import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { ingress } from '../harness/manifests/kong.ts';
import { defineScenario, type ScenarioContext } from '../harness/runner/scenario.ts';
import type { Target } from '../harness/targets/target.ts';
import { echoProbes } from './probes.ts';
import { ingressUnpublished, deleteGatewayPods } from './steps.ts';

const NS = 'chaos-partition';
const echoIngress = () => ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo' });
/** the route changed while KIC cannot reach the gateway */
const changedIngress = () => ingress({ namespace: NS, name: 'changed', path: '/changed', service: 'echo' });
const partition = (target: Target) => adminPartitionOf(target.topology);

/**
 * KIC's two ways of saying it cannot push: the sync loop's failed update (after the 30 s
 * `--proxy-timeout-seconds` default, internal/dataplane/synchronizer.go, client.go@v3.5.13 and
 * @v3.4.1), and the send with no ready client left once the readiness check (every 10 s, 5 s
 * timeout, pkg/manager/config/consts.go@v3.5.13, internal/clients/manager.go@v3.4.1) moved the
 * gateway to pending (internal/dataplane/kong_client.go@v3.5.13 and @v3.4.1, error
 * `no ready gateway clients`).
 */
const kicCannotPush: LogSignature = {
  // expected while partitioned; it counts only if it outlives the healing by more than its hold
  id: 'kic-cannot-push',
  kind: 'log',
  component: 'controller',
  description: 'KIC cannot push configuration to the gateway (Admin API unreachable, or no ready gateway client)',
  pattern: /Could not update kong admin|Could not send configuration to gateways/,
  provenance: [
    'internal/dataplane/synchronizer.go@v3.5.13',
    'internal/dataplane/synchronizer.go@v3.4.1',
    'internal/dataplane/kong_client.go@v3.5.13',
    'internal/dataplane/kong_client.go@v3.4.1',
  ],
};

/** the slower of KIC's two failure paths (30 s update timeout, 15 s readiness), twice over */
export const CUT_EVIDENCE_MS = 60_000;

async function cutAndChange(ctx: ScenarioContext): Promise<void> {
  await ctx.apply([partition(ctx.target)]);
  try {
    await ctx.wait(POLICY_SETTLE_MS);
    // the policy spares established connections, and KIC's is long-lived (faults/partition.ts)
    const nodes = await ctx.dropConnections(ADMIN_TLS_PORT);
    ctx.progress(`NetworkPolicy applied and connections to ${ADMIN_TLS_PORT} dropped on ${nodes.join(', ')}: the controller can no longer reach the gateway Admin API`);
    await ctx.apply([changedIngress()]);
    // without proof that the cut took, silence would read `not-reproduced` for the wrong reason
    if (!(await ctx.waitForSignature(kicCannotPush, CUT_EVIDENCE_MS))) {
      throw new Error(`the partition did not take: KIC logged no failed push within ${CUT_EVIDENCE_MS / 1000} s of the NetworkPolicy (a CNI that does not enforce NetworkPolicy?)`);
    }
  } catch (error) {
    // a failed fault runs no cleanup step: the policy must not outlive it
    await heal(ctx);
    throw error;
  }
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
 * The fault proves the cut before it lets the window judge: KIC must log a failed push within
 * CUT_EVIDENCE_MS, or the fault fails, the policy is removed and the run is `inconclusive` (a
 * CNI that does not enforce NetworkPolicy, or a connection that survived), never a
 * `not-reproduced` that would only mean nothing was cut.
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
    {
      ...ingressUnpublished('change-not-applied', 'Ingress /changed, applied during the partition, not configured in Kong (status.loadBalancer empty)'),
      // KIC publishes an Ingress address once its configuration reached Kong
      provenance: ['internal/controllers/configuration/zz_generated.controllers.go@v3.5.13', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7685'],
    },
    {
      id: 'route-unreachable',
      kind: 'route',
      description: 'Ingress /echo, routed before the partition, not answering 200',
      route: '/echo',
      provenance: ['https://github.com/Kong/kubernetes-ingress-controller/issues/861'],
    },
    kicCannotPush,
  ],
  expectations: { '*': 'observe' },
  variants: {
    'with-gateway-restart': {
      description: 'also delete the gateway pods during the partition: the new pods must get the configuration once KIC reaches them',
      fault: {
        describe: 'apply the Admin API partition NetworkPolicy, drop the open connections, apply Ingress /changed, wait for a failed push, then delete the gateway pods',
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
    describe: 'apply a NetworkPolicy that closes the gateway Admin API (TLS 8444) to the controller, drop the open connections to it on every node, apply Ingress /changed, and wait for KIC to log a failed push',
    run: cutAndChange,
  },
  remediation: {
    describe: 'heal the partition: delete the NetworkPolicy; the change must reach Kong within the recovery window',
    run: heal,
  },
  // when nothing was reproduced no remediation ran: the policy must not outlive the run on a cluster the user brought
  cleanup: { describe: 'make sure the NetworkPolicy is gone', run: heal },
});
