import { EnvironmentError } from '../errors.ts';
import type { KubeObject } from '../k8s/client.ts';
import type { NodeFault } from '../runner/scenario.ts';
import * as docker from '../tools/docker.ts';
import type { ClusterAccess } from '../tools/exec.ts';
import { deleteNode } from '../tools/kubectl.ts';

/** One step of a node fault, as data, so what a fault will execute is testable without Docker. */
export type NodeStep =
  | { tool: 'docker'; action: 'kill' | 'stop' | 'start'; container: string }
  | { tool: 'kubectl'; action: 'delete-node'; node: string };

/**
 * `kill`: the node vanishes as under Karpenter — its container is killed, then the Node object is
 * deleted as a cloud autoscaler would. Its pods are not replaced at once: they stay bound to the
 * missing node, counted by their ReplicaSet, until PodGC fails and deletes them, and PodGC
 * re-checks a missing node only after a 40 s quarantine, in passes 20 s apart (quarantineTime,
 * gcCheckPeriod, gcOrphaned in kubernetes/kubernetes pkg/controller/podgc/gc_controller.go@003e862). So the
 * replacement comes some 40–80 s after the deletion, sooner than the 300 s not-ready /
 * unreachable tolerations the DefaultTolerationSeconds admission plugin gives every pod would evict
 * them from a node that only went silent.
 * `restart`: the container stops and starts again, the Node object stays.
 * On kind the node's container is named like the node.
 */
export function nodeFaultSteps(node: string, how: NodeFault): NodeStep[] {
  return how === 'kill'
    ? [
        { tool: 'docker', action: 'kill', container: node },
        { tool: 'kubectl', action: 'delete-node', node },
      ]
    : [
        { tool: 'docker', action: 'stop', container: node },
        { tool: 'docker', action: 'start', container: node },
      ];
}

/**
 * The worker node to fault for a component: the node of one of its Running pods. A completed
 * Job pod or one being deleted may still name a node, but faulting that node takes nothing of
 * the component down.
 */
export function nodeToFault(pods: readonly KubeObject[], component: string): string {
  const nodes = pods.filter(isRunning).map((pod) => (pod['spec'] as { nodeName?: string } | undefined)?.nodeName ?? '');
  const node = nodes.find((n) => n !== '' && !isControlPlane(n)) ?? nodes.find((n) => n !== '');
  if (!node) throw new EnvironmentError(`no Running ${component} pod to find a node by (${pods.length} pod(s) found)`);
  if (isControlPlane(node)) throw new EnvironmentError(`the ${component} pod runs on the control plane (${node}); node faults need it on a worker`);
  return node;
}

function isRunning(pod: KubeObject): boolean {
  return pod.metadata['deletionTimestamp'] == null && (pod['status'] as { phase?: string } | undefined)?.phase === 'Running';
}

/** kind names nodes `<cluster>-<role>[N]`, e.g. `kc-1-control-plane`, `kc-1-worker2` (pkg/cluster/internal/providers/common/namer.go@v0.31.0) */
function isControlPlane(node: string): boolean {
  return /-control-plane\d*$/.test(node);
}

export async function runNodeStep(step: NodeStep, cluster: ClusterAccess, signal?: AbortSignal): Promise<void> {
  const call = signal ? { signal } : {};
  if (step.tool === 'kubectl') return deleteNode(step.node, cluster, call);
  await docker[step.action](step.container, call);
}

export function describeNodeStep(step: NodeStep): string {
  return step.tool === 'kubectl' ? `kubectl delete node ${step.node}` : `docker ${step.action} ${step.container}`;
}

/**
 * Every worker node restarted at once, the failover test of KIC #7205 ("1 control-plane and 3
 * data-plane ... all data-plane are restarted, one by one, or 3 as once"): the control plane stays
 * up, so the API server, and with it the probes, outlive the fault. The steps come in two waves,
 * the steps of each run together: every node container stopped, then every one started.
 * kind tolerates it: a node's entrypoint rewrites its old IP in the kubelet and control-plane files
 * (images/base/files/usr/local/bin/entrypoint@v0.31.0), and workers join the API server by the
 * control plane's container name, which Docker's DNS keeps (GetAPIServerInternalEndpoint,
 * pkg/cluster/internal/providers/docker/provider.go@v0.31.0).
 */
export function restartNodesSteps(nodes: readonly string[]): { stop: NodeStep[]; start: NodeStep[] } {
  // each node's own `restart`, its first steps run together, then its last
  const restarts = nodes.map((node) => nodeFaultSteps(node, 'restart'));
  return { stop: restarts.map((steps) => steps[0]!), start: restarts.map((steps) => steps[1]!) };
}

/** The worker nodes of a listing of Node objects. */
export function workerNodes(nodes: readonly KubeObject[]): string[] {
  const workers = nodes.map((n) => n.metadata.name).filter((n) => !isControlPlane(n));
  if (workers.length === 0) throw new EnvironmentError(`no worker node to restart (${nodes.length} node(s), all control plane); the fault needs the multi-node shape`);
  return workers;
}

interface NodeCondition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
}

/**
 * A node back from a restart: Ready=True in a status posted after `since` (ms), the moment its
 * container was started again, its old kubelet dead by then. Until the new kubelet posts, the
 * Node keeps the Ready=True of the kubelet that was stopped; a
 * kubelet posts its node status once right after it starts (fastStatusUpdateOnce,
 * kubernetes pkg/kubelet/kubelet.go). The heartbeat has whole seconds, so it must fall in a later
 * second than `since`: one in the same second may be the stopped kubelet's last.
 */
export function readyAfter(node: KubeObject, since: number): boolean {
  const conditions = ((node['status'] as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []);
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True' || ready.lastHeartbeatTime === undefined) return false;
  return Date.parse(ready.lastHeartbeatTime) >= Math.ceil(since / 1000) * 1000;
}
