/**
 * Evidence builders and world helpers shared by the configuration scenarios' tests
 * (credential-webhook-race, manual-plugin-conflict, broken-object-blast-radius,
 * global-plugin-reenable).
 */
import type { Call, Happening, Operation, Sighting, WorldView } from './fake-context.ts';
import { routeAnswer } from './fake-context.ts';
import { ingressStatus } from './scenarios-infra.ts';

/** The KIC Pod of the single topology: `recordApplyConfigurationEvents` puts its Events there. */
export const KIC_POD = { kind: 'Pod', namespace: 'kong', name: 'kong-kong-6b8d9c7f5-q2w4e' };
/** KIC's sync period (`--proxy-sync-seconds`, 3 s by default) */
export const SYNC_MS = 3_000;

/** A Warning Event as KIC records it (internal/dataplane/kong_client.go). */
export function kicEvent(reason: string, message: string, object: { kind: string; namespace?: string; name: string }, count = 1): Sighting {
  return { kind: 'event', type: 'Warning', reason, message, object, count };
}

/** The Pod-level Event of a rejected push: `failed to apply Kong configuration to <url>: <err>`. */
export function applyFailedOnPod(error: string): Sighting {
  return kicEvent('KongConfigurationApplyFailed', `failed to apply Kong configuration to https://10.244.0.9:8444: ${error}`, KIC_POD);
}

/** A happening that recurs every sync from `after` until `until` (forever without it). */
export function everySync(entry: Sighting, after: Operation, until?: Operation): Happening {
  return { at: { after, ms: 1_500 }, every: SYNC_MS, ...(until ? { until: { after: until } } : {}), entry };
}

/** The first call that applied an object of this kind and name, if any. */
export function appliedAt(calls: readonly Call[], kind: string, name: string): number | undefined {
  return calls.find((c) => c.op === 'apply' && c.objects.some((o) => o.kind === kind && o.metadata.name === name))?.at;
}

export interface CanaryScript {
  namespace: string;
  /** Kong refuses every config push from this call (or from when this object was applied) on, until `healedBy` */
  blockedBy?: Operation | { kind: string; name: string };
  healedBy?: Operation;
  /** the route that served before the fault breaks too while blocked */
  echoBreaks?: boolean;
}

/**
 * Kong in front of Ingress `echo` (published, answering 200) and the canary Ingress a scenario
 * applies after its fault: KIC publishes the canary one sync after it exists, unless pushes are
 * blocked; a blocked push is healed one sync after `healedBy`.
 */
export function canaryWorld(script: CanaryScript): (w: WorldView) => Sighting[] {
  return ({ now, calls, since }) => {
    const healed = script.healedBy !== undefined && (since(script.healedBy) ?? -1) >= SYNC_MS;
    const { blockedBy } = script;
    const blockedAt = typeof blockedBy === 'object' ? appliedAt(calls, blockedBy.kind, blockedBy.name) : blockedBy === undefined ? undefined : since(blockedBy);
    const blocked = blockedAt !== undefined && !healed;
    const sightings = [routeAnswer('/echo', blocked && script.echoBreaks ? 503 : 200), ingressStatus(script.namespace, 'echo', true)];
    const created = appliedAt(calls, 'Ingress', 'canary');
    if (created !== undefined) sightings.push(ingressStatus(script.namespace, 'canary', !blocked && now - created >= SYNC_MS));
    return sightings;
  };
}

/** The objects of one call as `Kind/namespace/name`, `Kind/name` for cluster-scoped ones. */
export function objectsOf(call: Call | undefined): string[] {
  if (!call || !('objects' in call)) return [];
  return call.objects.map((o) => [o.kind, o.metadata.namespace, o.metadata.name].filter(Boolean).join('/'));
}
