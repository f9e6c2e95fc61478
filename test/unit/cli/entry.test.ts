import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { cli } from '../../support/capture.ts';

const BIN = fileURLToPath(new URL('../../../bin/kong-chaos.js', import.meta.url));

/**
 * The real entry in a child process whose stdout reader has gone before the first write, as
 * `kong-chaos list | head -1` leaves it once head has its line.
 */
function withClosedStdout(...argv: string[]): Promise<{ code: number | null; stderr: string }> {
  return entry(argv, { closeStdout: true });
}

function entry(argv: string[], { closeStdout = false } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (closeStdout) child.stdout.destroy();
    let [stdout, stderr] = ['', ''];
    if (!closeStdout) child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Help and --version go to process.stdout directly (commander), which `cli` does not capture. */
async function stdoutOf(...argv: string[]): Promise<{ code: number; stdout: string }> {
  const { main } = await import('../../../harness/cli/main.ts');
  const out: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await main(argv);
    return { code, stdout: out.join('') };
  } finally {
    process.stdout.write = write;
  }
}

describe('a closed stdout pipe (kong-chaos … | head -1)', function () {
  this.timeout(30_000);

  for (const argv of [['plan', 'gateway-listener-stuck'], ['list'], ['list', '--json']]) {
    it(`${argv.join(' ')} ends quietly with its own exit code`, async () => {
      const r = await withClosedStdout(...argv);
      expect(r.stderr).to.equal('');
      expect(r.code).to.equal(0);
    });
  }

  it('keeps the exit code of a refusal, whose one line still reaches stderr', async () => {
    const r = await withClosedStdout('plan', 'no-such-scenario');
    expect(r.code).to.equal(2);
    expect(r.stderr.split('\n').filter(Boolean)).to.have.length(1);
  });
});

describe('the entry point', function () {
  this.timeout(30_000);

  it('--version prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await entry([flag]);
      expect(r, flag).to.deep.include({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('every --help, the root and each command, ends with an example', async () => {
    const { EXAMPLES } = await import('../../../harness/cli/main.ts');
    const root = await stdoutOf('--help');
    const commands = [...root.stdout.matchAll(/^  (\w+)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).to.include.members(['list', 'plan', 'run', 'matrix', 'gate', 'bisect', 'doctor', 'cleanup', 'replay', 'probe', 'diagnose']);
    expect(Object.keys(EXAMPLES).sort()).to.deep.equal(['', ...commands].sort());
    for (const argv of [['--help'], ...commands.map((c) => [c, '--help'])]) {
      const r = await stdoutOf(...argv);
      expect(r.code, argv.join(' ')).to.equal(0);
      const tail = r.stdout.slice(r.stdout.search(/^Examples?:$/m));
      expect(tail, argv.join(' ')).to.match(/^Examples?:\n(  \$ kong-chaos \S.*\n)+$/);
      if (argv.length === 2) expect(tail, argv.join(' ')).to.include(`$ kong-chaos ${argv[0]} `);
    }
  });

  it('the offline examples work as written', async () => {
    const { EXAMPLES } = await import('../../../harness/cli/main.ts');
    const offline = Object.values(EXAMPLES).flat().filter((e) => /^(list|plan)\b/.test(e) || e.includes('--dry-run') && !e.startsWith('cleanup'));
    expect(offline.length).to.be.greaterThan(5);
    for (const example of [...new Set(offline)]) {
      const r = await cli(...example.split(' '));
      expect(r.code, `${example}: ${r.stderr}`).to.equal(0);
      expect(r.stdout, example).not.to.equal('');
    }
  });
});
