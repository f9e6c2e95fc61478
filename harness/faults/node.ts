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
 * deleted as a cloud autoscaler would, so pods are rescheduled at once instead of after the
 * eviction timeout. `restart`: the container stops and starts again, the Node object stays.
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

export async function runNodeStep(step: NodeStep, cluster: ClusterAccess, signal?: AbortSignal): Promise<void> {
  const call = signal ? { signal } : {};
  if (step.tool === 'kubectl') return deleteNode(step.node, cluster, call);
  await docker[step.action](step.container, call);
}

export function describeNodeStep(step: NodeStep): string {
  return step.tool === 'kubectl' ? `kubectl delete node ${step.node}` : `docker ${step.action} ${step.container}`;
}
