import { quote, UserError } from '../errors.ts';
import type { TrafficSummary } from '../evidence/types.ts';
import { MAX_RATE, runOpenLoop } from '../probes/traffic/open-loop.ts';
import { scheduleLag, summarize } from '../probes/traffic/summary.ts';

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
}

/** What `probe --json` prints: the summary plus how the run itself went. */
export interface ProbeResult extends TrafficSummary {
  target: string;
  /** stopped early by Ctrl-C (or SIGTERM) */
  interrupted: boolean;
  /** the probe's own lateness against its schedule: high values mean this machine could not keep up */
  scheduleLagMs: { p50: number; p99: number; max: number };
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
    `latency ms (ok requests, from their scheduled time): p50 ${r.latencyMs.p50}  p90 ${r.latencyMs.p90}  p99 ${r.latencyMs.p99}  max ${r.latencyMs.max}`,
  ];
  if (Object.keys(r.errors).length > 0) lines.push(`errors: ${counts(r.errors)}`);
  lines.push(`outages: ${r.outages.length}`);
  for (const o of r.outages) lines.push(`  ${clockTime(o.start)} → ${o.open ? `${clockTime(o.end)} (still open at the stop)` : clockTime(o.end)}  ${Math.round(o.durationMs)} ms  ${counts(o.errors)}`);
  lines.push(`schedule lag ms: p50 ${r.scheduleLagMs.p50}  p99 ${r.scheduleLagMs.p99}  max ${r.scheduleLagMs.max}`);
  return lines;
}

/**
 * `kong-chaos probe`: open-model traffic against one URL, then its summary. Ctrl-C (or SIGTERM)
 * stops the schedule, gives answers still owed half a second (then counts them as sent and
 * `unanswered`), prints the result for what ran and returns 130; a second Ctrl-C leaves at once. A run to the end returns 0 whatever it measured.
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
    if (!opts.json) console.error(`probing ${target} at ${opts.rate} rps for ${opts.durationS} s; Ctrl-C stops and prints the result`);
    const run = await runOpenLoop({
      targets: [{ url: opts.url, ...(opts.host ? { host: opts.host } : {}) }],
      rate: opts.rate,
      durationMs: opts.durationS * 1000,
      signal: stop.signal,
      insecure: Boolean(opts.insecure),
    });
    const result: ProbeResult = {
      target,
      ...summarize(run.records, { from: run.from, to: run.to, targetRate: opts.rate }),
      interrupted: run.interrupted,
      scheduleLagMs: scheduleLag(run.records),
    };
    console.log(opts.json ? JSON.stringify(result, null, 2) : describeProbe(result).join('\n'));
    return run.interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
