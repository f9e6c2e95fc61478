import type { ConditionEntry, ObjectRef } from '../evidence/types.ts';
import type { Kube } from '../k8s/client.ts';
import { get } from '../k8s/objects.ts';
import type { ConditionProbe } from '../runner/scenario.ts';

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
