import type { ConditionEntry, ObjectRef } from '../evidence/types.ts';

/** Pure shapes of status conditions as timeline entries, shared by live probes and `diagnose`. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function conditionEntries(at: number, object: ObjectRef, scope: string | undefined, conditions: Condition[] | undefined): ConditionEntry[] {
  return (conditions ?? []).map((c) => ({
    kind: 'condition',
    at,
    object,
    ...(scope ? { scope } : {}),
    type: c.type,
    status: c.status,
    reason: c.reason ?? '',
    ...(c.message ? { message: c.message } : {}),
  }));
}

/**
 * An Ingress has no conditions; whether KIC published an address into `status.loadBalancer`
 * is read as a synthetic `Published` condition, so condition signatures can use it.
 */
export function ingressPublished(at: number, object: ObjectRef, status: unknown): ConditionEntry {
  const addresses = ((status as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } | undefined)?.loadBalancer?.ingress ?? [])
    .map((i) => i.ip ?? i.hostname)
    .filter((a): a is string => Boolean(a));
  return addresses.length
    ? { kind: 'condition', at, object, type: 'Published', status: 'True', reason: 'AddressAssigned', message: addresses.join(',') }
    : { kind: 'condition', at, object, type: 'Published', status: 'False', reason: 'NoAddress' };
}
