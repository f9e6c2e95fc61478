/**
 * helm: install, upgrade, uninstall and render charts. Charts are addressed with `--repo URL` so a
 * run never depends on `helm repo add` state, and values are always files so secrets never reach argv.
 */
import { deadlineAround, runTool, type CallOptions } from './exec.ts';
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
  kubeconfig: string;
  kubeContext?: string;
}

export interface UninstallOptions {
  release: string;
  namespace: string;
  kubeconfig: string;
  wait: boolean;
  kubeContext?: string;
}

function chartArgs(o: ChartOptions): string[] {
  return [
    '--namespace', o.namespace,
    '--version', o.version,
    ...(o.repo === undefined ? [] : ['--repo', o.repo]),
    ...o.valuesFiles.flatMap((file) => ['--values', file]),
  ];
}

function clusterArgs(o: { kubeconfig: string; kubeContext?: string }): string[] {
  return ['--kubeconfig', o.kubeconfig, ...(o.kubeContext === undefined ? [] : ['--kube-context', o.kubeContext])];
}

export function upgradeInstallArgs(o: UpgradeInstallOptions): string[] {
  return [
    'upgrade', '--install', o.release, o.chart,
    ...chartArgs(o),
    ...(o.wait ? ['--wait'] : []),
    '--timeout', `${o.timeoutSeconds}s`,
    ...(o.skipCrds === true ? ['--skip-crds'] : []),
    ...(o.createNamespace === true ? ['--create-namespace'] : []),
    ...clusterArgs(o),
  ];
}

export function uninstallArgs(o: UninstallOptions): string[] {
  return ['uninstall', o.release, '--namespace', o.namespace, ...(o.wait ? ['--wait'] : []), ...clusterArgs(o)];
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
