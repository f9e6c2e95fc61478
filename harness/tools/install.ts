/**
 * Installs pinned CLI tools into the bin dir (.cache/bin): download, verify sha256, extract, and
 * move into place atomically, so a half-written or unverified binary is never on the lookup path.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { EnvironmentError, oneLine } from '../errors.ts';
import { timeout } from '../timeouts.ts';
import { binaryOf } from '../targets/tool-pins.ts';
import type { ToolPin } from '../targets/versions-types.ts';
import { formatDuration, runTool } from './exec.ts';

export interface Platform {
  os: 'linux' | 'darwin';
  arch: 'amd64' | 'arm64';
}

export interface EnsureToolOptions {
  binDir: string;
  platform?: Platform;
  fetchImpl?: typeof fetch;
  onProgress?: (message: string) => void;
}

export type VersionReading = { version: string } | { problem: string };

export function hostPlatform(platform: string = process.platform, arch: string = process.arch): Platform {
  const os = platform === 'linux' || platform === 'darwin' ? platform : undefined;
  const goArch = arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
  if (os === undefined || goArch === undefined) {
    throw new EnvironmentError(`no pinned tool downloads for ${platform}/${arch}; install kind, kubectl and helm yourself`);
  }
  return { os, arch: goArch };
}

export function expandPlatform(template: string, p: Platform, version = ''): string {
  return template.replaceAll('{os}', p.os).replaceAll('{arch}', p.arch).replaceAll('{version}', version);
}

/** Checksum files are `<hex>` or `<hex>  <filename>`; the first 64-hex word is the digest. */
export function parseSha256File(text: string): string | undefined {
  return /\b[0-9a-f]{64}\b/i.exec(text)?.[0]?.toLowerCase();
}

/** Tools disagree on a leading `v` (kind v0.30.0, helm v3.19.0, pins written as 0.30.0). */
export function sameVersion(a: string, b: string): boolean {
  return a.replace(/^v/, '') === b.replace(/^v/, '');
}

export function parseVersionOutput(output: string, pin: ToolPin): string | undefined {
  return new RegExp(pin.versionPattern).exec(output)?.[1];
}

/** Runs the tool's version command; any failure is a reading, not an exception (doctor reports it). */
export async function readToolVersion(binary: string, pin: ToolPin): Promise<VersionReading> {
  try {
    const { stdout, stderr } = await runTool(binary, pin.versionArgs, { timeoutMs: timeout('toolQuick') });
    const version = parseVersionOutput(`${stdout}\n${stderr}`, pin);
    return version === undefined ? { problem: `${pin.name} printed no version matching /${pin.versionPattern}/` } : { version };
  } catch (error) {
    if (error instanceof EnvironmentError) return { problem: oneLine(error) };
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

async function request(fetchImpl: typeof fetch, url: string): Promise<Response> {
  const deadline = timeout('download');
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(deadline), redirect: 'follow' });
  } catch (error) {
    throw downloadError(url, error, deadline);
  }
  if (!response.ok) throw new EnvironmentError(`download of ${url} failed: HTTP ${response.status}`);
  return response;
}

function downloadError(url: string, error: unknown, deadline: number): EnvironmentError {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new EnvironmentError(`download of ${url} timed out after ${formatDuration(deadline)}`);
  }
  // undici reports "fetch failed" and keeps the useful reason (ECONNREFUSED, DNS) in `cause`.
  const cause = error instanceof Error && error.cause !== undefined ? `: ${oneLine(error.cause)}` : '';
  return new EnvironmentError(`download of ${url} failed: ${oneLine(error)}${cause}`);
}

async function expectedDigest(pin: ToolPin, p: Platform, fetchImpl: typeof fetch): Promise<string> {
  const inline = pin.sha256?.[`${p.os}-${p.arch}`];
  if (inline !== undefined) return inline.toLowerCase();
  if (pin.sha256Url === undefined) {
    throw new EnvironmentError(`${pin.name} ${pin.version} has no checksum pinned for ${p.os}-${p.arch}; refusing to install an unverified binary`);
  }
  const url = expandPlatform(pin.sha256Url, p, pin.version);
  const digest = parseSha256File(await (await request(fetchImpl, url)).text());
  if (digest === undefined) throw new EnvironmentError(`checksum file ${url} holds no sha256 digest`);
  return digest;
}

/** Streams the body to `dest` and returns its sha256, so large tools are never held in memory. */
export async function download(fetchImpl: typeof fetch, url: string, dest: string): Promise<string> {
  const response = await request(fetchImpl, url);
  if (response.body === null) throw new EnvironmentError(`download of ${url} returned no body`);
  const hash = createHash('sha256');
  try {
    await pipeline(
      response.body,
      async function* (chunks: AsyncIterable<Uint8Array>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(dest, { mode: 0o600 }),
    );
  } catch (error) {
    throw downloadError(url, error, timeout('download'));
  }
  return hash.digest('hex');
}

/**
 * Returns the path of `<binDir>/<binary>` at the pinned version, downloading it when absent or at
 * another version. Throws a one-line EnvironmentError on a failed download or a checksum mismatch.
 */
export async function ensureTool(pin: ToolPin, options: EnsureToolOptions): Promise<string> {
  const { binDir, fetchImpl = fetch, onProgress = () => {} } = options;
  const target = join(binDir, binaryOf(pin));

  if (await exists(target)) {
    const reading = await readToolVersion(target, pin);
    if ('version' in reading && sameVersion(reading.version, pin.version)) return target;
    onProgress(`${binaryOf(pin)} in ${binDir} is not ${pin.version} (${'version' in reading ? reading.version : reading.problem}); replacing it`);
  }

  const p = options.platform ?? hostPlatform();
  const url = expandPlatform(pin.url, p, pin.version);
  await mkdir(binDir, { recursive: true });
  // Staging inside binDir keeps the final rename on one filesystem, hence atomic.
  const staging = await mkdtemp(join(binDir, `.${binaryOf(pin)}-`));
  try {
    const expected = await expectedDigest(pin, p, fetchImpl);
    onProgress(`downloading ${pin.name} ${pin.version} (${p.os}-${p.arch}) from ${url}`);
    const downloaded = join(staging, 'download');
    const actual = await download(fetchImpl, url, downloaded);
    if (actual !== expected) {
      throw new EnvironmentError(`checksum mismatch for ${pin.name} ${pin.version} from ${url}: expected sha256 ${expected}, got ${actual}`);
    }

    let binary = downloaded;
    if (pin.archivePath !== undefined) {
      const inner = expandPlatform(pin.archivePath, p, pin.version);
      const extracted = join(staging, 'extracted');
      await mkdir(extracted);
      await runTool('tar', ['-xzf', downloaded, '-C', extracted, inner], { timeoutMs: timeout('toolQuick') });
      binary = join(extracted, inner);
    }
    await chmod(binary, 0o755);

    // A pin whose URL and version disagree would otherwise be re-downloaded on every run.
    const reading = await readToolVersion(binary, pin);
    if (!('version' in reading) || !sameVersion(reading.version, pin.version)) {
      const got = 'version' in reading ? `reports ${reading.version}` : reading.problem;
      throw new EnvironmentError(`downloaded ${pin.name} from ${url} ${got}, but ${pin.version} is pinned`);
    }

    await rename(binary, target);
    onProgress(`installed ${binaryOf(pin)} ${pin.version} into ${target}`);
    return target;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
