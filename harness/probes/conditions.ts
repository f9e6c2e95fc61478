import type { ConditionEntry, ObjectRef } from '../evidence/types.ts';
import type { Kube } from '../k8s/client.ts';
import { get } from '../k8s/objects.ts';
import type { ConditionProbe, IngressProbe } from '../runner/scenario.ts';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** Reads an object's status conditions (and a Gateway's per-listener ones) as timeline entries. */
export async function readConditions(kube: Kube, probe: ConditionProbe): Promise<ConditionEntry[]> {
  const object = await get(kube, { apiVersion: probe.apiVersion, kind: probe.kind, name: probe.name, namespace: probe.namespace });
  const at = Date.now();
  if (!object) return [];
  const ref: ObjectRef = { kind: probe.kind, name: probe.name, namespace: probe.namespace };
  const status = (object['status'] ?? {}) as { conditions?: Condition[]; listeners?: { name: string; conditions?: Condition[] }[] };
  const entries = conditionEntries(at, ref, undefined, status.conditions);
  if (probe.listeners) {
    for (const l of status.listeners ?? []) entries.push(...conditionEntries(at, ref, `listener/${l.name}`, l.conditions));
  }
  return entries;
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
export async function readIngressPublished(kube: Kube, probe: IngressProbe): Promise<ConditionEntry[]> {
  const object = await get(kube, { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: probe.name, namespace: probe.namespace });
  if (!object) return [];
  return [ingressPublished(Date.now(), { kind: 'Ingress', name: probe.name, namespace: probe.namespace }, object['status'])];
}

export function ingressPublished(at: number, object: ObjectRef, status: unknown): ConditionEntry {
  const addresses = ((status as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } | undefined)?.loadBalancer?.ingress ?? [])
    .map((i) => i.ip ?? i.hostname)
    .filter((a): a is string => Boolean(a));
  return addresses.length
    ? { kind: 'condition', at, object, type: 'Published', status: 'True', reason: 'AddressAssigned', message: addresses.join(',') }
    : { kind: 'condition', at, object, type: 'Published', status: 'False', reason: 'NoAddress' };
}
