import type { ConditionSignature } from '../harness/judge/signatures.ts';
import type { ScenarioContext } from '../harness/runner/scenario.ts';

/**
 * An Ingress that KIC has not configured in Kong: KIC publishes an Ingress's address into
 * `status.loadBalancer` only once Kong holds it (probes/condition-entries.ts `Published`).
 */
export function ingressUnpublished(id: string, description: string): ConditionSignature {
  return { id, kind: 'condition', description, objectKind: 'Ingress', type: 'Published', reason: 'NoAddress' };
}

/** Deletes the gateway pods and says which. */
export async function deleteGatewayPods(ctx: ScenarioContext): Promise<void> {
  const pods = await ctx.deletePods('gateway');
  ctx.progress(`deleted gateway pods ${pods.join(', ')}`);
}

/** Rolls the echo backend: new pod IPs are a change KIC must deliver to Kong. */
export async function rollBackend(ctx: ScenarioContext, namespace: string): Promise<void> {
  ctx.progress('rolling the echo backend so that Kong must learn new pod IPs');
  await ctx.restartDeployment(namespace, 'echo');
}
