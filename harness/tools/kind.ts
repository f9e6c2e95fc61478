/** kind: create, delete and inspect throw-away clusters. */
import { deadlineAround, runTool, type CallOptions } from './exec.ts';
import { timeout } from '../timeouts.ts';

const KIND = 'kind';

/** A call to kind; `binary` names the release's program (kind-v0.32.0) when it is not the pinned `kind`. */
export interface KindCall extends CallOptions {
  binary?: string;
}

function run(args: readonly string[], timeoutMs: number, { binary = KIND, ...call }: KindCall) {
  return runTool(binary, args, { timeoutMs, ...call });
}

export interface CreateClusterOptions {
  name: string;
  configPath: string;
  /** node image pinned by digest, e.g. kindest/node:v1.33.1@sha256:… */
  image: string;
  /** the cluster's kubeconfig goes here so the user's ~/.kube/config is never touched */
  kubeconfigPath: string;
  /** how long kind waits for the control plane to be Ready */
  waitSeconds: number;
}

export function createClusterArgs(o: CreateClusterOptions): string[] {
  return ['create', 'cluster', '--name', o.name, '--config', o.configPath, '--image', o.image, '--kubeconfig', o.kubeconfigPath, '--wait', `${o.waitSeconds}s`];
}

export function deleteClusterArgs(name: string, kubeconfigPath?: string): string[] {
  return ['delete', 'cluster', '--name', name, ...(kubeconfigPath === undefined ? [] : ['--kubeconfig', kubeconfigPath])];
}

export function getClustersArgs(): string[] {
  return ['get', 'clusters'];
}

export function getKubeconfigArgs(name: string, opts: { internal?: boolean } = {}): string[] {
  return ['get', 'kubeconfig', '--name', name, ...(opts.internal === true ? ['--internal'] : [])];
}

/**
 * Copies images from the host's Docker into every node of the cluster
 * (pkg/cmd/kind/load/docker-image/docker-image.go@v0.31.0: `docker-image <IMAGE> [IMAGE...]`,
 * `--name`; a node that already has the image is skipped, one missing on the host is an error).
 */
export function loadDockerImageArgs(name: string, images: readonly string[]): string[] {
  return ['load', 'docker-image', ...images, '--name', name];
}

export function exportLogsArgs(name: string, dir: string): string[] {
  return ['export', 'logs', dir, '--name', name];
}

/** `kind get clusters` prints one name per line; "No kind clusters found." goes to stderr. */
export function parseClusterList(stdout: string): string[] {
  return stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '');
}

export async function createCluster(o: CreateClusterOptions, call: KindCall = {}): Promise<void> {
  await run(createClusterArgs(o), deadlineAround('clusterCreate', o.waitSeconds), call);
}

/** Pass the kubeconfig the cluster was created with so kind cleans that file, not ~/.kube/config. */
export async function deleteCluster(name: string, kubeconfigPath?: string, call: KindCall = {}): Promise<void> {
  await run(deleteClusterArgs(name, kubeconfigPath), timeout('clusterDelete'), call);
}

export async function getClusters(call: KindCall = {}): Promise<string[]> {
  const { stdout } = await run(getClustersArgs(), timeout('toolQuick'), call);
  return parseClusterList(stdout);
}

/** The kubeconfig holds client keys: callers write it to a file and never print it. */
export async function getKubeconfig(name: string, opts: { internal?: boolean } = {}, call: KindCall = {}): Promise<string> {
  const { stdout } = await run(getKubeconfigArgs(name, opts), timeout('toolQuick'), call);
  return stdout;
}

export async function loadDockerImage(name: string, images: readonly string[], call: KindCall = {}): Promise<void> {
  await run(loadDockerImageArgs(name, images), timeout('imageLoad'), call);
}

export async function exportLogs(name: string, dir: string, call: KindCall = {}): Promise<void> {
  await run(exportLogsArgs(name, dir), timeout('diagnostics'), call);
}

export async function version(call: KindCall = {}): Promise<string> {
  const { stdout } = await run(['version'], timeout('toolQuick'), call);
  return stdout.trim();
}
