import type { ConditionSignature, LogSignature } from '../harness/judge/signatures.ts';
import type { ScenarioContext } from '../harness/runner/scenario.ts';

/**
 * An Ingress that KIC has not configured in Kong: KIC publishes an Ingress's address into
 * `status.loadBalancer` only once Kong holds it (probes/condition-entries.ts `Published`).
 */
export function ingressUnpublished(id: string, description: string): ConditionSignature {
  return { id, kind: 'condition', description, objectKind: 'Ingress', type: 'Published', reason: 'NoAddress' };
}

/**
 * Kong refusing a plugin write on its cache_key: Postgres names the `cache_key TEXT UNIQUE`
 * constraint plugins_cache_key_key, and Kong logs the driver's error at NOTICE before it
 * answers 409. Since KIC 3.4.5 fills plugin ids (#7410), a drifted plugin (plugin-id-drift) and
 * a plugin that meets a hand-made one (manual-plugin-conflict) both arrive as PUT /plugins/{id}
 * (go-kong PluginService.Create PUTs when an id is set), so the line reads `upsert(): …` for both;
 * before, a create was a POST and read `insert(): …`. Only KIC's own action tells them apart.
 */
export function pluginCacheKeyViolation(id: string, description: string): LogSignature {
  return {
    id,
    kind: 'log',
    component: 'gateway',
    description,
    pattern: /duplicate key value violates unique constraint \\?"plugins_cache_key_key\\?"/,
    provenance: ['kong/db/migrations/core/000_base.lua@3.9.1', 'kong/db/strategies/postgres/init.lua@3.9.1', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7440'],
  };
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
