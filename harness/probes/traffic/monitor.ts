import type { Observation, ProbeLoad, TrafficEntry } from '../../evidence/types.ts';
import { runOpenLoop, type OpenLoopResult } from './open-loop.ts';
import type { RequestRecord } from './record.ts';
import { EventLoopDelay, probeLoad } from './saturation.ts';
import type { TrafficTarget } from './sender.ts';
import { summarize } from './summary.ts';

export const DEFAULT_WINDOW_MS = 5_000;

/**
 * Steady traffic through a run: the open-model probe runs in the background, and every
 * `windowMs` the requests scheduled in the window just closed become one `traffic` entry on the
 * timeline, so SLO signatures judge success and outages window by window, fault included. On
 * stop, the whole run's summary is recorded too (after the observation window, so it feeds the
 * report, not the outcome). Each entry says how the probe itself held up (`probe`), so that a
 * window where it was saturated is not read as the target failing.
 */
export class TrafficMonitor {
  private readonly stop = new AbortController();
  private readonly pending: RequestRecord[] = [];
  private readonly pendingUnsent: number[] = [];
  private windowDelay: EventLoopDelay | undefined;
  private runDelay: EventLoopDelay | undefined;
  private windowStart = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<OpenLoopResult> | undefined;

  constructor(
    private readonly targets: TrafficTarget[],
    private readonly rate: number,
    private readonly record: (o: Observation) => void,
    private readonly windowMs = DEFAULT_WINDOW_MS,
  ) {}

  get target(): string {
    return this.targets.map((t) => `${t.url}${t.host ? ` (Host ${t.host})` : ''}`).join(', ');
  }

  start(): void {
    this.windowStart = Date.now();
    this.windowDelay = new EventLoopDelay();
    this.runDelay = new EventLoopDelay();
    this.running = runOpenLoop({
      targets: this.targets,
      rate: this.rate,
      signal: this.stop.signal,
      onRecord: (r) => this.pending.push(r),
      onSkip: (scheduled) => this.pendingUnsent.push(scheduled),
    });
    this.timer = setInterval(() => this.flush(Date.now()), this.windowMs);
  }

  /** Stops the traffic, records the last partial window and the whole run. */
  async close(): Promise<void> {
    if (!this.running) return;
    clearInterval(this.timer);
    this.stop.abort();
    const result = await this.running;
    this.running = undefined;
    this.flush(Date.now());
    this.emit(result.records, result.from, result.to, probeLoad(result.records, result.unsent, this.runDelay!.read()));
    this.windowDelay?.stop();
    this.runDelay?.stop();
  }

  /** Closes the window at `until`: requests scheduled before it are summarized, later ones wait for the next. */
  private flush(until: number): void {
    const due = this.pending.filter((r) => r.scheduled < until);
    if (due.length === 0 && until - this.windowStart < this.windowMs) return;
    const later = this.pending.filter((r) => r.scheduled >= until);
    this.pending.length = 0;
    this.pending.push(...later);
    const unsent = this.pendingUnsent.splice(0);
    this.emit(due, this.windowStart, until, probeLoad(due, unsent, this.windowDelay!.read()));
    this.windowStart = until;
  }

  private emit(records: readonly RequestRecord[], from: number, to: number, probe: ProbeLoad): void {
    const entry: TrafficEntry = { kind: 'traffic', at: to, target: this.target, ...summarize(records, { from, to, targetRate: this.rate }), probe };
    this.record(entry);
  }
}
