import { quote, UserError } from '../errors.ts';
import type { ProbeLoad, TrafficSummary } from '../evidence/types.ts';
import { MAX_RATE, runOpenLoop } from '../probes/traffic/open-loop.ts';
import { EventLoopDelay, probeLoad } from '../probes/traffic/saturation.ts';
import type { RequestRecord } from '../probes/traffic/record.ts';
import { summarize } from '../probes/traffic/summary.ts';
import { timeout } from '../timeouts.ts';

export interface ProbeOptions {
  url: string;
  /** requests per second */
  rate: number;
  durationS: number;
  /** Host header, for a route behind a shared proxy address */
  host?: string;
  json: boolean;
  /** accept a self-signed or otherwise untrusted certificate */
  insecure?: boolean;
  /** per-request deadline (connect, headers, body), seconds; the harness's route request timeout by default */
  timeoutS?: number;
}

/** What `probe --json` prints: the summary plus how the run itself went. */
export interface ProbeResult extends TrafficSummary {
  target: string;
  /** stopped early by Ctrl-C (or SIGTERM) */
  interrupted: boolean;
  /** the per-request deadline a request had before it counted as `timeout` */
  timeoutMs: number;
  /** how the probe itself held up; `saturated` means the numbers above describe the probe, not the target */
  probe: ProbeLoad;
}

function validate(opts: ProbeOptions): void {
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    throw new UserError(`--url ${quote(opts.url)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`--url must be http or https, got ${quote(url.protocol)}`);
  if (!Number.isFinite(opts.rate) || opts.rate <= 0) throw new UserError(`--rate must be a positive number, got ${opts.rate}`);
  if (opts.rate > MAX_RATE) throw new UserError(`--rate ${opts.rate} is more than the probe can send: at most ${MAX_RATE} requests per second (README "probe")`);
  if (!(opts.durationS > 0)) throw new UserError(`--duration must be a positive number of seconds, got ${opts.durationS}`);
  if (opts.timeoutS !== undefined && !(opts.timeoutS > 0)) throw new UserError(`--timeout must be a positive number of seconds, got ${opts.timeoutS}`);
}

/** Live progress on a terminal: rewritten in place every second on stderr, never into a pipe or a file. */
export function startProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, durationS: number): { count(record: RequestRecord): void; stop(): void } {
  let sent = 0;
  let ok = 0;
  if (!stream.isTTY) return { count: () => undefined, stop: () => undefined };
  const started = Date.now();
  const timer = setInterval(() => {
    const elapsed = Math.min(durationS, (Date.now() - started) / 1000);
    stream.write(`\r\x1b[K${elapsed.toFixed(0)}/${durationS} s  sent ${sent}  ok ${sent === 0 ? '–' : `${((ok / sent) * 100).toFixed(2)}%`}  failed ${sent - ok}`);
  }, 1_000);
  return {
    count: (record) => {
      sent += 1;
      if (record.error === undefined) ok += 1;
    },
    stop: () => {
      clearInterval(timer);
      stream.write('\r\x1b[K');
    },
  };
}

const clockTime = (epochMs: number): string => new Date(epochMs).toISOString().slice(11, 23);
const counts = (errors: Record<string, number>): string =>
  Object.entries(errors)
    .map(([key, n]) => `${key} ${n}`)
    .join(', ');

export function describeProbe(r: ProbeResult): string[] {
  const seconds = ((r.to - r.from) / 1000).toFixed(1);
  const lines = [
    `${r.target}: ${r.achievedRate.toFixed(1)} rps achieved of ${r.targetRate} over ${seconds} s${r.interrupted ? ' (interrupted)' : ''}`,
    `sent ${r.sent}, ok ${r.ok} (${(r.successRatio * 100).toFixed(2)}%)`,
    r.ok === 0
      ? 'latency: no value (no request succeeded)'
      : `latency ms (ok requests, from their scheduled time): p50 ${r.latencyMs.p50}  p90 ${r.latencyMs.p90}  p99 ${r.latencyMs.p99}  max ${r.latencyMs.max}`,
    `per-request timeout ${r.timeoutMs / 1000} s`,
  ];
  if (Object.keys(r.errors).length > 0) lines.push(`errors: ${counts(r.errors)}`);
  lines.push(`outages: ${r.outages.length}`);
  for (const o of r.outages) lines.push(`  ${clockTime(o.start)} → ${o.open ? `${clockTime(o.end)} (still open at the stop)` : clockTime(o.end)}  ${Math.round(o.durationMs)} ms  ${counts(o.errors)}`);
  const { scheduleLagMs: lag, eventLoopDelayMs: delay } = r.probe;
  lines.push(`probe: schedule lag ms p50 ${lag.p50 ?? '–'}  p99 ${lag.p99 ?? '–'}  max ${lag.max ?? '–'}; event-loop delay ms p99 ${delay.p99}  max ${delay.max}; unsent ${r.probe.unsent}`);
  if (r.probe.saturated) {
    const windows = r.probe.windows.map((w) => `${clockTime(w.start)} → ${clockTime(w.end)}`).join(', ');
    lines.push(`SATURATED: the probe could not keep its schedule${windows ? ` (${windows})` : ''}; the numbers above describe this machine, not the target; lower --rate`);
  }
  return lines;
}

/**
 * `kong-chaos probe`: open-model traffic against one URL, then its summary. Ctrl-C (or SIGTERM)
 * stops the schedule, gives answers still owed half a second (then counts them as sent and
 * `unanswered`), prints the result for what ran and returns 130; a second Ctrl-C leaves at once.
 * A run to the end returns 0 whatever it measured.
 */
export async function probe(opts: ProbeOptions): Promise<number> {
  validate(opts);
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    signals += 1;
    if (signals > 1) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const target = opts.host ? `${opts.url} (Host: ${opts.host})` : opts.url;
    const timeoutMs = opts.timeoutS === undefined ? timeout('routeRequest') : opts.timeoutS * 1000;
    if (!opts.json) console.error(`probing ${target} at ${opts.rate} rps for ${opts.durationS} s, per-request timeout ${timeoutMs / 1000} s; Ctrl-C stops and prints the result`);
    const delay = new EventLoopDelay();
    const progress = startProgress(process.stderr, opts.durationS);
    const run = await runOpenLoop({
      targets: [{ url: opts.url, ...(opts.host ? { host: opts.host } : {}) }],
      rate: opts.rate,
      durationMs: opts.durationS * 1000,
      signal: stop.signal,
      insecure: Boolean(opts.insecure),
      timeoutMs,
      onRecord: progress.count,
    }).finally(() => {
      delay.stop();
      progress.stop();
    });
    const result: ProbeResult = {
      target,
      ...summarize(run.records, { from: run.from, to: run.to, targetRate: opts.rate }),
      interrupted: run.interrupted,
      timeoutMs,
      probe: probeLoad(run.records, run.unsent, delay.read()),
    };
    console.log(opts.json ? JSON.stringify(result, null, 2) : describeProbe(result).join('\n'));
    return run.interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
