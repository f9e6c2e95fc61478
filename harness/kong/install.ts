import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from '../cluster/provider.ts';
import type { Kube } from '../k8s/client.ts';
import { apply } from '../k8s/objects.ts';
import { deploymentAvailable } from '../k8s/wait.ts';
import { namespace } from '../manifests/backend.ts';
import type { KubeObject } from '../manifests/types.ts';
import type { Target } from '../targets/target.ts';
import type { Versions } from '../targets/versions-types.ts';
import { timeout } from '../timeouts.ts';
import * as helm from '../tools/helm.ts';
import { applyUrl } from '../tools/kubectl.ts';
import { clusterCertificate } from '../tools/openssl.ts';
import { CLUSTER_CERT_SECRET, componentNames, KONG_NAMESPACE, POSTGRES_SECRET } from './names.ts';
import { helmReleases, merge, type HelmRelease, type PostgresAddress, type Values } from './values.ts';

export interface KongInstallDeps {
  cluster: Cluster;
  kube: Kube;
  versions: Versions;
  target: Target;
  runDir: string;
  labels: Record<string, string>;
  /** every secret the install creates is registered here before it is used, for redaction */
  addSecret: (...values: string[]) => void;
  progress: (message: string) => void;
  signal?: AbortSignal;
}

export interface KongInstallChoices {
  kic?: string;
  gateway?: string;
  gatewayReplicas?: number;
  gatewayApi?: boolean;
  skipCrds?: boolean;
  /** deep-merged over a release's values; an upgrade's overrides are added here and kept */
  values?: Record<string, Values>;
  postgres?: { address: PostgresAddress; password: string };
}

/**
 * Installs Kong for a target with the official charts and keeps what is needed to upgrade it
 * in place later (same values, new image tags).
 */
export class KongInstallation {
  private releases: HelmRelease[] = [];
  private readonly current: { kic?: string; gateway?: string; values: Record<string, Values> };

  constructor(
    private readonly deps: KongInstallDeps,
    private readonly choices: KongInstallChoices,
  ) {
    this.current = { kic: choices.kic, gateway: choices.gateway, values: choices.values ?? {} };
  }

  async install(): Promise<void> {
    const { deps, choices } = this;
    await apply(deps.kube, [namespace(KONG_NAMESPACE)], { labels: deps.labels });
    if (choices.gatewayApi) {
      // KIC enables its Gateway API controllers only for CRDs present when it starts
      deps.progress(`installing Gateway API ${deps.versions.gatewayApi.version} CRDs`);
      await applyUrl(deps.versions.gatewayApi.standardInstallUrl, deps.cluster.kubeconfigPath, { signal: deps.signal });
    }
    await apply(deps.kube, await this.secrets(), { labels: deps.labels });
    await this.helmApply(Boolean(choices.skipCrds), true);
  }

  /** `helm upgrade` with the same values, new image tags and any new overrides; waits for the rollout. */
  async upgrade(change: { kic?: string; gateway?: string; values?: Record<string, Values>; wait?: boolean }): Promise<void> {
    if (change.kic) this.current.kic = change.kic;
    if (change.gateway) this.current.gateway = change.gateway;
    for (const [release, values] of Object.entries(change.values ?? {})) {
      this.current.values[release] = merge(this.current.values[release] ?? {}, values);
    }
    await this.helmApply(Boolean(this.choices.skipCrds), change.wait ?? true);
  }

  async uninstall(): Promise<void> {
    for (const r of [...this.releases].reverse()) {
      await helm.uninstall({ release: r.release, namespace: r.namespace, kubeconfig: this.deps.cluster.kubeconfigPath, wait: true }, { signal: this.deps.signal });
    }
  }

  private async helmApply(skipCrds: boolean, wait: boolean): Promise<void> {
    const { deps, choices, current } = this;
    this.releases = helmReleases({
      target: deps.target,
      versions: deps.versions,
      kic: current.kic,
      gateway: current.gateway,
      gatewayReplicas: choices.gatewayReplicas,
      postgres: choices.postgres?.address,
      overrides: current.values,
    });
    const dir = join(deps.runDir, 'helm');
    mkdirSync(dir, { recursive: true });
    for (const r of this.releases) {
      // JSON is YAML too, and it cannot turn "off" into false the way YAML 1.1 (Helm's) would
      const valuesFile = join(dir, `${r.release}.values.json`);
      writeFileSync(valuesFile, JSON.stringify(r.values, null, 2));
      deps.progress(`helm upgrade --install ${r.release} ${r.chart} ${r.chartVersion}`);
      await helm.upgradeInstall(
        {
          release: r.release,
          namespace: r.namespace,
          chart: r.chart.split('/')[1]!,
          version: r.chartVersion,
          repo: deps.versions.charts.repo,
          valuesFiles: [valuesFile],
          wait,
          timeoutSeconds: Math.round(timeout('helmInstall') / 1000),
          createNamespace: true,
          skipCrds,
          kubeconfig: deps.cluster.kubeconfigPath,
          ...(deps.cluster.context ? { kubeContext: deps.cluster.context } : {}),
        },
        { signal: deps.signal },
      );
    }
    if (!wait) return;
    const names = componentNames(deps.target.topology);
    for (const deployment of new Set([names.controller.deployment, names.gateway.deployment])) {
      await deploymentAvailable(deps.kube, KONG_NAMESPACE, deployment, deps.signal ? { signal: deps.signal } : {});
    }
  }

  private async secrets(): Promise<KubeObject[]> {
    const { deps, choices } = this;
    const out: KubeObject[] = [];
    if (choices.postgres) {
      deps.addSecret(choices.postgres.password);
      out.push(secret(POSTGRES_SECRET, 'Opaque', { password: choices.postgres.password }));
    }
    if (deps.target.topology === 'hybrid') {
      const pair = await clusterCertificate();
      deps.addSecret(pair.key);
      out.push(secret(CLUSTER_CERT_SECRET, 'kubernetes.io/tls', { 'tls.crt': pair.cert, 'tls.key': pair.key }));
    }
    return out;
  }
}

function secret(name: string, type: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: KONG_NAMESPACE }, type, stringData: data };
}
