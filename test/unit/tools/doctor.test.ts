import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import type { ToolPin } from '../../../harness/targets/versions-types.ts';
import {
  evaluateDocker, evaluateMemory, evaluatePort, evaluateTool, formatChecks, hasErrors, probePort, runDoctor, type Check,
} from '../../../harness/tools/doctor.ts';

const GiB = 2 ** 30;
const kindPin: ToolPin = {
  name: 'kind', version: '0.30.0', url: 'https://example.invalid/kind-{os}-{arch}', versionArgs: ['version'], versionPattern: 'kind v(\\S+)',
};

describe('tools/doctor', () => {
  it('reports Docker with its server version or the reason', () => {
    expect(evaluateDocker({ ok: true, serverVersion: '27.3.1' })).to.deep.include({ ok: true, message: 'Docker reachable (server 27.3.1)' });
    expect(evaluateDocker({ ok: false, reason: 'docker not found on PATH' })).to.deep.equal({
      name: 'docker', ok: false, severity: 'error', message: 'Docker not reachable: docker not found on PATH',
    });
  });

  it('treats a missing or wrong tool as a warning with the remedy', () => {
    expect(evaluateTool(kindPin, { version: 'v0.30.0' }, 'PATH', '/c/bin')).to.deep.include({ ok: true, message: 'kind v0.30.0 (PATH)' });
    const wrong = evaluateTool(kindPin, { version: '0.29.0' }, 'PATH', '/c/bin');
    expect(wrong).to.deep.include({ ok: false, severity: 'warning' });
    expect(wrong.message).to.equal('kind in PATH is 0.29.0, pinned 0.30.0; run --install-tools installs kind 0.30.0 into /c/bin');
    const missing = evaluateTool(kindPin, { problem: 'kind not found on PATH or in /c/bin' }, 'PATH', '/c/bin');
    expect(missing).to.deep.include({ ok: false, severity: 'warning' });
    expect(missing.message).to.match(/^kind not found on PATH or in \/c\/bin; run --install-tools installs kind 0\.30\.0/);
  });

  it('judges memory: enough, low free (warning), too little in total (error)', () => {
    // a passing check carries no severity: "ok" and "error" together would contradict each other
    expect(evaluateMemory({ freeBytes: 8 * GiB, totalBytes: 16 * GiB }, 4 * GiB)).to.deep.equal({
      name: 'memory', ok: true, message: '8.0 GiB free of 16.0 GiB, 4.0 GiB needed',
    });
    expect(evaluateMemory({ freeBytes: 2 * GiB, totalBytes: 16 * GiB }, 4 * GiB)).to.deep.include({ ok: false, severity: 'warning' });
    expect(evaluateMemory({ freeBytes: 1 * GiB, totalBytes: 2 * GiB }, 4 * GiB)).to.deep.include({
      ok: false, severity: 'error', message: 'not enough memory: 1.0 GiB free of 2.0 GiB, 4.0 GiB needed',
    });
  });

  it('judges a port from its probes', () => {
    expect(evaluatePort(80, [{ host: '127.0.0.1', free: true }, { host: '0.0.0.0', free: true }])).to.deep.include({ ok: true });
    expect(evaluatePort(80, [{ host: '127.0.0.1', free: false, code: 'EADDRINUSE' }, { host: '0.0.0.0', free: false, code: 'EACCES' }])).to.deep.equal({
      name: 'port:80', ok: false, severity: 'error', message: 'host port 80 is not available (127.0.0.1 in use, 0.0.0.0 EACCES)',
    });
  });

  it('formats checks one per line and tells errors from warnings', () => {
    const checks: Check[] = [
      { name: 'docker', ok: true, message: 'Docker reachable (server 27.3.1)' },
      { name: 'tool:kind', ok: false, severity: 'warning', message: 'kind missing' },
      { name: 'port:80', ok: false, severity: 'error', message: 'busy' },
    ];
    expect(formatChecks(checks)).to.equal([
      'ok    docker     Docker reachable (server 27.3.1)',
      'warn  tool:kind  kind missing',
      'FAIL  port:80    busy',
    ].join('\n'));
    expect(hasErrors(checks)).to.equal(true);
    expect(hasErrors(checks.slice(0, 2))).to.equal(false);
  });

  describe('with a port held by a listening server', () => {
    let server: Server;
    let port: number;
    before(async () => {
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    after(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('probes it as busy', async () => {
      expect(await probePort(port, '127.0.0.1')).to.deep.equal({ host: '127.0.0.1', free: false, code: 'EADDRINUSE' });
    });

    it('reports it in runDoctor, next to docker, tools and memory', async function () {
      this.timeout(60_000);
      const checks = await runDoctor({ pins: [kindPin], ports: [port], minFreeMemoryBytes: 1, binDir: '/nonexistent/kong-chaos-bin' });
      expect(checks.map((check) => check.name)).to.deep.equal(['docker', 'tool:kind', 'memory', `port:${port}`]);
      const portCheck = checks.find((check) => check.name === `port:${port}`);
      expect(portCheck).to.deep.include({ ok: false, severity: 'error' });
      expect(portCheck?.message).to.include('127.0.0.1 in use');
      expect(checks.find((check) => check.name === 'memory')).to.deep.include({ ok: true });
      for (const check of checks) expect('severity' in check, check.name).to.equal(!check.ok);
    });
  });

  it('probes a closed port as free', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    expect(await probePort(port, '127.0.0.1')).to.deep.equal({ host: '127.0.0.1', free: true });
  });
});
