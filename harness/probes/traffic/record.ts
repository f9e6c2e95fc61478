import type { ErrorClass } from '../../evidence/types.ts';

/**
 * One request of the traffic probe. Times are epoch milliseconds with sub-millisecond precision,
 * all read from one monotonic clock so that they order correctly against each other.
 */
export interface RequestRecord {
  /** which of the probe's targets it went to (index into the targets list) */
  target: number;
  /** when the schedule said to send it */
  scheduled: number;
  /** when it was actually handed to the connection pool */
  start: number;
  end: number;
  /** the HTTP status, when one came back */
  status?: number;
  /** set when the request failed; HTTP failures are `http-4xx` / `http-5xx` with `status` kept */
  error?: ErrorClass;
}

/** A status below 400 is a success: redirects are the target answering as configured. */
export function statusClass(status: number): ErrorClass | undefined {
  if (status >= 500) return 'http-5xx';
  if (status >= 400) return 'http-4xx';
  return undefined;
}

/** `ok`, the error class, or `http-<code>` for an HTTP failure: the key errors are counted by. */
export function outcomeKey(record: RequestRecord): string {
  if (record.error === undefined) return 'ok';
  if ((record.error === 'http-4xx' || record.error === 'http-5xx') && record.status !== undefined) return `http-${record.status}`;
  return record.error;
}

/** Latency as the caller of an open-model client sees it: from when it should have gone out. */
export function latencyMs(record: RequestRecord): number {
  return record.end - record.scheduled;
}
