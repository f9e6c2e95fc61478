import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preloadImages } from '../cluster/images.ts';
import type { Cluster } from '../cluster/provider.ts';
import { oneLine } from '../errors.ts';
import type { Kube } from '../k8s/client.ts';
import { apply, list } from '../k8s/objects.ts';
import { deploymentAvailable } from '../k8s/wait.ts';
import { namespace } from '../manifests/backend.ts';
import type { KubeObject } from '../manifests/types.ts';
import { gatewayImage } from '../targets/edition.ts';
import { gatewayApiInstallUrl } from '../targets/gateway-api.ts';
import type { Target } from '../targets/target.ts';
import type { Versions } from '../targets/versions-types.ts';
import { timeout } from '../timeouts.ts';
import * as helm from '../tools/helm.ts';
import { applyUrl } from '../tools/kubectl.ts';
import { certificate, clusterCertificate, type KeyPair } from '../tools/openssl.ts';
import { ADMIN_CERT_DNS_NAME, ADMIN_CLIENT_CERT_SECRET, ADMIN_SERVER_CERT_SECRET, CLUSTER_CERT_SECRET, componentNames, KONG_NAMESPACE, LICENSE_SECRET, POSTGRES_SECRET } from './names.ts';
import { helmReleases, merge, type AdminTls, type HelmRelease, type PostgresAddress, type Values } from './values.ts';

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
  /** the Gateway API release to install instead of the target's, which a fault moves to later */
  initialGatewayApi?: string;
  skipCrds?: boolean;
  /** deep-merged over a release's values; an upgrade's overrides are added here and kept */
  values?: Record<string, Values>;
  postgres?: { address: PostgresAddress; password: string };
  /** the Kong Gateway Enterprise license; goes into LICENSE_SECRET only, registered as a secret first */
  license?: string;
  /** an mTLS Admin API that KIC verifies by name: the install makes a CA and both certificates */
  adminTls?: boolean;
  /** false: install without waiting for the rollout (InstallChoices.awaitRollout) */
  awaitRollout?: boolean;
}

/**
 * Installs Kong for a target with the official charts and keeps what is needed to upgrade it
 * in place later (same values, new image tags).
 */
export class KongInstallation {
  private releases: HelmRelease[] = [];
  /** the CA of an mTLS Admin API, made with the Secrets; upgrades keep it */
  private adminTls: AdminTls | undefined;
  private readonly current: { kic?: string; gateway?: string; values: Record<string, Values> };

  constructor(
    private readonly deps: KongInstallDeps,
    private readonly choices: KongInstallChoices,
  ) {
    this.current = { kic: choices.kic, gateway: choices.gateway, values: choices.values ?? {} };
  }

