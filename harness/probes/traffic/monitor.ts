import type { Observation, TrafficEntry } from '../../evidence/types.ts';
import { runOpenLoop, type OpenLoopResult } from './open-loop.ts';
import type { RequestRecord } from './record.ts';
import type { TrafficTarget } from './sender.ts';
import { summarize } from './summary.ts';

export const DEFAULT_WINDOW_MS = 5_000;

/**
 * Steady traffic through a run: the open-model probe runs in the background, and every
 * `windowMs` the requests scheduled in the window just closed become one `traffic` entry on the
 * timeline, so SLO signatures judge success and outages window by window, fault included. On
 * stop, the whole run's summary is recorded too (after the observation window, so it feeds the
 * report, not the outcome).
 */
export class TrafficMonitor {
  private readonly stop = new AbortController();
  private readonly pending: RequestRecord[] = [];
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
    this.running = runOpenLoop({ targets: this.targets, rate: this.rate, signal: this.stop.signal, onRecord: (r) => this.pending.push(r) });
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
    this.emit(result.records, result.from, result.to);
  }

  /** Closes the window at `until`: requests scheduled before it are summarized, later ones wait for the next. */
  private flush(until: number): void {
    const due = this.pending.filter((r) => r.scheduled < until);
    if (due.length === 0 && until - this.windowStart < this.windowMs) return;
    const later = this.pending.filter((r) => r.scheduled >= until);
    this.pending.length = 0;
    this.pending.push(...later);
    this.emit(due, this.windowStart, until);
    this.windowStart = until;
  }

  private emit(records: readonly RequestRecord[], from: number, to: number): void {
    const entry: TrafficEntry = { kind: 'traffic', at: to, target: this.target, ...summarize(records, { from, to, targetRate: this.rate }) };
    this.record(entry);
  }
}
