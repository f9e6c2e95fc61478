import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { EnvironmentError, quote, UserError } from '../errors.ts';
import * as kind from '../tools/kind.ts';
import { inspect } from '../tools/docker.ts';
import { probePort } from '../tools/doctor.ts';
import type { NodeImage } from '../targets/versions-types.ts';
import { defaultHostPorts, NODE_PORTS, renderKindConfig, type HostPorts } from './kind-config.ts';
import { clusterName, CLUSTER_PREFIX } from './names.ts';
import type { Cluster, ClusterProvider } from './provider.ts';

export interface KindOptions {
  runId: string;
  runDir: string;
  shapeText: string;
  image: NodeImage;
  /** the program of the kind release built for `image` (targets/tool-pins.ts kindPinFor) */
  kindBinary: string;
  /** an existing kong-chaos kind cluster to run on instead of creating one */
  reuse?: string;
  keep: boolean;
}

const WAIT_SECONDS = 180;

/**
 * Throw-away kind clusters, named after the run so `cleanup` can find leaks. The kubeconfig is
 * written into the run directory; the user's own ~/.kube/config is never touched.
 */
export class KindProvider implements ClusterProvider {
  constructor(private readonly o: KindOptions) {}

  async acquire(signal?: AbortSignal): Promise<Cluster> {
    const kubeconfigPath = join(this.o.runDir, 'kubeconfig');
    if (this.o.reuse) return this.reuse(this.o.reuse, kubeconfigPath, signal);
    const name = clusterName(this.o.runId);
    const hostPorts = await freeHostPorts(defaultHostPorts(this.o.shapeText));
    const configPath = join(this.o.runDir, 'kind-config.yaml');
    writeFileSync(configPath, renderKindConfig(this.o.shapeText, this.o.image, hostPorts));
    try {
      await kind.createCluster(
        { name, configPath, image: `${this.o.image.image}@${this.o.image.digest}`, kubeconfigPath, waitSeconds: WAIT_SECONDS },
        { signal, binary: this.o.kindBinary },
      );
    } catch (error) {
      // kind removes a half-made cluster itself unless it was killed (Ctrl-C, deadline): then we must
      await kind.deleteCluster(name, kubeconfigPath, { binary: this.o.kindBinary }).catch(() => undefined);
      rmSync(kubeconfigPath, { force: true });
      throw error;
    }
    return { name, kubeconfigPath, ...urls(hostPorts), owned: !this.o.keep, kindName: name, kindBinary: this.o.kindBinary };
  }

  /**
   * Deletes an owned cluster. The kubeconfig in the run directory holds the cluster's admin
   * credentials and goes in every case (a reused cluster's too: the run directory is uploaded as
   * an artifact), except when the user asked to keep the cluster and was told where it is.
   */
  async release(cluster: Cluster): Promise<void> {
    try {
      if (cluster.owned && cluster.kindName) await kind.deleteCluster(cluster.kindName, cluster.kubeconfigPath, { binary: this.o.kindBinary });
    } finally {
      if (!this.o.keep) rmSync(cluster.kubeconfigPath, { force: true });
    }
  }

  private async reuse(name: string, kubeconfigPath: string, signal?: AbortSignal): Promise<Cluster> {
    if (!name.startsWith(CLUSTER_PREFIX)) throw new UserError(`--reuse-cluster takes a cluster kong-chaos made (named ${CLUSTER_PREFIX}…); got ${quote(name)}`);
    const call = { signal, binary: this.o.kindBinary };
    const clusters = await kind.getClusters(call);
    if (!clusters.includes(name)) throw new UserError(`no kind cluster named ${name}; found: ${clusters.join(', ') || 'none'}`);
    writeFileSync(kubeconfigPath, await kind.getKubeconfig(name, {}, call), { mode: 0o600 });
    // the reused cluster was created with the shape's default port mappings, or free ones in their place
    return { name, kubeconfigPath, ...urls(await mappedPorts(name, defaultHostPorts(this.o.shapeText))), owned: false, kindName: name, kindBinary: this.o.kindBinary };
  }
}

/** Each default host port if it is free, else a free one the OS picks, so parallel runs never collide. */
export async function freeHostPorts(wanted: HostPorts): Promise<HostPorts> {
  const pick = async (port: number) => ((await probePort(port, '127.0.0.1')).free ? port : await ephemeralPort());
  return { proxy: await pick(wanted.proxy), admin: await pick(wanted.admin) };
}

function urls(p: HostPorts) {
  return { proxyUrl: `http://127.0.0.1:${p.proxy}`, adminUrl: `http://127.0.0.1:${p.admin}` };
}

async function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new EnvironmentError('no free port'))));
    });
  });
}

/** Reads the host ports Docker published for the control-plane node's NodePort mappings. */
async function mappedPorts(cluster: string, fallback: HostPorts): Promise<HostPorts> {
  const info = await inspect(`${cluster}-control-plane`);
  const ports = (info['NetworkSettings'] as { Ports?: Record<string, { HostPort: string }[] | null> } | undefined)?.Ports ?? {};
  const host = (containerPort: number, otherwise: number) => Number(ports[`${containerPort}/tcp`]?.[0]?.HostPort ?? otherwise);
  return { proxy: host(NODE_PORTS.proxy, fallback.proxy), admin: host(NODE_PORTS.admin, fallback.admin) };
}
