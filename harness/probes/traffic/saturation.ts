/**
 * Whether the probe itself kept up. An open-model probe that falls behind its schedule sends late
 * or not at all, and reads its own queueing as the target's latency, resets and outages; its
 * numbers over such a stretch describe the probe, not the target.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { ProbeLoad } from '../../evidence/types.ts';
import type { RequestRecord } from './record.ts';
import { percentile } from './summary.ts';

/**
 * Late by more than this (schedule lag, or event-loop delay at p99) is saturation. On the
 * development machine a probe that keeps up has a schedule lag p99 of 1–5 ms and an event-loop
 * delay p99 under 6 ms (up to 20 ms at 200 rps with 8 test runs on 2 cores); a saturated one
 * (5,000 rps against nginx on the same 2 cores) is late by 1–3 s, its event loop blocked for 200 ms
 * to 2.5 s.
 */
export const SATURATION_LAG_MS = 100;

/** Errors that mean the probe's own machine ran out of sockets, ports or memory. */
const LOCAL_LIMIT = 'local';

const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;

/** Node's event-loop delay over a stretch, in ms beyond the sampling interval. */
export class EventLoopDelay {
  private static readonly RESOLUTION_MS = 10;
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: EventLoopDelay.RESOLUTION_MS });

  constructor() {
    this.histogram.enable();
  }

  /** p99 and max since the last read (or the start), then starts over. */
  read(): ProbeLoad['eventLoopDelayMs'] {
    // Node 20 records the whole timer interval, so a free loop reads the resolution itself
    const ms = (ns: number): number => (this.histogram.count === 0 ? 0 : round3(Math.max(0, ns / 1e6 - EventLoopDelay.RESOLUTION_MS)));
    const delay = { p99: ms(this.histogram.percentile(99)), max: ms(this.histogram.max) };
    this.histogram.reset();
    return delay;
  }

  stop(): void {
    this.histogram.disable();
  }
}

/** Stretches (by scheduled time) where requests went out late or not at all; gaps under a second are bridged. */
function lateWindows(records: readonly RequestRecord[], unsent: readonly number[]): ProbeLoad['windows'] {
  const late = [...records.filter((r) => r.start - r.scheduled > SATURATION_LAG_MS).map((r) => r.scheduled), ...unsent].sort((a, b) => a - b);
  const windows: ProbeLoad['windows'] = [];
  for (const at of late) {
    const last = windows.at(-1);
    if (last !== undefined && at - last.end <= 1_000) last.end = at;
    else windows.push({ start: at, end: at });
  }
  return windows;
}

/**
 * How the probe held up over a stretch: its schedule lag (start − scheduled), the event-loop delay,
 * the requests it never sent, and whether any of them says it was saturated. Errors of class
 * `local` (no free port or file descriptor on the probe's machine) say so too.
 */
export function probeLoad(records: readonly RequestRecord[], unsent: readonly number[], eventLoopDelayMs: ProbeLoad['eventLoopDelayMs']): ProbeLoad {
  const lags = records.map((r) => r.start - r.scheduled).sort((a, b) => a - b);
  const stat = (p: number): number | null => {
    const v = percentile(lags, p);
    return v === null ? null : round3(v);
  };
  const scheduleLagMs = { p50: stat(50), p99: stat(99), max: stat(100) };
  const saturated =
    unsent.length > 0 ||
    (scheduleLagMs.p99 ?? 0) > SATURATION_LAG_MS ||
    eventLoopDelayMs.p99 > SATURATION_LAG_MS ||
    records.some((r) => r.error === LOCAL_LIMIT);
  return { saturated, scheduleLagMs, eventLoopDelayMs, unsent: unsent.length, windows: lateWindows(records, unsent) };
}
