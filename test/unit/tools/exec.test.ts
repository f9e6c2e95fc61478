import { expect } from 'chai';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../../../harness/errors.ts';
import { formatCommand, formatDuration, resolveBinary, runTool, toolBinDir, ToolError } from '../../../harness/tools/exec.ts';

const node = process.execPath;

async function rejection(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ToolError);
    return error as ToolError;
  }
  throw new Error('expected a rejection');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('tools/exec', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kong-chaos-exec-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns stdout and stderr of a successful command', async () => {
    const out = await runTool(node, ['-e', "process.stdout.write('out\\n'); process.stderr.write('err')"], { timeoutMs: 10_000 });
    expect(out).to.deep.equal({ stdout: 'out', stderr: 'err' });
  });

  it('passes input, env and cwd', async () => {
    const script = "process.stdin.pipe(process.stdout); process.stderr.write(process.env.KC_TEST + ' ' + process.cwd())";
    const out = await runTool(node, ['-e', script], { timeoutMs: 10_000, input: 'hello', env: { KC_TEST: 'x' }, cwd: dir });
    expect(out.stdout).to.equal('hello');
    expect(out.stderr).to.equal(`x ${dir}`);
  });

  it('throws a ToolError with exit code, stderr tail and a one-line message', async () => {
    const error = await rejection(runTool(node, ['-e', "process.stderr.write('first\\nboom\\n'); process.exit(3)"], { timeoutMs: 10_000 }));
    expect(error).to.be.instanceOf(EnvironmentError);
    expect(error.exitCode).to.equal(3);
    expect(error.toolExitCode).to.equal(3);
    expect(error.stderrTail).to.equal('first\nboom');
    expect(error.timedOut).to.equal(false);
    expect(error.message).to.match(/^\S*node -e .* failed \(exit 3\): boom$/);
    expect(error.message).not.to.include('\n');
  });

  it('keeps only the last 20 stderr lines', async () => {
    const script = "for (let i = 1; i <= 30; i++) console.error('line ' + i); process.exit(1)";
    const error = await rejection(runTool(node, ['-e', script], { timeoutMs: 10_000 }));
    const lines = error.stderrTail.split('\n');
    expect(lines).to.have.length(20);
    expect(lines[0]).to.equal('line 11');
    expect(lines[19]).to.equal('line 30');
  });

  it('redacts secrets from command, message and stderr', async () => {
    const secret = 's3cr3t-token';
    const script = "process.stderr.write('token ' + process.argv[1] + ' rejected\\n'); process.exit(3)";
    const error = await rejection(runTool(node, ['-e', script, secret], { timeoutMs: 10_000, redact: [secret] }));
    expect(error.toolExitCode).to.equal(3);
    for (const text of [error.message, error.command, error.stderrTail, error.stack ?? '']) expect(text).not.to.include(secret);
    expect(error.command).to.match(/ \*\*\*$/);
    expect(error.message).to.match(/: token \*\*\* rejected$/);
  });

  it('kills the process on timeout and says so', async function () {
    this.timeout(15_000);
    const pidFile = join(dir, 'pid');
    // sh, not node: it has written its pid long before the deadline even on a busy machine
    const script = `echo $$ > '${pidFile}'; exec sleep 60`;
    const started = Date.now();
    const error = await rejection(runTool('sh', ['-c', script], { timeoutMs: 1_000 }));
    expect(Date.now() - started).to.be.below(10_000);
    expect(error.timedOut).to.equal(true);
    expect(error.message).to.match(/timed out after 1s$/);
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(alive(pid), `process ${pid} still alive`).to.equal(false);
  });

  it('kills the process when the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const error = await rejection(runTool(node, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 10_000, signal: controller.signal }));
    expect(error.timedOut).to.equal(false);
    expect(error.message).to.match(/was cancelled$/);
  });

  it('names a missing binary', async () => {
    const error = await rejection(runTool('kong-chaos-no-such-tool', ['version'], { timeoutMs: 5_000 }));
    expect(error.message).to.match(/^kong-chaos-no-such-tool not found on PATH or in /);
    expect(error.toolExitCode).to.equal(undefined);
  });

  it('prefers an executable in the bin dir over PATH', async () => {
    const fake = join(dir, 'faketool');
    await writeFile(fake, '#!/bin/sh\necho from-bin-dir\n');
    await chmod(fake, 0o755);
    expect(resolveBinary('faketool', dir)).to.equal(fake);
    expect(resolveBinary('othertool', dir)).to.equal('othertool');
    expect(resolveBinary('/usr/bin/env', dir)).to.equal('/usr/bin/env');
    const previous = process.env.KONG_CHAOS_BIN_DIR;
    process.env.KONG_CHAOS_BIN_DIR = dir;
    try {
      expect(toolBinDir()).to.equal(dir);
      expect((await runTool('faketool', [], { timeoutMs: 5_000 })).stdout).to.equal('from-bin-dir');
    } finally {
      if (previous === undefined) delete process.env.KONG_CHAOS_BIN_DIR;
      else process.env.KONG_CHAOS_BIN_DIR = previous;
    }
  });

  it('defaults the bin dir to <repo>/.cache/bin', () => {
    expect(toolBinDir({})).to.equal(join(process.cwd(), '.cache', 'bin'));
  });

  it('formats commands and durations', () => {
    expect(formatCommand('helm', ['upgrade', '--install', 'kong', 'a b', "it's"])).to.equal(`helm upgrade --install kong 'a b' 'it'\\''s'`);
    expect(formatCommand('x', ['--password=hunter2'], ['hunter2'])).to.equal('x --password=***');
    expect(formatDuration(300)).to.equal('300ms');
    expect(formatDuration(600_000)).to.equal('600s');
  });
});
