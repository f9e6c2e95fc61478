/**
 * helm: install, upgrade, uninstall and render charts. Charts are addressed with `--repo URL` so a
 * run never depends on `helm repo add` state, and values are always files so secrets never reach argv.
 */
import { deadlineAround, runTool, type CallOptions, type ClusterAccess } from './exec.ts';
import { timeout } from '../timeouts.ts';

const HELM = 'helm';

export interface ChartOptions {
  release: string;
  namespace: string;
  /** a chart name in `repo` (e.g. 'kong'), or a local/OCI reference when `repo` is absent */
  chart: string;
  version: string;
  repo?: string;
  valuesFiles: string[];
}

export interface UpgradeInstallOptions extends ChartOptions {
  wait: boolean;
  timeoutSeconds: number;
  skipCrds?: boolean;
  createNamespace?: boolean;
  cluster: ClusterAccess;
}

export interface UninstallOptions {
  release: string;
  namespace: string;
  cluster: ClusterAccess;
  wait: boolean;
}

function chartArgs(o: ChartOptions): string[] {
  return [
    '--namespace', o.namespace,
    '--version', o.version,
    ...(o.repo === undefined ? [] : ['--repo', o.repo]),
    ...o.valuesFiles.flatMap((file) => ['--values', file]),
  ];
}

function clusterArgs(c: ClusterAccess): string[] {
  return ['--kubeconfig', c.kubeconfigPath, ...(c.context === undefined ? [] : ['--kube-context', c.context])];
}

export function upgradeInstallArgs(o: UpgradeInstallOptions): string[] {
  return [
    'upgrade', '--install', o.release, o.chart,
    ...chartArgs(o),
    ...(o.wait ? ['--wait'] : []),
    '--timeout', `${o.timeoutSeconds}s`,
    ...(o.skipCrds === true ? ['--skip-crds'] : []),
    ...(o.createNamespace === true ? ['--create-namespace'] : []),
    ...clusterArgs(o.cluster),
  ];
}

/**
 * `--ignore-not-found` (cmd/helm/uninstall.go@v3.18.6: "Treat \"release not found\" as a
 * successful uninstall"): after a failed install there may be no release, and teardown must go
 * on to remove the namespaces instead of stopping there.
 */
export function uninstallArgs(o: UninstallOptions): string[] {
  return ['uninstall', o.release, '--namespace', o.namespace, '--ignore-not-found', ...(o.wait ? ['--wait'] : []), ...clusterArgs(o.cluster)];
}

/** Rendering needs no cluster; CRDs are included unless skipped, to mirror what an install applies. */
export function templateArgs(o: ChartOptions & { skipCrds?: boolean }): string[] {
  return ['template', o.release, o.chart, ...chartArgs(o), ...(o.skipCrds === true ? [] : ['--include-crds'])];
}

export async function upgradeInstall(o: UpgradeInstallOptions, call: CallOptions = {}): Promise<void> {
  await runTool(HELM, upgradeInstallArgs(o), { timeoutMs: deadlineAround('helmInstall', o.timeoutSeconds), ...call });
}

export async function uninstall(o: UninstallOptions, call: CallOptions = {}): Promise<void> {
  await runTool(HELM, uninstallArgs(o), { timeoutMs: timeout('helmInstall'), ...call });
}

/** Returns the rendered manifests. Fetching the chart from `repo` is a download, hence that deadline. */
export async function template(o: ChartOptions & { skipCrds?: boolean }, call: CallOptions = {}): Promise<string> {
  const { stdout } = await runTool(HELM, templateArgs(o), { timeoutMs: timeout('download'), ...call });
  return stdout;
}

export async function version(call: CallOptions = {}): Promise<string> {
  const { stdout } = await runTool(HELM, ['version', '--short'], { timeoutMs: timeout('toolQuick'), ...call });
  return stdout.trim();
}
