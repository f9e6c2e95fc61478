import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const FILE_MB = 100;

interface Measured {
  baselineMb: number;
  peakMb: number;
  matches: { failureMode: string; total: number; evidence: { line: number }[] }[];
  lines: number;
}

/**
 * diagnose over a file in a fresh process that samples what it holds (V8 heap plus array
 * buffers, where file chunks live) while it scans. Each sample follows a full collection, so it
 * counts live memory, not garbage waiting for the collector. `reader` picks the code under test.
 */
function measure(file: string, reader: 'diagnose' | 'whole-file'): Promise<Measured> {
  const scan =
    reader === 'diagnose'
      ? `const report = await diagnoseFiles([${JSON.stringify(file)}], scenarios);`
      : `const text = (await import('node:fs')).readFileSync(${JSON.stringify(file)}, 'utf8'); const report = { matches: [], files: [{ count: text.length }] };`;
  const script = `
    import { diagnoseFiles } from './harness/diagnose/diagnose.ts';
    import { scenarios } from './scenarios/index.ts';
    const used = () => { const m = process.memoryUsage(); return (m.heapUsed + m.arrayBuffers) / 1048576; };
    globalThis.gc?.();
    const baselineMb = used();
    let peakMb = baselineMb;
    const timer = setInterval(() => { globalThis.gc?.(); peakMb = Math.max(peakMb, used()); }, 10);
    ${scan}
    clearInterval(timer);
    peakMb = Math.max(peakMb, used());
    console.log(JSON.stringify({ baselineMb, peakMb, matches: report.matches, lines: report.files[0].count }));`;
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Measured) : reject(new Error(`child exited ${code}: ${stderr}`)))),
  );
}

async function writeLog(file: string): Promise<number> {
  const healthy = [
    '{"level":"info","time":"2025-05-19T12:40:01Z","logger":"dataplane-synchronizer","msg":"successfully applied Kong configuration","url":"https://10.244.0.12:8444"}',
    '2025/05/19 12:40:03 [notice] 1281#0: *7 [lua] warmup.lua:114: single_dao(): finished preloading \'plugins\' into the core_cache (in 0ms)',
    '{"level":"error","time":"2025-05-19T12:40:02Z","msg":"failed updating gateway entity","action":"create","kind":"consumer","name":"alice","error":"HTTP status 409"}',
  ].join('\n');
  const failure = '2025/05/19 12:43:10 [notice] 1281#0: *2741 [lua] init.lua:234: upsert(): ERROR: duplicate key value violates unique constraint "plugins_cache_key_key"';
  const block = `${Array.from({ length: 2000 }, () => healthy).join('\n')}\n`;
  const out = createWriteStream(file);
  let written = 0;
  let lines = 0;
  while (written < FILE_MB * 1024 * 1024) {
    if (!out.write(block)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    written += block.length;
    lines += 6000;
  }
  out.write(`${failure}\n`);
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return lines + 1;
}

describe('diagnose streams large files in bounded memory', function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  let lines: number;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'diagnose-stream-'));
    file = join(dir, 'big.log');
    lines = await writeLog(file);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it(`scans a ${FILE_MB} MB log with a small, bounded growth of heap and buffers, and finds the last line`, async () => {
    const m = await measure(file, 'diagnose');
    expect(m.lines).to.equal(lines);
    // Kong logs this line for both failure modes; KIC's action tells them apart, and it is not in this file
    expect(m.matches.map((x) => [x.failureMode, x.total, x.evidence[0]!.line])).to.deep.equal([
      ['plugin-id-drift', 1, lines],
      ['manual-plugin-conflict', 1, lines],
    ]);
    // a chunk, the stream's buffer and one partial line; a reader holding the file needs > 100 MB
    expect(m.peakMb - m.baselineMb, `baseline ${m.baselineMb.toFixed(1)} MB, peak ${m.peakMb.toFixed(1)} MB`).to.be.below(16);
  });

  it('the same measurement sees a reader that loads the whole file (the check can fail)', async () => {
    const m = await measure(file, 'whole-file');
    expect(m.peakMb - m.baselineMb).to.be.above(FILE_MB);
  });
});
