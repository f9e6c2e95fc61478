import type { ConditionEntry, ObjectRef } from '../evidence/types.ts';
import type { Kube } from '../k8s/client.ts';
import { get } from '../k8s/objects.ts';
import type { ConditionProbe, IngressProbe } from '../runner/scenario.ts';
import { conditionEntries, ingressPublished, type Condition } from './condition-entries.ts';

/** Reads an object's status conditions (and a Gateway's per-listener ones) as timeline entries. */
export async function readConditions(kube: Kube, probe: ConditionProbe): Promise<ConditionEntry[]> {
  const object = await get(kube, { apiVersion: probe.apiVersion, kind: probe.kind, name: probe.name, namespace: probe.namespace });
  const at = Date.now();
  if (!object) return [];
  const ref: ObjectRef = { kind: probe.kind, name: probe.name, namespace: probe.namespace };
  const status = (object['status'] ?? {}) as { conditions?: Condition[]; listeners?: { name: string; conditions?: Condition[] }[]; parents?: RouteParentStatus[] };
  const entries = conditionEntries(at, ref, undefined, status.conditions);
  if (probe.listeners) {
    for (const l of status.listeners ?? []) entries.push(...conditionEntries(at, ref, `listener/${l.name}`, l.conditions));
  }
  if (probe.parents) {
    for (const p of status.parents ?? []) entries.push(...conditionEntries(at, ref, parentScope(p.parentRef, probe.namespace), p.conditions));
  }
  return entries;
}

/** One entry of a route's `status.parents` (gateway-api apis/v1/shared_types.go RouteParentStatus@v1.3.0). */
interface RouteParentStatus {
  parentRef: { kind?: string; namespace?: string; name: string; sectionName?: string };
  conditions?: Condition[];
}

/** `parent/<kind>/<namespace>/<name>[/<section>]`; a parentRef without kind or namespace means a Gateway in the route's namespace. */
export function parentScope(ref: RouteParentStatus['parentRef'], routeNamespace: string): string {
  const section = ref.sectionName ? `/${ref.sectionName}` : '';
  return `parent/${ref.kind ?? 'Gateway'}/${ref.namespace ?? routeNamespace}/${ref.name}${section}`;
}

/** Reads whether KIC published an address into the Ingress status (see ingressPublished). */
export async function readIngressPublished(kube: Kube, probe: IngressProbe): Promise<ConditionEntry[]> {
  const object = await get(kube, { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: probe.name, namespace: probe.namespace });
  if (!object) return [];
  return [ingressPublished(Date.now(), { kind: 'Ingress', name: probe.name, namespace: probe.namespace }, object['status'])];
}
