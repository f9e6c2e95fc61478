import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const BIN = fileURLToPath(new URL('../../../bin/kong-chaos.js', import.meta.url));

/**
 * The real entry in a child process whose stdout reader has gone before the first write, as
 * `kong-chaos list | head -1` leaves it once head has its line.
 */
function withClosedStdout(...argv: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
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
