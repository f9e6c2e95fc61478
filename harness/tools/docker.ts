/** docker: reachability for doctor, container faults (kill/stop/start), label-based leak discovery, and host images for kind. */
import { EnvironmentError, oneLine } from '../errors.ts';
import { timeout } from '../timeouts.ts';
import { runTool, ToolError, type CallOptions } from './exec.ts';

const DOCKER = 'docker';

export type Reachability = { ok: true; serverVersion: string } | { ok: false; reason: string };

export interface LabelledResource {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** undefined when docker printed a date this parser does not know */
  createdAt: Date | undefined;
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  State: { Status: string; Running: boolean; Pid: number };
  Config: { Labels: Record<string, string> | null };
  [key: string]: unknown;
}

export function reachableArgs(): string[] {
  return ['version', '--format', '{{.Server.Version}}'];
}

export function containerArgs(action: 'kill' | 'stop' | 'start', container: string): string[] {
  return [action, container];
}

/** A command inside a running container, e.g. a kind node. */
export function execArgs(container: string, command: readonly string[]): string[] {
  return ['exec', container, ...command];
}

export function inspectArgs(container: string): string[] {
  return ['inspect', '--type', 'container', container];
}

/** `{{json .}}` gives one JSON object per line, stable across docker versions unlike table output. */
export function listContainersArgs(filter: { label: string }): string[] {
  return ['ps', '--all', '--no-trunc', '--filter', `label=${filter.label}`, '--format', '{{json .}}'];
}

export function listNetworksArgs(filter: { label: string }): string[] {
  return ['network', 'ls', '--no-trunc', '--filter', `label=${filter.label}`, '--format', '{{json .}}'];
}

/** docker prints labels as `k=v,k2=v2`; label values with commas are not representable there. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(',')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq === -1) labels[pair] = '';
    else labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

/** docker's Go time format, e.g. `2025-01-02 10:00:00.123456789 +0100 CET`. */
export function parseDockerTime(text: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)? ([+-]\d{2})(\d{2})/.exec(text);
  if (m === null) return undefined;
  const fraction = m[3] === undefined ? '' : m[3].slice(0, 4);
  const date = new Date(`${m[1]}T${m[2]}${fraction}${m[4]}:${m[5]}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Parses `--format '{{json .}}'` lines from `docker ps` (Names) or `docker network ls` (Name). */
export function parseResourceLines(stdout: string): LabelledResource[] {
  return stdout.split('\n').filter((line) => line.trim() !== '').map((line) => {
    const row = JSON.parse(line) as { ID?: string; Names?: string; Name?: string; Labels?: string; CreatedAt?: string };
    return {
      id: row.ID ?? '',
      name: (row.Names ?? row.Name ?? '').split(',')[0] ?? '',
      labels: parseLabels(row.Labels ?? ''),
      createdAt: parseDockerTime(row.CreatedAt ?? ''),
    };
  });
}

/** Never throws for an absent or stopped Docker: doctor and e2e gating turn the reason into a message. */
export async function reachable(call: CallOptions = {}): Promise<Reachability> {
  try {
    const { stdout } = await runTool(DOCKER, reachableArgs(), { timeoutMs: timeout('toolQuick'), ...call });
    return { ok: true, serverVersion: stdout.trim() };
  } catch (error) {
    // docker's own last line ("Cannot connect to the Docker daemon …") reads better than our command line.
    if (error instanceof ToolError) return { ok: false, reason: error.stderrTail.split('\n').at(-1) || oneLine(error) };
    throw error;
  }
}

export async function kill(container: string, call: CallOptions = {}): Promise<void> {
  await runTool(DOCKER, containerArgs('kill', container), { timeoutMs: timeout('toolQuick'), ...call });
}

export async function stop(container: string, call: CallOptions = {}): Promise<void> {
  await runTool(DOCKER, containerArgs('stop', container), { timeoutMs: timeout('toolQuick'), ...call });
}

export async function start(container: string, call: CallOptions = {}): Promise<void> {
  await runTool(DOCKER, containerArgs('start', container), { timeoutMs: timeout('toolQuick'), ...call });
}

export function imageInspectArgs(image: string): string[] {
  return ['image', 'inspect', '--format', '{{.Id}}', image];
}

export function pullArgs(image: string): string[] {
  return ['pull', image];
}

/** Whether the host already has the image: `docker image inspect` exits non-zero for a missing one. */
export async function hasImage(image: string, call: CallOptions = {}): Promise<boolean> {
  try {
    await runTool(DOCKER, imageInspectArgs(image), { timeoutMs: timeout('toolQuick'), ...call });
    return true;
  } catch (error) {
    if (error instanceof ToolError && error.toolExitCode !== undefined) return false;
    throw error;
  }
}

export async function pull(image: string, call: CallOptions = {}): Promise<void> {
  await runTool(DOCKER, pullArgs(image), { timeoutMs: timeout('download'), ...call });
}

export function removeArgs(kind: 'container' | 'network', name: string): string[] {
  return kind === 'container' ? ['rm', '--force', '--volumes', name] : ['network', 'rm', name];
}

/** Removes a container (running or not) or a network by id or name. */
export async function remove(kind: 'container' | 'network', name: string, call: CallOptions = {}): Promise<void> {
  await runTool(DOCKER, removeArgs(kind, name), { timeoutMs: timeout('toolQuick'), ...call });
}

export async function inspect(container: string, call: CallOptions = {}): Promise<ContainerInspect> {
  const { stdout } = await runTool(DOCKER, inspectArgs(container), { timeoutMs: timeout('toolQuick'), ...call });
  const [first] = JSON.parse(stdout) as ContainerInspect[];
  if (first === undefined) throw new EnvironmentError(`docker inspect ${container} returned nothing`);
  return first;
}

export async function exec(container: string, command: readonly string[], call: CallOptions = {}): Promise<string> {
  const { stdout } = await runTool(DOCKER, execArgs(container, command), { timeoutMs: timeout('toolQuick'), ...call });
  return stdout;
}

export async function listContainers(filter: { label: string }, call: CallOptions = {}): Promise<LabelledResource[]> {
  const { stdout } = await runTool(DOCKER, listContainersArgs(filter), { timeoutMs: timeout('toolQuick'), ...call });
  return parseResourceLines(stdout);
}

export async function listNetworks(filter: { label: string }, call: CallOptions = {}): Promise<LabelledResource[]> {
  const { stdout } = await runTool(DOCKER, listNetworksArgs(filter), { timeoutMs: timeout('toolQuick'), ...call });
  return parseResourceLines(stdout);
}

export async function version(call: CallOptions = {}): Promise<string> {
  const { stdout } = await runTool(DOCKER, ['version', '--format', '{{.Client.Version}}'], { timeoutMs: timeout('toolQuick'), ...call });
  return stdout.trim();
}
