/**
 * Benchmark of the traffic probe (not a test: numbers depend on the machine). Against nginx on
 * loopback in front of a small Node backend (both from test/support): the open-model probe at 500,
 * 1,000 and 2,000 rps; its closed-loop ceiling beside autocannon's on the same target; and how
 * closely it measures a 2.0 s backend outage. `npx tsx bench/probe.ts` prints the Markdown table.
 */
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { runOpenLoop } from '../harness/probes/traffic/open-loop.ts';
import { monotonicClock, TrafficSender } from '../harness/probes/traffic/sender.ts';
import { EventLoopDelay, probeLoad } from '../harness/probes/traffic/saturation.ts';
import { summarize } from '../harness/probes/traffic/summary.ts';
import { startBackend, type Backend } from '../test/support/backend.ts';
import { startNginx, type Nginx } from '../test/support/nginx.ts';

const OPEN_RATES = [500, 1_000, 2_000];
const OPEN_SECONDS = 20;
const CLOSED_SECONDS = 10;
/** autocannon's default connection count, used for both so that the comparison is like for like */
const CONNECTIONS = 10;
const OUTAGE_MS = 2_000;

interface AutocannonResult {
  requests: { total: number };
  duration: number;
  errors: number;
  non2xx: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: { url: string; connections: number; duration: number }) => Promise<AutocannonResult>;

type Row = [measure: string, value: string, goal: string, met: boolean];
const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function openModel(url: string, rate: number): Promise<Row[]> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const delay = new EventLoopDelay();
  const run = await runOpenLoop({ targets: [{ url }], rate, durationMs: OPEN_SECONDS * 1000 });
  const used = process.cpuUsage(cpu);
  const load = probeLoad(run.records, run.unsent, delay.read());
  delay.stop();
  const cpuShare = (used.user + used.system) / 1000 / (performance.now() - wall);
  const s = summarize(run.records, { from: run.from, to: run.to, targetRate: rate });
  const off = Math.abs(s.achievedRate - rate) / rate;
  const lag = load.scheduleLagMs;
  return [
    [`${rate} rps: achieved rate (ok ${fmt(s.successRatio * 100, 2)}%)`, `${fmt(s.achievedRate)} rps (${fmt(off * 100, 2)}% off)`, 'within 1% of target', off <= 0.01],
    [`${rate} rps: scheduling lag p99 / max`, `${fmt(lag.p99 ?? NaN, 2)} / ${fmt(lag.max ?? NaN, 2)} ms`, 'p99 < 5 ms', (lag.p99 ?? Infinity) < 5],
    [`${rate} rps: event-loop delay p99, unsent, saturated`, `${fmt(load.eventLoopDelayMs.p99, 2)} ms, ${load.unsent}, ${load.saturated ? 'yes' : 'no'}`, 'not saturated', !load.saturated],
    [`${rate} rps: probe CPU`, `${fmt(cpuShare * 100)}% of one core`, '—', true],
  ];
}

/** The probe's sender with a fixed number of requests in flight: the most it can push at this target. */
async function closedLoop(url: string): Promise<number> {
  const clock = monotonicClock();
  const sender = new TrafficSender([{ url }], { timeoutMs: 5_000 }, clock);
  const until = clock() + CLOSED_SECONDS * 1000;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (clock() < until) {
      const r = await sender.send(0, clock());
      if (r.error === undefined) done += 1;
    }
  };
  const started = clock();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const rps = done / ((clock() - started) / 1000);
  await sender.close();
  return rps;
}

async function ceiling(url: string): Promise<Row[]> {
  const probeRps = await closedLoop(url);
  await sleep(1_000);
  const ac = await autocannon({ url, connections: CONNECTIONS, duration: CLOSED_SECONDS });
  const acRps = (ac.requests.total - ac.errors - ac.non2xx) / ac.duration;
  const ratio = probeRps / acRps;
  return [
    [`closed loop, ${CONNECTIONS} in flight: probe`, `${fmt(probeRps, 0)} rps`, '—', true],
    [`closed loop, ${CONNECTIONS} connections: autocannon`, `${fmt(acRps, 0)} rps`, '—', true],
    ['probe / autocannon', `${fmt(ratio, 2)}×`, '≥ 0.8×', ratio >= 0.8],
  ];
}

async function outagePrecision(url: string, backend: Backend): Promise<Row[]> {
  const running = runOpenLoop({ targets: [{ url }], rate: 1_000, durationMs: 6_000 });
  await sleep(2_000);
  const truth = await backend.outage(OUTAGE_MS);
  const run = await running;
  const s = summarize(run.records, { from: run.from, to: run.to, targetRate: 1_000 });
  const window = s.outages.length === 1 ? s.outages[0]! : undefined;
  const found = window ? `${fmt(window.durationMs)} ms (truth ${truth.up - truth.down} ms; start ${fmt(window.start - truth.down)} ms off)` : `${s.outages.length} windows`;
  const error = window ? Math.abs(window.durationMs - (truth.up - truth.down)) : Infinity;
  return [[`outage of ${fmt(OUTAGE_MS / 1000)} s at 1,000 rps: window found`, found, '±50 ms, one window', error <= 50]];
}

export async function benchProbe(): Promise<string> {
  let backend: Backend | undefined;
  let nginx: Nginx | undefined;
  const rows: Row[] = [];
  try {
    backend = await startBackend();
    nginx = await startNginx({ upstreamPort: backend.port });
    const url = `${nginx.url}/echo`;
    await runOpenLoop({ targets: [{ url }], rate: 200, durationMs: 1_000 }); // warm-up: JIT, connections
    for (const rate of OPEN_RATES) rows.push(...(await openModel(url, rate)));
    rows.push(...(await ceiling(url)));
    rows.push(...(await outagePrecision(url, backend)));
  } finally {
    await nginx?.stop();
    await backend?.close();
  }
  return [
    `Traffic probe against nginx (1 worker) → Node backend on loopback; ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.versions.node}; open-model runs ${OPEN_SECONDS} s each.`,
    '',
    '| measure | value | goal | met |',
    '| --- | --- | --- | --- |',
    ...rows.map(([measure, value, goal, met]) => `| ${measure} | ${value} | ${goal} | ${goal === '—' ? '' : met ? 'yes' : '**no**'} |`),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await benchProbe());
}
