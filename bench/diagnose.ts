/**
 * Benchmark of `diagnose` on a large log: a 200 MB file of healthy KIC and Kong lines with a
 * rare failure line, scanned by diagnose's matcher in a child process (so that its peak RSS is
 * its own), by the whole CLI, and by `grep -cE` / `rg` with the same patterns on the same file.
 * Goals: at most 3× grep's time and ripgrep's CPU, under 150 MB peak; a one-line file answered
 * in under 0.4 s (start-up).
 *
 *   npx tsx bench/diagnose.ts            prints the table
 *   npx tsx bench/diagnose.ts --child F  (internal) scans F, prints one JSON line
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarios } from '../scenarios/index.ts';
import { diagnoseFiles } from '../harness/diagnose/diagnose.ts';
import { isPublic, loadCorpus, measureCorpus, type CorpusResult } from '../harness/diagnose/corpus.ts';
import { FIELD_SIGNATURES } from '../harness/diagnose/field-signatures.ts';
import { requiredWords } from '../harness/diagnose/literals.ts';
import { runTool } from '../harness/tools/exec.ts';

const TARGET_BYTES = 200 * 1024 * 1024;
/** one failure line in this many */
const FAILURE_EVERY = 50_000;
const MAX_RATIO = 3;
const MAX_RSS_MB = 150;

const HEALTHY = [
  '{"level":"info","time":"2025-05-19T12:40:01Z","logger":"dataplane-synchronizer","msg":"successfully applied Kong configuration","url":"https://10.244.0.12:8444","v":0}',
  '2025-05-19T12:40:02Z\tinfo\tcontrollers.Gateway\tGateway listener status updated\t{"v": 0, "namespace": "chaos-gateway", "name": "kong"}',
  '2025-05-19T12:40:02Z\tinfo\tsetup\tRetrying kong admin api client call after error\t{"v": 0, "retries": "4/60", "error": "making HTTP request: Get \\"https://localhost:8444/\\": dial tcp [::1]:8444: connect: connection refused"}',
  '10.244.0.1 - - [19/May/2025:12:40:03 +0000] "GET /echo HTTP/1.1" 200 312 "-" "kong-chaos-probe/0.1" kong_request_id: "8e6a2c54b1d04c6f9d3b"',
  '2025/05/19 12:40:03 [notice] 1281#0: *7 [lua] warmup.lua:114: single_dao(): finished preloading \'plugins\' into the core_cache (in 0ms), context: init_worker_by_lua*',
  '{"level":"error","time":"2025-05-19T12:40:04Z","msg":"failed updating gateway entity","action":"create","kind":"consumer","name":"alice","error":"HTTP status 409 (message: \\"UNIQUE violation detected on \'{username=\\"alice\\"}\'\\")"}',
  'I0519 12:40:05.868987       5 controller.go:130] syncing configuration',
];
const FAILURES = [
  '2025/05/19 12:43:10 [notice] 1281#0: *2741 [lua] init.lua:234: upsert(): ERROR: duplicate key value violates unique constraint "plugins_cache_key_key"',
  '{"level":"error","time":"2025-05-19T12:43:10Z","msg":"failed updating gateway entity","action":"create","kind":"plugin","name":"prometheus","error":"HTTP status 409"}',
];

