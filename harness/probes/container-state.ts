import type { ConditionEntry, ObjectRef } from '../evidence/types.ts';

/** The part of a Pod's `status.containerStatuses[]` (core/v1 ContainerStatus) this probe reads. */
export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  lastState?: { terminated?: { exitCode?: number; reason?: string } };
}

/**
 * How one container last ended, as a synthetic `LastTermination` condition: reason `Error` once
 * the kubelet restarted it after a non-zero exit (`Completed` after exit 0, `OOMKilled`, ...),
 * `None` while it never ended. It stays set for the pod's life, so a crash-looping container
 * reads bad in every round, whether it is up or backing off at that moment.
 */
export function lastTermination(at: number, pod: ObjectRef, status: ContainerStatus): ConditionEntry {
  const terminated = status.lastState?.terminated;
  const exit = terminated?.exitCode === undefined ? '' : `, last exit code ${terminated.exitCode}`;
  return {
    kind: 'condition',
    at,
    object: pod,
    scope: `container/${status.name}`,
    type: 'LastTermination',
    status: terminated ? 'True' : 'False',
    reason: terminated ? (terminated.reason ?? 'Unknown') : 'None',
    message: `restarts=${status.restartCount ?? 0}, ready=${status.ready === true}${exit}`,
  };
}
