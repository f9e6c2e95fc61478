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