async function generate(file: string): Promise<{ lines: number; failures: number }> {
  const out = createWriteStream(file);
  let size = 0;
  let lines = 0;
  let failures = 0;
  while (size < TARGET_BYTES) {
    const batch: string[] = [];
    for (let i = 0; i < 10_000; i++, lines++) {
      const failure = lines % FAILURE_EVERY === FAILURE_EVERY - 1;
      if (failure) failures++;
      batch.push(failure ? FAILURES[failures % FAILURES.length]! : HEALTHY[lines % HEALTHY.length]!);
    }
    const text = `${batch.join('\n')}\n`;
    size += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { lines, failures };
}

interface ChildResult {
  scanMs: number;
  /** user + system CPU of the whole child, start-up included */
  cpuMs: number;
  maxRssMb: number;
  matchedLines: number;
}

async function child(file: string): Promise<void> {
  const started = performance.now();
  const report = await diagnoseFiles([file], scenarios);
  const scanMs = performance.now() - started;
  const result: ChildResult = {
    scanMs,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    matchedLines: report.matches.reduce((n, m) => n + m.total, 0),
  };
  console.log(JSON.stringify(result));
}

/** grep gets the log signatures' own patterns; JS-only syntax would make it refuse them. */
function grepPatterns(): string[] {
  return scenarios.flatMap((s) => s.signatures).flatMap((sig) => (sig.kind === 'log' ? [sig.pattern.source] : []));
}

const CORPUS = fileURLToPath(new URL('../test/fixtures/diagnose/corpus.yaml', import.meta.url));

/** Recall and false positives over the public corpus, all lines and public lines alone, then per mode and per format. */
export async function benchCorpus(): Promise<string> {
  const groups = await loadCorpus(CORPUS);
  const pct = (a: number, b: number) => (b === 0 ? '–' : `${((a / b) * 100).toFixed(1)} %`);
  const line = (name: string, r: CorpusResult) =>
    `${name.padEnd(26)} recall ${pct(r.found, r.failures).padStart(7)} (${r.found}/${r.failures})   false positives ${r.flagged}/${r.clean} (goal ≥95 % and 0: ${r.found / r.failures >= 0.95 && r.flagged === 0 ? 'ok' : 'MISSED'})`;
  const all = measureCorpus(groups, scenarios);
  const rows = [line('corpus, all lines', all), line('corpus, public lines only', measureCorpus(groups, scenarios, isPublic))];
  const table = (title: string, t: Record<string, [number, number]>) => `${title}: ${Object.entries(t).map(([k, [f, n]]) => `${k} ${f}/${n}`).join(', ')}`;
  rows.push(table('failure lines found per mode', all.byMode), table('per format', all.byFormat));
  for (const m of all.missed) rows.push(`  missed (${m.expected.join('|')}): ${m.line.slice(0, 160)}`);
  for (const f of all.falsePositives) rows.push(`  false positive (${f.got.join(', ')}): ${f.line.slice(0, 160)}`);
  return rows.join('\n');
}

/** The message strings diagnose looks for first: each field log signature's required words, as fixed strings. */
function messageStrings(): string[] {
  const words = Object.values(FIELD_SIGNATURES).flatMap((sigs) => sigs.flatMap((s) => (s.kind === 'log' ? (requiredWords(s.pattern) ?? []) : [])));
  return [...new Set(words)];
}

const STARTUP_RUNS = 5;
const MAX_TRIVIAL_S = 0.4;

interface Timed {
  wallS: number;
  cpuS: number;
}

/**
 * Median wall and CPU (user + system) of a command over `runs` runs after a warm-up command, from
 * bash's `time`.
 */
async function timedRuns(command: string, { runs = STARTUP_RUNS, warmup = command } = {}): Promise<Timed> {
  // the status is the timed command's own (rg exits 1 when nothing matched): only the times count
  const script = `${warmup} >/dev/null 2>&1; TIMEFORMAT='%R %U %S'; for i in $(seq ${runs}); do time (${command} >/dev/null 2>&1); done; true`;
  const { stderr } = await runTool('bash', ['-c', script], { timeoutMs: 600_000 });
  const times = stderr.trim().split('\n').map((l) => l.split(' ').map(Number));
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wallS: median(times.map((t) => t[0]!)), cpuS: median(times.map((t) => t[1]! + t[2]!)) };
}

const BIN = fileURLToPath(new URL('../bin/kong-chaos.js', import.meta.url));
const quoteArg = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;
/** The CLI as a user runs it, for bash. */
const cliCommand = (...args: string[]) => [process.execPath, BIN, ...args].map(quoteArg).join(' ');

/**
 * Start-up: `kong-chaos diagnose` on a one-line file, the whole CLI process as a user runs it
 * (its bundle fresh after the warm-up), beside ripgrep on the same file with the same strings.
 */
