/**
 * Realistic evidence for the control-plane scenarios (publish-service-missing,
 * admin-api-partition, upgrade-gate): KIC's JSON (zap) log lines, the Ingress `Published`
 * reading, Events as KIC records them and `entity-counts` snapshots.
 */
import { ingressPublished } from '../../harness/probes/condition-entries.ts';
import type { EntityCounts } from '../../harness/judge/drift.ts';
import type { KubeObject } from '../../harness/manifests/types.ts';
import type { Call } from './fake-context.ts';
import type { Sighting } from './fake-context.ts';

/** One KIC log line as `--log-format json` prints it (facts B2): level, time, logger, msg, then fields, then error. */
export function kicJson(at: number, fields: { level?: 'debug' | 'info' | 'error'; logger?: string; msg: string; error?: string; [key: string]: unknown }): string {
  const { level = 'error', logger, msg, error, ...rest } = fields;
  return JSON.stringify({ level, time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'), ...(logger ? { logger } : {}), msg, ...rest, ...(error ? { error } : {}) });
}

/** An Ingress as the status probe reads it: published at `address`, or with an empty status. */
export function ingressStatus(namespace: string, name: string, address?: string): Sighting {
  const { at: _at, ...entry } = ingressPublished(0, { kind: 'Ingress', name, namespace }, address ? { loadBalancer: { ingress: [{ ip: address }] } } : {});
  return entry;
}

export function warningEvent(reason: string, message: string, object: { kind: string; name: string; namespace: string }, count = 1): Sighting {
  return { kind: 'event', type: 'Warning', reason, message, object, count };
}

export function entityCounts(data: EntityCounts): Sighting {
  return { kind: 'admin', query: 'entity-counts', data };
}

/** The objects of every apply (or remove) call, as Kind/namespace/name. */
export function objectsOf(calls: readonly Call[], op: 'apply' | 'remove'): KubeObject[] {
  return calls.flatMap((c) => (c.op === op ? c.objects : []));
}

/** Whether the scenario has applied, and not removed since, an object of this kind and name. */
export function holds(calls: readonly Call[], kind: string, name: string): boolean {
  const last = calls.findLast((c) => (c.op === 'apply' || c.op === 'remove') && c.objects.some((o) => o.kind === kind && o.metadata.name === name));
  return last?.op === 'apply';
}
