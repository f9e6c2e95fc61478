/**
 * Preflight: can this machine run a scenario? Each check yields one line. Evaluation is pure and
 * separate from probing, so the verdict rules are tested without Docker or busy ports.
 */
import { createServer } from 'node:net';
import { freemem, totalmem } from 'node:os';
import type { ToolPin } from '../targets/versions-types.ts';
import { reachable, type Reachability } from './docker.ts';
import { resolveBinary, toolBinDir } from './exec.ts';
import { readToolVersion, sameVersion, type VersionReading } from './install.ts';

/**
 * One line of the doctor's report. Only a failed check has a severity: an error stops a run, a
 * warning does not (`doctor --json` must never say `"ok": true` and `"severity": "error"` at once).
 */
export type Check = { name: string; ok: true; message: string } | { name: string; ok: false; severity: 'error' | 'warning'; message: string };

export interface DoctorOptions {
  pins: readonly ToolPin[];
  ports: readonly number[];
  minFreeMemoryBytes: number;
  binDir?: string;
}

export type PortProbe = { host: string; free: true } | { host: string; free: false; code: string };

/** Docker publishes kind's host ports on all interfaces, so both loopback and wildcard must be free. */
export const PROBE_HOSTS = ['127.0.0.1', '0.0.0.0'] as const;

function pass(name: string, message: string): Check {
  return { name, ok: true, message };
}

function fail(name: string, severity: 'error' | 'warning', message: string): Check {
  return { name, ok: false, severity, message };
}

export function formatBytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

export function evaluateDocker(reach: Reachability): Check {
  return reach.ok
    ? pass('docker', `Docker reachable (server ${reach.serverVersion})`)
    : fail('docker', 'error', `Docker not reachable: ${reach.reason}`);
}

/** A missing or wrong tool is only a warning: `run --install-tools` puts the pinned one in binDir. */
export function evaluateTool(pin: ToolPin, reading: VersionReading, where: string, binDir: string): Check {
  const name = `tool:${pin.name}`;
  const remedy = `run --install-tools installs ${pin.name} ${pin.version} into ${binDir}`;
  if (!('version' in reading)) return fail(name, 'warning', `${reading.problem}; ${remedy}`);
  if (!sameVersion(reading.version, pin.version)) {
    return fail(name, 'warning', `${pin.name} in ${where} is ${reading.version}, pinned ${pin.version}; ${remedy}`);
  }
  return pass(name, `${pin.name} ${reading.version} (${where})`);
}

/**
 * Below the minimum in total the machine can never run a cluster (error); below it in free memory
 * it may once other programs close (warning).
 */
export function evaluateMemory(mem: { freeBytes: number; totalBytes: number }, minFreeBytes: number): Check {
  const summary = `${formatBytes(mem.freeBytes)} free of ${formatBytes(mem.totalBytes)}, ${formatBytes(minFreeBytes)} needed`;
  if (mem.totalBytes < minFreeBytes) return fail('memory', 'error', `not enough memory: ${summary}`);
  if (mem.freeBytes < minFreeBytes) return fail('memory', 'warning', `low free memory: ${summary}`);
  return pass('memory', summary);
}

export function evaluatePort(port: number, probes: readonly PortProbe[]): Check {
  const name = `port:${port}`;
  const taken = probes.filter((probe): probe is Extract<PortProbe, { free: false }> => !probe.free);
  if (taken.length === 0) return pass(name, `host port ${port} is free`);
  const why = taken.map((probe) => `${probe.host} ${probe.code === 'EADDRINUSE' ? 'in use' : probe.code}`).join(', ');
  return fail(name, 'error', `host port ${port} is not available (${why})`);
}

export function hasErrors(checks: readonly Check[]): boolean {
  return checks.some((check) => !check.ok && check.severity === 'error');
}

export function formatChecks(checks: readonly Check[]): string {
  const width = Math.max(0, ...checks.map((check) => check.name.length));
  return checks
    .map((check) => {
      const status = check.ok ? 'ok  ' : check.severity === 'error' ? 'FAIL' : 'warn';
      return `${status}  ${check.name.padEnd(width)}  ${check.message}`;
    })
    .join('\n');
}

/** Binds and closes at once; the error code says why a port is unusable (in use, privileged). */
export function probePort(port: number, host: string): Promise<PortProbe> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve({ host, free: false, code: error.code ?? error.message }));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve({ host, free: true })));
  });
}

async function checkPort(port: number): Promise<Check> {
  // Sequential: the two binds would collide with each other.
  const probes: PortProbe[] = [];
  for (const host of PROBE_HOSTS) probes.push(await probePort(port, host));
  return evaluatePort(port, probes);
}

async function checkTool(pin: ToolPin, binDir: string): Promise<Check> {
  const binary = resolveBinary(pin.name, binDir);
  const where = binary === pin.name ? 'PATH' : binDir;
  return evaluateTool(pin, await readToolVersion(binary, pin), where, binDir);
}

export async function runDoctor(options: DoctorOptions): Promise<Check[]> {
  const binDir = options.binDir ?? toolBinDir();
  const [docker, tools] = await Promise.all([
    reachable().then(evaluateDocker),
    Promise.all(options.pins.map((pin) => checkTool(pin, binDir))),
  ]);
  const memory = evaluateMemory({ freeBytes: freemem(), totalBytes: totalmem() }, options.minFreeMemoryBytes);
  const ports: Check[] = [];
  for (const port of options.ports) ports.push(await checkPort(port));
  return [docker, ...tools, memory, ...ports];
}
