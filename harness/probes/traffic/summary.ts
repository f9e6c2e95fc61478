/**
 * The traffic probe's arithmetic over finished request records: pure functions, no clock, no I/O,
 * so that buckets, outage windows and rates can be checked on synthetic records.
 */
import { build } from 'hdr-histogram-js';
import type { OutageWindow, TrafficBucket, TrafficSummary } from '../../evidence/types.ts';
import { latencyMs, outcomeKey, type RequestRecord } from './record.ts';

const DEFAULT_BUCKET_MS = 100;

export interface SummaryWindow {
  /** when sending began (the first scheduled time) */
  from: number;
  /** when sending stopped: the end of the schedule, or the last actual start if that was later */
  to: number;
  targetRate: number;
  bucketMs?: number;
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

/** Nearest-rank percentile of ascending values; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * Fixed intervals by scheduled time, from `from` up to `to` (every interval present, empty ones
 * too, so a chart shows silence as silence). p99 is over the successful requests of the interval.
 */
export function bucketize(records: readonly RequestRecord[], from: number, to: number, bucketMs = DEFAULT_BUCKET_MS): TrafficBucket[] {
  const last = records.reduce((max, r) => Math.max(max, r.scheduled), to - 1);
  const n = Math.max(0, Math.floor((last - from) / bucketMs) + 1);
  const buckets: TrafficBucket[] = Array.from({ length: n }, (_, i) => ({ start: from + i * bucketMs, sent: 0, ok: 0, errors: {}, p99Ms: null }));
  const latencies: number[][] = Array.from({ length: n }, () => []);
  for (const r of records) {
    const i = Math.floor((r.scheduled - from) / bucketMs);
    const bucket = buckets[i];
    if (bucket === undefined) continue;
    bucket.sent += 1;
    if (r.error === undefined) {
      bucket.ok += 1;
      latencies[i]!.push(latencyMs(r));
    } else {
      count(bucket.errors, outcomeKey(r));
    }
  }
  buckets.forEach((bucket, i) => {
    const p99 = percentile(latencies[i]!.sort((a, b) => a - b), 99);
    bucket.p99Ms = p99 === null ? null : round3(p99);
  });
  return buckets;
}

/**
 * Each run of consecutive failures, in the order requests were sent, becomes one window from the
 * first failure's start to the last failure's start. A single success ends a window: a target that
 * answers again is up, however briefly. A window no success ended is `open`: with `stoppedAt`
 * (when sending stopped) it runs to then, since the target was still failing when the probe stopped.
 */
export function outageWindows(records: readonly RequestRecord[], stoppedAt?: number): OutageWindow[] {
  const ordered = [...records].sort((a, b) => a.start - b.start);
  const windows: OutageWindow[] = [];
  let open: OutageWindow | undefined;
  for (const r of ordered) {
    if (r.error === undefined) {
      open = undefined;
      continue;
    }
    if (open === undefined) {
      open = { start: r.start, end: r.start, open: false, durationMs: 0, errors: {} };
      windows.push(open);
    }
    open.end = r.start;
    open.durationMs = round3(open.end - open.start);
    count(open.errors, outcomeKey(r));
  }
  if (open !== undefined) {
    open.open = true;
    if (stoppedAt !== undefined && stoppedAt > open.end) {
      open.end = stoppedAt;
      open.durationMs = round3(open.end - open.start);
    }
  }
  return windows;
}

/** Latency percentiles (ms) of the successful requests, through an HDR histogram at microsecond resolution; null without any. */
export function latencyPercentiles(records: readonly RequestRecord[]): TrafficSummary['latencyMs'] {
  const histogram = build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
  for (const r of records) if (r.error === undefined) histogram.recordValue(Math.max(1, Math.round(latencyMs(r) * 1000)));
  const ms = (us: number): number | null => (histogram.totalCount === 0 ? null : round3(us / 1000));
  const result = {
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
  };
  histogram.destroy();
  return result;
}

export function summarize(records: readonly RequestRecord[], window: SummaryWindow): TrafficSummary {
  const errors: Record<string, number> = {};
  let ok = 0;
  for (const r of records) {
    if (r.error === undefined) ok += 1;
    else count(errors, outcomeKey(r));
  }
  const seconds = (window.to - window.from) / 1000;
  return {
    from: window.from,
    to: window.to,
    targetRate: window.targetRate,
    achievedRate: seconds > 0 ? round3(records.length / seconds) : 0,
    sent: records.length,
    ok,
    successRatio: records.length === 0 ? 0 : ok / records.length,
    latencyMs: latencyPercentiles(records),
    errors,
    outages: outageWindows(records, window.to),
    buckets: bucketize(records, window.from, window.to, window.bucketMs),
  };
}
