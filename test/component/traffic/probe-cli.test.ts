import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { describeProbe, probe, type ProbeOptions, type ProbeResult } from '../../../harness/cli/probe.ts';
import { UserError } from '../../../harness/errors.ts';
import { MAX_RATE } from '../../../harness/probes/traffic/open-loop.ts';
import { cli, expectOneLineRefusal } from '../../support/capture.ts';
import { startBackend, type Backend } from '../../support/backend.ts';
import { startNginx, type Nginx } from '../../support/nginx.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** A server on loopback that accepts connections and never answers: every request takes a connection of its own. */
async function hangingServer(): Promise<{ url: string; sockets: Socket[]; close(): void }> {
  const server = createServer();
  const sockets: Socket[] = [];
  server.on('connection', (socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    sockets,
    close: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `probe(opts)` in a child process, as `kong-chaos probe` runs it; `whileRunning` may signal it. */
function probeChild(opts: ProbeOptions, whileRunning?: (pid: number) => Promise<void>): Promise<Exit> {
  const script = `import { probe } from './harness/cli/probe.ts'; process.exitCode = await probe(${JSON.stringify(opts)});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  void whileRunning?.(child.pid!);
  return exited;
}

describe('kong-chaos probe (CLI) against nginx', function () {
  this.timeout(40_000);
  let backend: Backend;
  let nginx: Nginx;
  before(async () => {
    backend = await startBackend();
    nginx = await startNginx({ upstreamPort: backend.port });
  });
  after(async () => {
    await nginx?.stop();
    await backend?.close();
  });

  /** Resolves once the child's traffic reaches nginx, not while tsx is still loading; each poll is one connection itself. */
  const trafficFlowing = async (): Promise<void> => {
    for (let last = await nginx.acceptedConnections(); ; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = await nginx.acceptedConnections();
      if (now > last + 1) return;
      last = now;
    }
  };

  it('--json prints the summary and exits 0 after the duration', async () => {
    const exit = await probeChild({ url: `${nginx.url}/echo`, rate: 100, durationS: 1, json: true });
    expect(exit.code, exit.stderr).to.equal(0);
    const result = JSON.parse(exit.stdout) as ProbeResult;
    expect(result).to.include({ targetRate: 100, sent: 100, ok: 100, successRatio: 1, interrupted: false });
    expect(result.achievedRate).to.be.within(98, 102);
    expect(result.latencyMs).to.have.keys(['p50', 'p90', 'p99', 'max']);
    expect(result.latencyMs.p50).to.be.a('number');
    expect(result.timeoutMs, 'the default per-request timeout').to.equal(5_000);
    expect(result.errors).to.deep.equal({});
    expect(result.outages).to.deep.equal([]);
    expect(result.buckets).to.have.length(10);
    expect(result.buckets.every((b) => b.sent === 10 && b.ok === 10)).to.equal(true);
  });

  it('Ctrl-C stops the run, prints the JSON result for what ran and exits 130', async () => {
    const startedAt = Date.now();
    const exit = await probeChild({ url: `${nginx.url}/echo`, rate: 200, durationS: 30, json: true }, async (pid) => {
      await trafficFlowing();
      await new Promise((resolve) => setTimeout(resolve, 500));
      process.kill(pid, 'SIGINT');
    });
    expect(exit.code, exit.stderr).to.equal(130);
    expect(Date.now() - startedAt).to.be.below(15_000);
    const result = JSON.parse(exit.stdout) as ProbeResult;
    expect(result.interrupted).to.equal(true);
    expect(result.sent).to.be.within(50, 3_000);
    expect(result.ok + Object.values(result.errors).reduce((n, c) => n + c, 0), 'every request sent is counted').to.equal(result.sent);
    expect(result.to - result.from).to.be.below(15_000);
  });

  it('SIGTERM at the highest rate it accepts ends it within about a second, result printed', async () => {
    let signalledAt = 0;
    const exit = await probeChild({ url: `${nginx.url}/echo`, rate: MAX_RATE, durationS: 30, json: true }, async (pid) => {
      await trafficFlowing();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      signalledAt = Date.now();
      process.kill(pid, 'SIGTERM');
    });
    const took = Date.now() - signalledAt;
    expect(exit.code, exit.stderr).to.equal(130);
    // about a second on a quiet machine (signal 20 ms, drain 500 ms, result 250 ms); the bound leaves
    // room for a machine shared with other test runs
    expect(took, 'from SIGTERM to exit').to.be.below(3_000);
    expect((JSON.parse(exit.stdout) as ProbeResult).interrupted).to.equal(true);
  });

  it('says when it could not keep up (saturated), with its lag, the stretches and a warning in the text', async () => {
    // on 2 cores shared with nginx and the backend the probe falls behind long before this rate
    const exit = await probeChild({ url: `${nginx.url}/echo`, rate: MAX_RATE, durationS: 3, json: true });
    expect(exit.code, exit.stderr).to.equal(0);
    const result = JSON.parse(exit.stdout) as ProbeResult;
    expect(result.probe.saturated, JSON.stringify(result.probe)).to.equal(true);
    expect(result.probe.windows.length).to.be.at.least(1);
    const text = describeProbe(result).join('\n');
    expect(text).to.match(/SATURATED: the probe could not keep its schedule \(\d\d:\d\d/);
    expect(text).to.match(/probe: schedule lag ms p50 [\d.]+ {2}p99 [\d.]+/);
  });

  it('refuses a rate above what it can send, in one line with exit 2', async () => {
    for (const rate of ['1e9', String(MAX_RATE + 1)]) {
      const line = expectOneLineRefusal(await cli('probe', '--url', 'http://127.0.0.1:9/', '--rate', rate, '--duration', '1'), /more than the probe can send/);
      expect(line).to.include(`at most ${MAX_RATE} requests per second`);
    }
  });

  it('Ctrl-C while the target hangs: requests in flight count as sent and unanswered, and the outage is open to the stop', async () => {
    const hanging = await hangingServer();
    const exit = await probeChild({ url: hanging.url, rate: 50, durationS: 30, json: true }, async (pid) => {
      while (hanging.sockets.length < 20) await new Promise((resolve) => setTimeout(resolve, 50));
      process.kill(pid, 'SIGINT');
    });
    hanging.close();
    expect(exit.code, exit.stderr).to.equal(130);
    const result = JSON.parse(exit.stdout) as ProbeResult;
    expect(result.sent, 'the hanging requests were sent').to.be.at.least(20);
    expect(result.ok).to.equal(0);
    expect(result.errors).to.deep.equal({ unanswered: result.sent });
    expect(result.outages).to.have.length(1);
    expect(result.outages[0]).to.include({ open: true, end: result.to });
    expect(result.outages[0]!.durationMs).to.be.closeTo(result.to - result.outages[0]!.start, 0.001);
    expect(result.latencyMs, 'no latency without a success').to.deep.equal({ p50: null, p90: null, p99: null, max: null });
  });

  it('--timeout sets the per-request deadline, and the result says which one applied', async () => {
    const hanging = await hangingServer();
    const exit = await probeChild({ url: hanging.url, rate: 20, durationS: 1, timeoutS: 0.3, json: false });
    hanging.close();
    expect(exit.code, exit.stderr).to.equal(0);
    expect(exit.stdout).to.match(/sent 20, ok 0 \(0\.00%\)/);
    expect(exit.stdout).to.include('errors: timeout 20');
    expect(exit.stdout).to.include('per-request timeout 0.3 s');
    expect(exit.stdout).to.include('latency: no value (no request succeeded)');
    expect(exit.stderr).to.include('per-request timeout 0.3 s;');
    expectOneLineRefusal(await cli('probe', '--url', hanging.url, '--timeout', '0'), /option '--timeout <s>' argument '0' is invalid/);
  });

  it('without --json prints a readable summary with the outages', async () => {
    const exit = await probeChild({ url: `${nginx.url}/status/503`, rate: 50, durationS: 1, json: false });
    expect(exit.code, exit.stderr).to.equal(0);
    expect(exit.stdout).to.match(/sent 50, ok 0 \(0\.00%\)/);
    expect(exit.stdout).to.include('errors: http-503 50');
    expect(exit.stdout).to.include('latency: no value (no request succeeded)');
    expect(exit.stdout).not.to.include('latency ms (ok requests');
    expect(exit.stdout).to.match(/outages: 1\n .* \d+ ms {2}http-503 50/);
  });

  it('refuses bad input as a user error before sending anything', async () => {
    for (const bad of [{ url: 'ftp://x' }, { url: 'not a url' }, { rate: 0 }, { durationS: -1 }]) {
      const err = await probe({ url: 'http://127.0.0.1/', rate: 10, durationS: 1, json: true, ...bad }).catch((e: unknown) => e);
      expect(err, JSON.stringify(bad)).to.be.instanceOf(UserError);
    }
  });
});