export async function benchStartup(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kong-chaos-bench-'));
  try {
    const file = join(dir, 'one-line.log');
    await writeFile(file, `${HEALTHY[0]}\n`);
    const ours = await timedRuns(cliCommand('diagnose', file));
    const version = await timedRuns(cliCommand('--version'));
    const patterns = join(dir, 'strings.txt');
    await writeFile(patterns, `${messageStrings().join('\n')}\n`);
    const rg = await runTool('bash', ['-c', 'command -v rg'], { timeoutMs: 10_000 }).then(
      () => timedRuns(`rg -c -F -f ${quoteArg(patterns)} ${quoteArg(file)}`),
      () => undefined,
    );
    const row = (what: string, t: Timed) => `${what.padEnd(44)} wall ${t.wallS.toFixed(3)} s, CPU ${t.cpuS.toFixed(3)} s`;
    return [
      `start-up, median of ${STARTUP_RUNS} runs (whole process)`,
      `${row('kong-chaos diagnose <one-line file>', ours)}   (goal <${MAX_TRIVIAL_S} s: ${ours.wallS < MAX_TRIVIAL_S ? 'ok' : 'MISSED'})`,
      row('kong-chaos --version', version),
      rg ? row('rg -c -F -f (same strings, same file)', rg) : 'rg -c -F -f: rg not installed (apt-get install ripgrep)',
    ].join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * ripgrep's CPU time (user + system, from bash's `times`) counting lines with any of the same
 * message strings (`rg -c -F -f`); undefined when rg is not installed (Debian: `apt-get install ripgrep`).
 */
async function ripgrep(dir: string, file: string): Promise<{ cpuMs: number; count: string } | undefined> {
  const patterns = join(dir, 'strings.txt');
  await writeFile(patterns, `${messageStrings().join('\n')}\n`);
  const script = 'command -v rg >/dev/null || exit 3; rg -c -F -f "$1" "$2"; times';
  const out = await runTool('bash', ['-c', script, 'bench', patterns, file], { timeoutMs: 600_000 }).catch(() => undefined);
  if (!out) return undefined;
  const [count, , children] = out.stdout.trim().split('\n');
  const seconds = (children ?? '').split(/\s+/).map((t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
  });
  return { cpuMs: (seconds[0]! + seconds[1]!) * 1000, count: count ?? '' };
}

export async function benchDiagnose(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kong-chaos-bench-'));
  try {
    const file = join(dir, 'mixed.log');
    const generated = await generate(file);
    const self = fileURLToPath(import.meta.url);
    const wallStart = performance.now();
    const { stdout } = await runTool(process.execPath, ['--import', 'tsx', self, '--child', file], { timeoutMs: 600_000 });
    const wallMs = performance.now() - wallStart;
    const ours = JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
    const grepStart = performance.now();
    const grep = await runTool('grep', ['-cE', ...grepPatterns().flatMap((p) => ['-e', p]), file], { timeoutMs: 600_000 });
    const grepMs = performance.now() - grepStart;
    const ratio = ours.scanMs / grepMs;
    const cli = await timedRuns(cliCommand('diagnose', file), { runs: 1, warmup: cliCommand('--version') });
    const rg = await ripgrep(dir, file);
    const rgRatio = rg ? (cli.cpuS * 1000) / rg.cpuMs : undefined;
    const rows = [
      ['what', 'time', 'peak RSS', 'matched lines'],
      ['file', `${(TARGET_BYTES / 1024 / 1024).toFixed(0)} MB, ${generated.lines} lines`, '', `${generated.failures} failure lines`],
      ['grep -cE (same patterns, case-sensitive)', `${grepMs.toFixed(0)} ms`, '', grep.stdout.trim()],
      ['diagnose matcher (scan only)', `${ours.scanMs.toFixed(0)} ms`, `${ours.maxRssMb.toFixed(0)} MB`, String(ours.matchedLines)],
      ['diagnose child process (incl. start-up)', `${wallMs.toFixed(0)} ms, CPU ${ours.cpuMs.toFixed(0)} ms`, '', ''],
      ['kong-chaos diagnose (the CLI, whole process)', `${(cli.wallS * 1000).toFixed(0)} ms, CPU ${(cli.cpuS * 1000).toFixed(0)} ms`, '', ''],
      rg
        ? ['rg -c -F -f (same message strings), CPU', `${rg.cpuMs.toFixed(0)} ms`, '', rg.count]
        : ['rg -c -F -f (same message strings)', 'rg not installed (apt-get install ripgrep)', '', ''],
      ['ratio kong-chaos diagnose CPU / rg CPU', rgRatio === undefined ? '–' : `${rgRatio.toFixed(2)}× (goal ≤${MAX_RATIO}×) ${rgRatio <= MAX_RATIO ? 'ok' : 'MISSED'}`, '', ''],
      ['ratio scan / grep', `${ratio.toFixed(2)}× (goal ≤${MAX_RATIO}×) ${ratio <= MAX_RATIO ? 'ok' : 'MISSED'}`, `goal <${MAX_RSS_MB} MB ${ours.maxRssMb < MAX_RSS_MB ? 'ok' : 'MISSED'}`, ''],
    ];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--child');
  if (at !== -1) await child(process.argv[at + 1]!);
  else {
    console.log(await benchCorpus());
    console.log();
    console.log(await benchStartup());
    console.log();
    console.log(await benchDiagnose());
  }
}
