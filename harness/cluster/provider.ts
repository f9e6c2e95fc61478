/** A Kubernetes cluster a run works on. */
export interface Cluster {
  name: string;
  kubeconfigPath: string;
  context?: string;
  /** where the Kong proxy and Admin API NodePorts answer from this host */
  proxyUrl: string;
  adminUrl: string;
  /** whether the harness may delete it at teardown */
  owned: boolean;
  /** the kind cluster name when it is one, for `kind export logs` and node faults */
  kindName?: string;
  /** the kind program that made it (kind-v0.32.0 beside the pinned kind), for the calls on it */
  kindBinary?: string;
}

export interface ClusterProvider {
  acquire(signal?: AbortSignal): Promise<Cluster>;
  release(cluster: Cluster): Promise<void>;
}
