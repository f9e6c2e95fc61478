import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../../../harness/errors.ts';
import { kindPinFor } from '../../../harness/targets/tool-pins.ts';
import type { ToolPin, Versions } from '../../../harness/targets/versions-types.ts';
import { runTool } from '../../../harness/tools/exec.ts';
import { ensureTool, type Platform } from '../../../harness/tools/install.ts';
import { startFileServer, type FileServer } from '../../support/http-file-server.ts';

const platform: Platform = { os: 'linux', arch: 'amd64' };
const fakeKind = '#!/bin/sh\necho "kind v0.30.0 go1.24 linux/amd64"\n';
const fakeKind32 = '#!/bin/sh\necho "kind v0.32.0 go1.25 linux/amd64"\n';
const sha256 = (body: string | Buffer): string => createHash('sha256').update(body).digest('hex');

async function expectRejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('tools/install against a local HTTP server', function () {
  this.timeout(30_000);
  let server: FileServer;
  let work: string;
  let binDir: string;
  let helmTarball: Buffer;

  const kindPin = (): ToolPin => ({
    name: 'kind',
    version: '0.30.0',
    url: `${server.url}/kind/v0.30.0/kind-{os}-{arch}`,
    sha256Url: `${server.url}/kind/v0.30.0/kind-{os}-{arch}.sha256sum`,
    versionArgs: ['version'],
    versionPattern: 'kind v(\\S+)',
  });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'kong-chaos-install-'));
    // A real tarball laid out like helm's: <os>-<arch>/helm.
    const staging = join(work, 'tarball', 'linux-amd64');
    await mkdir(staging, { recursive: true });
    await writeFile(join(staging, 'helm'), '#!/bin/sh\necho "v3.19.0+g3d8990f"\n', { mode: 0o755 });
    await writeFile(join(staging, 'LICENSE'), 'license\n');
    await runTool('tar', ['-czf', join(work, 'helm.tar.gz'), '-C', join(work, 'tarball'), 'linux-amd64'], { timeoutMs: 10_000 });
    helmTarball = await readFile(join(work, 'helm.tar.gz'));

    server = await startFileServer({
      '/kind/v0.30.0/kind-linux-amd64': fakeKind,
      '/kind/v0.30.0/kind-linux-amd64.sha256sum': `${sha256(fakeKind)}  kind-linux-amd64\n`,
      '/helm/helm-v3.19.0-linux-amd64.tar.gz': helmTarball,
      '/kind/v0.32.0/kind-linux-amd64': fakeKind32,
      '/kind/v0.32.0/kind-linux-amd64.sha256sum': `${sha256(fakeKind32)}  kind-linux-amd64\n`,
    });
  });

  after(async () => {
    await server.close();
    await rm(work, { recursive: true, force: true });
  });

  beforeEach(async () => {
    binDir = await mkdtemp(join(work, 'bin-'));
    server.requests.length = 0;
  });

  it('installs a fresh binary that runs, then does not download it again', async () => {
    const progress: string[] = [];
    const path = await ensureTool(kindPin(), { binDir, platform, onProgress: (m) => progress.push(m) });
    expect(path).to.equal(join(binDir, 'kind'));
    expect((await runTool(path, ['version'], { timeoutMs: 5_000 })).stdout).to.equal('kind v0.30.0 go1.24 linux/amd64');
    expect(server.requests).to.deep.equal(['/kind/v0.30.0/kind-linux-amd64.sha256sum', '/kind/v0.30.0/kind-linux-amd64']);
    expect(progress[0]).to.match(/^downloading kind 0\.30\.0 \(linux-amd64\) from http:/);
    expect(progress.at(-1)).to.equal(`installed kind 0.30.0 into ${path}`);
    expect(await readdir(binDir)).to.deep.equal(['kind']);

    expect(await ensureTool(kindPin(), { binDir, platform })).to.equal(path);
    expect(server.requests).to.have.length(2);
  });

  it('installs the kind release a node image needs beside the pinned kind, from the same {version} URLs, each checked', async () => {
    const pinned: ToolPin = { ...kindPin(), version: 'v0.30.0', url: `${server.url}/kind/{version}/kind-{os}-{arch}`, sha256Url: `${server.url}/kind/{version}/kind-{os}-{arch}.sha256sum`, versionPattern: 'kind (v\\S+)' };
    const versions = { tools: { kind: pinned } } as unknown as Versions;
    const image = { k8s: '1.36', image: 'kindest/node:v1.36.1', digest: `sha256:${'0'.repeat(64)}`, kind: 'v0.32.0' };

    const first = await ensureTool(kindPinFor(versions, { ...image, kind: 'v0.30.0' }), { binDir, platform });
    const second = await ensureTool(kindPinFor(versions, image), { binDir, platform });

    expect([first, second]).to.deep.equal([join(binDir, 'kind'), join(binDir, 'kind-v0.32.0')]);
    expect((await readdir(binDir)).sort()).to.deep.equal(['kind', 'kind-v0.32.0']);
    expect((await runTool(second, ['version'], { timeoutMs: 5_000 })).stdout).to.equal('kind v0.32.0 go1.25 linux/amd64');
    expect((await runTool(first, ['version'], { timeoutMs: 5_000 })).stdout).to.equal('kind v0.30.0 go1.24 linux/amd64');
    expect(server.requests).to.deep.equal([
      '/kind/v0.30.0/kind-linux-amd64.sha256sum',
      '/kind/v0.30.0/kind-linux-amd64',
      '/kind/v0.32.0/kind-linux-amd64.sha256sum',
      '/kind/v0.32.0/kind-linux-amd64',
    ]);
    // a second run finds both in place and downloads nothing
    server.requests.length = 0;
    await ensureTool(kindPinFor(versions, image), { binDir, platform });
    expect(server.requests).to.deep.equal([]);
  });

  it('refuses a checksum mismatch and leaves nothing behind', async () => {
    const wrong = 'f'.repeat(64);
    const pin = { ...kindPin(), sha256: { 'linux-amd64': wrong } };
    const error = await expectRejection(ensureTool(pin, { binDir, platform }));
    expect(error).to.be.instanceOf(EnvironmentError);
    expect(error.message).to.equal(
      `checksum mismatch for kind 0.30.0 from ${server.url}/kind/v0.30.0/kind-linux-amd64: expected sha256 ${wrong}, got ${sha256(fakeKind)}`,
    );
    expect(await readdir(binDir)).to.deep.equal([]);
  });

  it('refuses a mismatch against the published checksum file too', async () => {
    server.files.set('/kind/v0.30.0/kind-linux-amd64.sha256sum', `${'0'.repeat(64)}  kind-linux-amd64\n`);
    try {
      const error = await expectRejection(ensureTool(kindPin(), { binDir, platform }));
      expect(error.message).to.match(/^checksum mismatch for kind 0\.30\.0 .*: expected sha256 0{64}, got [0-9a-f]{64}$/);
      expect(await readdir(binDir)).to.deep.equal([]);
    } finally {
      server.files.set('/kind/v0.30.0/kind-linux-amd64.sha256sum', `${sha256(fakeKind)}  kind-linux-amd64\n`);
    }
  });

  it('replaces an installed binary of another version', async () => {
    await writeFile(join(binDir, 'kind'), '#!/bin/sh\necho "kind v0.29.0 go1.24 linux/amd64"\n');
    await chmod(join(binDir, 'kind'), 0o755);
    const progress: string[] = [];
    const path = await ensureTool(kindPin(), { binDir, platform, onProgress: (m) => progress.push(m) });
    expect((await runTool(path, ['version'], { timeoutMs: 5_000 })).stdout).to.include('v0.30.0');
    expect(progress[0]).to.equal(`kind in ${binDir} is not 0.30.0 (0.29.0); replacing it`);
    expect(server.requests).to.have.length(2);
  });

  it('extracts the binary from a .tar.gz', async () => {
    const pin: ToolPin = {
      name: 'helm',
      version: '3.19.0',
      url: `${server.url}/helm/helm-v3.19.0-{os}-{arch}.tar.gz`,
      sha256: { 'linux-amd64': sha256(helmTarball) },
      archivePath: '{os}-{arch}/helm',
      versionArgs: ['version', '--short'],
      versionPattern: '^v(\\d+\\.\\d+\\.\\d+)',
    };
    const path = await ensureTool(pin, { binDir, platform });
    expect((await runTool(path, ['version', '--short'], { timeoutMs: 5_000 })).stdout).to.equal('v3.19.0+g3d8990f');
    expect(await readdir(binDir)).to.deep.equal(['helm']);
    expect(server.requests).to.deep.equal(['/helm/helm-v3.19.0-linux-amd64.tar.gz']);
  });

  it('names the URL and status of a failed download', async () => {
    const pin = { ...kindPin(), version: '9.9.9', url: `${server.url}/kind/v9.9.9/kind-{os}-{arch}`, sha256: { 'linux-amd64': sha256(fakeKind) } };
    const error = await expectRejection(ensureTool(pin, { binDir, platform }));
    expect(error.message).to.equal(`download of ${server.url}/kind/v9.9.9/kind-linux-amd64 failed: HTTP 404`);
    expect(await readdir(binDir)).to.deep.equal([]);
  });

  it('refuses a download whose version disagrees with the pin', async () => {
    const pin = { ...kindPin(), version: '0.31.0' };
    const error = await expectRejection(ensureTool(pin, { binDir, platform }));
    expect(error.message).to.match(/^downloaded kind from .* reports 0\.30\.0, but 0\.31\.0 is pinned$/);
    expect(await readdir(binDir)).to.deep.equal([]);
  });

  it('reports an unreachable server with the underlying reason', async () => {
    const closed = await startFileServer();
    await closed.close();
    const pin = { ...kindPin(), url: `${closed.url}/kind`, sha256: { 'linux-amd64': sha256(fakeKind) } };
    const error = await expectRejection(ensureTool(pin, { binDir, platform }));
    expect(error.message).to.equal(`download of ${closed.url}/kind failed: fetch failed: connect ECONNREFUSED ${closed.url.slice('http://'.length)}`);
    expect(await readdir(binDir)).to.deep.equal([]);
  });
  it('gives up on a stalled download at the download deadline', async () => {
    // Sends headers and half a body, then stalls.
    const stalled = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('#!/bin/sh\n');
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}/kind`;
    process.env.KONG_CHAOS_TIMEOUT_DOWNLOAD = '300';
    try {
      const pin = { ...kindPin(), url, sha256: { 'linux-amd64': sha256(fakeKind) } };
      const error = await expectRejection(ensureTool(pin, { binDir, platform }));
      expect(error.message).to.equal(`download of ${url} timed out after 300ms`);
      expect(await readdir(binDir)).to.deep.equal([]);
    } finally {
      delete process.env.KONG_CHAOS_TIMEOUT_DOWNLOAD;
      stalled.closeAllConnections();
      stalled.close();
    }
  });
});