  async install(): Promise<void> {
    const { deps, choices } = this;
    if (deps.cluster.kindName) for (const line of await preloadImages(deps.cluster.kindName, this.images(), deps.signal, deps.cluster.kindBinary)) deps.progress(line);
    await apply(deps.kube, [namespace(KONG_NAMESPACE)], { labels: deps.labels });
    if (choices.gatewayApi) {
      // KIC enables its Gateway API controllers only for CRDs present when it starts
      const version = choices.initialGatewayApi ?? deps.target.gatewayApi;
      deps.progress(`installing Gateway API ${version} CRDs (standard channel)`);
      await applyUrl(gatewayApiInstallUrl(deps.versions, version), deps.cluster, { signal: deps.signal });
    }
    await apply(deps.kube, await this.secrets(), { labels: deps.labels });
    await this.helmApply(Boolean(choices.skipCrds), choices.awaitRollout ?? true);
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

  /** The KIC and Kong images the install and the target's upgrade use, as the charts pull them. */
  images(): string[] {
    const { versions, target } = this.deps;
    const kics = [this.choices.kic ?? target.kic, target.kic];
    const gateways = [this.choices.gateway ?? target.gateway, target.gateway];
    return [...new Set([...kics.map((v) => `${versions.kicImage}:${v}`), ...gateways.map((v) => `${gatewayImage(versions, v)}:${v}`)])];
  }

  /**
   * `signal` is teardown's own deadline, not the run's: after Ctrl-C the run's signal is aborted,
   * and execa kills a call whose cancelSignal is aborted at once (execa/lib/terminate/cancel.js).
   */
  async uninstall(signal: AbortSignal): Promise<void> {
    for (const r of [...this.releases].reverse()) {
      await helm.uninstall({ release: r.release, namespace: r.namespace, cluster: this.deps.cluster, wait: true }, { signal });
    }
  }

  /** A failed install or upgrade names the pods whose images could not be pulled, when there are any. */
  private async helmApply(skipCrds: boolean, wait: boolean): Promise<void> {
    try {
      await this.helmApplyReleases(skipCrds, wait);
    } catch (error) {
      if (this.deps.signal?.aborted) throw error;
      const pulls = imagePullFailures(await list(this.deps.kube, { apiVersion: 'v1', kind: 'Pod', namespace: KONG_NAMESPACE }).catch(() => []));
      if (pulls.length === 0) throw error;
      throw new Error(`${oneLine(error)}; image pull failed in the cluster: ${pulls.join('; ')}`, { cause: error });
    }
  }

  private async helmApplyReleases(skipCrds: boolean, wait: boolean): Promise<void> {
    const { deps, choices, current } = this;
    this.releases = helmReleases({
      target: deps.target,
      versions: deps.versions,
      kic: current.kic,
      gateway: current.gateway,
      gatewayReplicas: choices.gatewayReplicas,
      postgres: choices.postgres?.address,
      license: choices.license !== undefined,
      overrides: current.values,
      ...(this.adminTls ? { adminTls: this.adminTls } : {}),
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
          cluster: deps.cluster,
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
    if (choices.license !== undefined) {
      deps.addSecret(choices.license);
      out.push(secret(LICENSE_SECRET, 'Opaque', { license: choices.license }));
    }
    if (deps.target.topology === 'hybrid') {
      const pair = await clusterCertificate();
      deps.addSecret(pair.key);
      out.push(secret(CLUSTER_CERT_SECRET, 'kubernetes.io/tls', { 'tls.crt': pair.cert, 'tls.key': pair.key }));
    }
    if (choices.adminTls) {
      const { ca, server, client } = await adminTlsCertificates();
      deps.addSecret(ca.key, server.key, client.key);
      this.adminTls = { caCert: ca.cert };
      out.push(
        secret(ADMIN_SERVER_CERT_SECRET, 'kubernetes.io/tls', { 'tls.crt': server.cert, 'tls.key': server.key }),
        secret(ADMIN_CLIENT_CERT_SECRET, 'kubernetes.io/tls', { 'tls.crt': client.cert, 'tls.key': client.key, 'ca.crt': ca.cert }),
      );
    }
    return out;
  }
}

/**
 * A CA that lives only for the install (its key never leaves this process), the Admin API's
 * server certificate for every name gateway discovery verifies (values.ts adminTlsValues) and no
 * IP address, and KIC's client certificate. No IP SAN on purpose: a KIC that loses the server
 * name verifies the pod IP, and that must fail as it does for users (crypto/x509 HostnameError).
 */
export async function adminTlsCertificates(): Promise<{ ca: KeyPair; server: KeyPair; client: KeyPair }> {
  const ca = await certificate({ commonName: 'kong-chaos-admin-ca', usage: 'ca' });
  const server = await certificate({ commonName: ADMIN_CERT_DNS_NAME, dnsNames: [ADMIN_CERT_DNS_NAME], usage: 'server', issuer: ca });
  const client = await certificate({ commonName: 'kong-chaos-kic', usage: 'client', issuer: ca });
  return { ca, server, client };
}

/**
 * The kubelet's waiting reasons for an image it could not pull (pkg/kubelet/images/types.go in
 * kubernetes/kubernetes: ErrImagePull, then ImagePullBackOff between retries). Docker Hub's
 * anonymous pull limit shows up here, with `toomanyrequests` in the message.
 */
const IMAGE_PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff']);
// room for containerd's whole pull error, whose reason (e.g. `toomanyrequests`) comes late in it
const MAX_MESSAGE = 500;

/** `pod/container: reason (message)` for every container of these pods stuck pulling its image. */
export function imagePullFailures(pods: readonly KubeObject[]): string[] {
  return pods.flatMap((pod) => {
    const status = pod['status'] as { initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[] } | undefined;
    return [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])]
      .filter((c) => IMAGE_PULL_REASONS.has(c.state?.waiting?.reason ?? ''))
      .map((c) => {
        const message = c.state!.waiting!.message;
        return `${pod.metadata.name}/${c.name}: ${c.state!.waiting!.reason}${message ? ` (${message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message})` : ''}`;
      });
  });
}

interface ContainerStatus {
  name: string;
  state?: { waiting?: { reason?: string; message?: string } };
}

function secret(name: string, type: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: KONG_NAMESPACE }, type, stringData: data };
}
