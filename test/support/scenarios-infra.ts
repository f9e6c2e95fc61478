/**
 * Evidence builders and world helpers shared by the infrastructure scenarios' tests
 * (database-outage, pending-migrations, missing-crds, node-termination).
 */
import type { Call, Sighting } from './fake-context.ts';
import { ingressPublished } from '../../harness/probes/condition-entries.ts';
import type { TrafficSummary } from '../../harness/evidence/types.ts';

/** An nginx error-log line as Kong writes it from a Lua context. */
export function kongErrorLine(message: string, level: 'error' | 'warn' | 'notice' | 'crit' = 'error'): string {
  return `2026/11/23 10:01:02 [${level}] 1407#0: *5821 [lua] ${message}`;
}

/** A KIC JSON log line (zap JSON encoder: level, time, logger, msg, then the fields). */
export function kicJsonLine(fields: { level?: string; logger?: string; msg: string; [key: string]: unknown }): string {
  const { level = 'error', logger, msg, ...rest } = fields;
  return JSON.stringify({ level, time: '2026-11-23T10:01:02Z', ...(logger ? { logger } : {}), msg, ...rest });
}

/** An Ingress's `status.loadBalancer` as the conditions probe reads it (a synthetic `Published` condition). */
export function ingressStatus(namespace: string, name: string, published: boolean): Sighting {
  const { at: _at, ...entry } = ingressPublished(0, { kind: 'Ingress', namespace, name }, published ? { loadBalancer: { ingress: [{ ip: '10.96.112.40' }] } } : {});
  return entry;
}

/** One Deployment condition as the conditions probe reads it. */
export function deploymentCondition(ref: { namespace: string; name: string }, type: string, status: 'True' | 'False', reason: string, message?: string): Sighting {
  return { kind: 'condition', object: { kind: 'Deployment', ...ref }, type, status, reason, ...(message ? { message } : {}) };
}

/** A traffic-probe summary with one outage of `outageMs` (none when 0), at 50 requests per second over 10 s. */
export function trafficSummary(outageMs: number): Sighting {
  const sent = 500;
  const failed = Math.min(sent, Math.round(outageMs / 20));
  const outages = outageMs > 0 ? [{ start: 0, end: outageMs, durationMs: outageMs, errors: { 'http-503': failed } }] : [];
  const summary: TrafficSummary = {
    from: 0,
    to: 10_000,
    targetRate: 50,
    achievedRate: 50,
    sent,
    ok: sent - failed,
    successRatio: (sent - failed) / sent,
    latencyMs: { p50: 3, p90: 5, p99: 9, max: 20 },
    errors: failed ? { 'http-503': failed } : {},
    outages,
    buckets: [],
  };
  return { kind: 'traffic', target: 'http://127.0.0.1:38080/echo', ...summary };
}

/**
 * Whether the scenario's database is down at `now`: its last database call so far was a cut
 * or a stop.
 */
export function databaseDown(calls: readonly Call[]): boolean {
  const last = calls.findLast((c) => c.op === 'database');
  return last?.op === 'database' && (last.action === 'cut' || last.action === 'stop');
}

/** Milliseconds since the scenario's last database call that brought Postgres back, if any. */
export function sinceDatabaseBack(calls: readonly Call[], now: number): number | undefined {
  const back = calls.findLast((c) => c.op === 'database' && (c.action === 'restore' || c.action === 'start'));
  return back === undefined || databaseDown(calls) ? undefined : now - back.at;
}
