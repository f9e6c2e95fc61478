import { setTimeout as sleep } from 'node:timers/promises';
import { oneLine } from '../errors.ts';
import { timeout } from '../timeouts.ts';
import type { Kube, KubeObject } from './client.ts';
import { get, list } from './objects.ts';

export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(
    readonly description: string,
    readonly timeoutMs: number,
    /** The last probe result or error, in words: what the wait was stuck on. */
    readonly last: string,
  ) {
    super(`timed out after ${formatDuration(timeoutMs)} waiting for ${description}: ${last}`);
  }
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

/**
 * A probe answers `undefined`/`false` for "not yet", or a Pending for "not yet, and here is
 * why" so that a timeout can say what it was stuck on.
 */
export class Pending {
  constructor(readonly reason: string) {}
}

export type Probe<T> = () => Promise<T | Pending | undefined | false>;

/**
 * Polls until the probe answers something truthy. A probe that throws counts as "not yet":
 * API hiccups during a fault are expected, and the last error ends up in the timeout message.
 */
export async function waitFor<T>(description: string, probe: Probe<T>, { timeoutMs, intervalMs = 1000, signal }: WaitOptions): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    signal?.throwIfAborted();
    try {
      const result = await probe();
      if (result instanceof Pending) last = result.reason;
      else if (result !== undefined && result !== false && result !== null) return result;
      else last = `probe answered ${String(result)}`;
    } catch (error) {
      last = oneLine(error);
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitTimeoutError(description, timeoutMs, last);
    await sleep(Math.min(intervalMs, left), undefined, signal ? { signal } : {});
  }
}

export function hasCondition(object: KubeObject | undefined, type: string, status = 'True'): boolean {
  return conditionsOf(object).some((c) => c.type === type && c.status === status);
}

/** Resolves with the Deployment once its rollout is complete, as `kubectl rollout status` decides it (see rolloutStatus). */
export function deploymentAvailable(
  kube: Kube,
  namespace: string,
  name: string,
  { timeoutMs = timeout('rollout'), ...rest }: Partial<WaitOptions> = {},
): Promise<KubeObject> {
  return waitFor(
    `deployment ${namespace}/${name} to be available`,
    async () => {
      const deployment = await get(kube, { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name });
      if (deployment === undefined) return new Pending('not found');
      const status = rolloutStatus(deployment);
      return status === 'complete' ? deployment : status;
    },
    { timeoutMs, ...rest },
  );
}

/**
 * The rules of `kubectl rollout status` (DeploymentStatusViewer.Status in kubernetes/kubernetes
 * staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go@18ff3ed): the controller has seen
 * the current generation, every desired replica runs the new template, no old replica is left,
 * and every updated replica is available. Ready or Available counts alone accept a half-finished
 * rollout, where old pods still serve next to new ones or a new pod is not up yet.
 * kubectl fails at once on a Progressing condition with reason ProgressDeadlineExceeded; here it
 * is a reason to keep waiting, named in the timeout, since the caller's deadline decides.
 */
export function rolloutStatus(deployment: KubeObject): 'complete' | Pending {
  const generation = numberAt(deployment, 'metadata', 'generation') ?? 0;
  if (generation > (numberAt(deployment, 'status', 'observedGeneration') ?? 0)) return new Pending('new generation not observed yet');
  const deadline = conditionsOf(deployment).some((c) => c.type === 'Progressing' && (c as { reason?: unknown }).reason === 'ProgressDeadlineExceeded');
  const pending = (reason: string) => new Pending(deadline ? `${reason} (progress deadline exceeded)` : reason);
  const desired = numberAt(deployment, 'spec', 'replicas');
  const replicas = numberAt(deployment, 'status', 'replicas') ?? 0;
  const updated = numberAt(deployment, 'status', 'updatedReplicas') ?? 0;
  const available = numberAt(deployment, 'status', 'availableReplicas') ?? 0;
  if (desired !== undefined && updated < desired) return pending(`${updated} out of ${desired} new replicas updated`);
  if (replicas > updated) return pending(`${replicas - updated} old replicas pending termination`);
  if (available < updated) return pending(`${available} of ${updated} updated replicas available`);
  return 'complete';
}

/** Resolves with at least `minCount` Ready pods (not being deleted) matching the selector. */
export function podsReady(
  kube: Kube,
  namespace: string,
  labelSelector: string,
  minCount = 1,
  { timeoutMs = timeout('rollout'), ...rest }: Partial<WaitOptions> = {},
): Promise<KubeObject[]> {
  return waitFor(
    `${minCount} ready pod(s) matching ${labelSelector} in ${namespace}`,
    async () => {
      const pods = await list(kube, { apiVersion: 'v1', kind: 'Pod', namespace, labelSelector });
      const ready = pods.filter(isPodReady);
      return ready.length >= minCount ? ready : new Pending(`${ready.length}/${pods.length} pod(s) ready`);
    },
    { timeoutMs, ...rest },
  );
}

export function isPodReady(pod: KubeObject): boolean {
  return pod.metadata['deletionTimestamp'] == null && hasCondition(pod, 'Ready');
}

function conditionsOf(object: KubeObject | undefined): { type?: unknown; status?: unknown }[] {
  const conditions = (object?.['status'] as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(conditions) ? conditions : [];
}

function numberAt(object: KubeObject, section: string, field: string): number | undefined {
  const value = (object[section] as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'number' ? value : undefined;
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
