import { connect } from '../k8s/client.ts';
import { list } from '../k8s/objects.ts';
import { EnvironmentError } from '../errors.ts';
import { NODE_PORTS } from './kind-config.ts';
import type { Cluster, ClusterProvider } from './provider.ts';

/**
 * A cluster the user brings (`--kubeconfig`, `--context`). The harness never deletes it. Kong's
 * NodePorts (proxy 30080, Admin API 30001) must answer on a node's InternalIP from this host,
 * as they do for a local kind or minikube cluster on Linux.
 */
export class ExistingClusterProvider implements ClusterProvider {
  constructor(
    private readonly kubeconfigPath: string,
    private readonly context: string | undefined,
  ) {}

  async acquire(): Promise<Cluster> {
    const kube = connect({ kubeconfigPath: this.kubeconfigPath, context: this.context });
    const nodes = await list(kube, { apiVersion: 'v1', kind: 'Node' });
    const addresses = (nodes[0]?.['status'] as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? [];
    const ip = addresses.find((a) => a.type === 'InternalIP')?.address;
    if (!ip) throw new EnvironmentError('the cluster has no node with an InternalIP to reach Kong NodePorts on');
    return {
      name: this.context ?? 'existing',
      kubeconfigPath: this.kubeconfigPath,
      ...(this.context ? { context: this.context } : {}),
      proxyUrl: `http://${ip}:${NODE_PORTS.proxy}`,
      adminUrl: `http://${ip}:${NODE_PORTS.admin}`,
      owned: false,
    };
  }

  async release(): Promise<void> {
    // not ours to delete
  }
}
