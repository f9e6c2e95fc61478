/**
 * kubectl for the few things the client-node wrapper in k8s/ does not cover: applying remote
 * manifests as published (Gateway API CRDs), human-readable describe output, node deletion, and
 * a command run in a container (a fault that stops a process in place).
 * The kubeconfig and context are always explicit so the user's current context is never used by accident.
 */
import { EnvironmentError } from '../errors.ts';
import { timeout } from '../timeouts.ts';
import { runTool, ToolError, type CallOptions, type ClusterAccess } from './exec.ts';

const KUBECTL = 'kubectl';
const FIELD_MANAGER = 'kong-chaos';

export interface EventList {
  items: unknown[];
}

function clusterArgs(c: ClusterAccess): string[] {
  return ['--kubeconfig', c.kubeconfigPath, ...(c.context === undefined ? [] : ['--context', c.context])];
}

/** Server-side apply: CRD bundles exceed the annotation size limit of client-side apply. */
export function applyUrlArgs(url: string, cluster: ClusterAccess): string[] {
  return ['apply', '--server-side', '--field-manager', FIELD_MANAGER, '--filename', url, ...clusterArgs(cluster)];
}

/** `all` covers pods, services, deployments, replicasets, statefulsets, daemonsets and jobs: what diagnostics need. */
export function describeNamespaceArgs(namespace: string, cluster: ClusterAccess): string[] {
  return ['describe', 'all', '--namespace', namespace, ...clusterArgs(cluster)];
}

export function getEventsArgs(namespace: string, cluster: ClusterAccess): string[] {
  return ['get', 'events', '--namespace', namespace, '--output', 'json', ...clusterArgs(cluster)];
}

export function deleteNodeArgs(name: string, cluster: ClusterAccess): string[] {
  return ['delete', 'node', name, ...clusterArgs(cluster)];
}

/** `kubectl exec` without a TTY or stdin: the command's output is all that comes back. */
export function execArgs(target: { namespace: string; pod: string; container: string }, command: readonly string[], cluster: ClusterAccess): string[] {
  return ['exec', '--namespace', target.namespace, target.pod, '--container', target.container, ...clusterArgs(cluster), '--', ...command];
}

export function parseEventList(stdout: string): EventList {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new EnvironmentError('kubectl get events returned output that is not JSON');
  }
  const items = (parsed as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) throw new EnvironmentError('kubectl get events returned JSON without an items list');
  return { items };
}

/** Fetching the manifest is part of the call, hence the download deadline. */
export async function applyUrl(url: string, cluster: ClusterAccess, call: CallOptions = {}): Promise<void> {
  await runTool(KUBECTL, applyUrlArgs(url, cluster), { timeoutMs: timeout('download'), ...call });
}

/**
 * The lines of `kubectl apply` output in which admission control refused an object: a
 * ValidatingAdmissionPolicy (`<resource> "<name>" is forbidden: ValidatingAdmissionPolicy '<policy>'
 * with binding '<binding>' denied request: <message>`, k8s.io/apiserver/pkg/admission/plugin/policy/
 * validating/dispatcher.go through admission.NewForbidden) or a validating webhook
 * (`admission webhook "<name>" denied the request: <message>`), each from where the refusal starts.
 */
export function admissionRefusals(output: string): string[] {
  return output
    .split(/\r?\n/)
    .map((line) => /(?:\S+ "[^"]+" is forbidden: )?ValidatingAdmissionPolicy '[^']+'(?: with binding '[^']+')? denied request: .*|admission webhook "[^"]+" denied the request: .*/.exec(line)?.[0])
    .filter((refusal): refusal is string => refusal !== undefined);
}

/**
 * applyUrl that resolves with the admission refusals instead of throwing for them: the objects
 * not refused are applied all the same (kubectl goes on past a refused object). Any other failure
 * still throws.
 */
export async function applyUrlAdmitting(url: string, cluster: ClusterAccess, call: CallOptions = {}): Promise<string[]> {
  try {
    await applyUrl(url, cluster, call);
    return [];
  } catch (error) {
    const refusals = error instanceof ToolError && error.toolExitCode !== undefined ? admissionRefusals(error.stderrTail) : [];
    if (refusals.length === 0) throw error;
    return refusals;
  }
}

export async function describeNamespace(namespace: string, cluster: ClusterAccess, call: CallOptions = {}): Promise<string> {
  const { stdout } = await runTool(KUBECTL, describeNamespaceArgs(namespace, cluster), { timeoutMs: timeout('diagnostics'), ...call });
  return stdout;
}

export async function getEventsJson(namespace: string, cluster: ClusterAccess, call: CallOptions = {}): Promise<EventList> {
  const { stdout } = await runTool(KUBECTL, getEventsArgs(namespace, cluster), { timeoutMs: timeout('kubeRequest'), ...call });
  return parseEventList(stdout);
}

export async function deleteNode(name: string, cluster: ClusterAccess, call: CallOptions = {}): Promise<void> {
  await runTool(KUBECTL, deleteNodeArgs(name, cluster), { timeoutMs: timeout('kubeRequest'), ...call });
}

export async function exec(target: { namespace: string; pod: string; container: string }, command: readonly string[], cluster: ClusterAccess, call: CallOptions = {}): Promise<string> {
  const { stdout } = await runTool(KUBECTL, execArgs(target, command, cluster), { timeoutMs: timeout('kubeRequest'), ...call });
  return stdout;
}

export async function version(call: CallOptions = {}): Promise<string> {
  const { stdout } = await runTool(KUBECTL, ['version', '--client'], { timeoutMs: timeout('toolQuick'), ...call });
  return stdout.trim();
}
