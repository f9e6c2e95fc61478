import { timeout } from '../../timeouts.ts';
import type { RequestRecord } from './record.ts';
import { monotonicClock, TrafficSender, type TrafficTarget } from './sender.ts';

export interface OpenLoopOptions {
  /** sent in turn, request i to target i mod n */
  targets: TrafficTarget[];
  /** requests per second, across all targets */
  rate: number;
  /** stop scheduling after this long; without it, run until the signal aborts */
  durationMs?: number;
  /** aborting stops the schedule at once; answers still owed get `drainMs`, then count as `unanswered` */
  signal?: AbortSignal;
  /** per-request deadline; defaults to the harness's route request timeout */
  timeoutMs?: number;
  insecure?: boolean;
  /** after an abort, how long in-flight requests may still finish with their own outcome */
  drainMs?: number;
  /** each finished request as it finishes (a live monitor's feed), besides `records` */
  onRecord?: (record: RequestRecord) => void;
  /** the scheduled time of each request the probe gave up sending, besides `unsent` */
  onSkip?: (scheduled: number) => void;
}

export interface OpenLoopResult {
  /** the first scheduled time */
  from: number;
  /** when sending stopped: end of the schedule (or the abort), or the last actual start if later */
  to: number;
  rate: number;
  interrupted: boolean;
  /** in scheduled order; requests still unanswered when an abort gave up on them end as `unanswered` */
  records: RequestRecord[];
  /**
   * scheduled times of the requests never sent: more than MAX_LATE_MS behind (the probe saturated),
   * or due before an abort and not sent yet; in no ratio, a sign of saturation
   */
  unsent: number[];
}

// short enough that Ctrl-C ends the probe within a second, the result printed
const DEFAULT_DRAIN_MS = 500;

/**
 * The highest rate the probe accepts. Measured with `make bench` on the development machine
 * (2 cores, Node 20, nginx and its backend on the same machine): the schedule holds at 2,000 rps
 * (lag p99 ~3 ms) and breaks down between 3,000 and 5,000 rps, where the probe, nginx and the
 * backend share the cores; a faster machine or a remote target gets further, so the ceiling leaves
 * room above that and saturation detection covers the rest.
 */
export const MAX_RATE = 10_000;

/**
 * At most this many requests go out in one timer tick; a schedule further behind continues after
 * a setImmediate, so that I/O, timers and signals (Ctrl-C) are served in between.
 */
const MAX_BATCH = 200;

/**
 * A request that could not go out within this long of its time is not sent: a probe that far
 * behind is saturated, and catching up would only flood the target late and run past the end.
 */
const MAX_LATE_MS = 1_000;

/**
 * Open-model load: request i goes out at from + i/rate whether or not earlier ones have answered,
 * so a stalled target cannot slow the sender down and hide its own latency (no coordinated
 * omission). Requests due by a timer tick go out in that tick, each keeping its own scheduled
 * time, at most MAX_BATCH at a time so that the event loop stays free.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  if (!(options.rate > 0)) throw new RangeError(`rate must be positive, got ${options.rate}`);
  if (options.rate > MAX_RATE) throw new RangeError(`rate ${options.rate} is above the probe's ceiling of ${MAX_RATE} rps`);
  if (options.targets.length === 0) throw new RangeError('at least one target is needed');
  const clock = monotonicClock();
  const sender = new TrafficSender(options.targets, { timeoutMs: options.timeoutMs ?? timeout('routeRequest'), insecure: options.insecure }, clock);
  const interval = 1000 / options.rate;
  const from = clock();
  const end = options.durationMs === undefined ? Infinity : from + options.durationMs;
  const records: RequestRecord[] = [];
  const keep = (record: RequestRecord): void => {
    records.push(record);
    options.onRecord?.(record);
  };
  /** sent and not answered yet, by request number: what an abort turns into `unanswered` */
  const inFlight = new Map<number, Pick<RequestRecord, 'target' | 'scheduled' | 'start'>>();
  let drained: (() => void) | undefined;
  let interrupted = false;
  const unsent: number[] = [];
  const skip = (scheduled: number): void => {
    unsent.push(scheduled);
    options.onSkip?.(scheduled);
  };

  const fire = (i: number): void => {
    const target = i % sender.targetCount;
    const scheduled = from + i * interval;
    inFlight.set(i, { target, scheduled, start: clock() });
    void sender.send(target, scheduled).then((record) => {
      // an answer after the give-up was already counted as unanswered
      if (!inFlight.delete(i)) return;
      keep(record);
      if (inFlight.size === 0) drained?.();
    });
  };

  const stoppedAt = await new Promise<number>((done) => {
    let next = 0;
    let timer: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    const onAbort = (): void => {
      interrupted = true;
      clearTimeout(timer);
      clearImmediate(immediate);
      const now = clock();
      for (let at = from + next * interval; at <= now && at < end; next += 1, at = from + next * interval) skip(at);
      done(now);
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const tick = (): void => {
      const now = clock();
      for (let at = from + next * interval; at < now - MAX_LATE_MS && at < end; next += 1, at = from + next * interval) skip(at);
      let batch = 0;
      for (let at = from + next * interval; at <= now && at < end && batch < MAX_BATCH; at = from + next * interval) {
        fire(next);
        next += 1;
        batch += 1;
      }
      const due = from + next * interval;
      if (due >= end) {
        options.signal?.removeEventListener('abort', onAbort);
        done(end);
        return;
      }
      if (due <= clock()) immediate = setImmediate(tick);
      else timer = setTimeout(tick, due - clock());
    };
    tick();
  });

  if (inFlight.size > 0) {
    const allIn = new Promise<void>((resolve) => (drained = resolve));
    if (interrupted) {
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([allIn, new Promise((resolve) => (grace = setTimeout(resolve, options.drainMs ?? DEFAULT_DRAIN_MS)))]);
      clearTimeout(grace);
    } else {
      await allIn;
    }
  }
  const unanswered = inFlight.size;
  const givenUp = clock();
  for (const pending of inFlight.values()) keep({ ...pending, end: givenUp, error: 'unanswered' });
  inFlight.clear();
  // After Ctrl-C, closing thousands of sockets would hold the result back for most of a second; it
  // happens in the background instead (undici's destroy() without an error does not reject).
  if (unanswered > 0) void sender.destroy();
  else await sender.close();
  records.sort((a, b) => a.scheduled - b.scheduled);
  const to = records.reduce((latest, r) => Math.max(latest, r.start), stoppedAt);
  return { from, to, rate: options.rate, interrupted, records, unsent };
}
