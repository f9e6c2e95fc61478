import { randomBytes } from 'node:crypto';

/** Every object, container and cluster the harness creates carries this label with the run id. */
export const RUN_LABEL = 'kong-chaos.run';
export const CLUSTER_PREFIX = 'kc-';

/**
 * A run id sorts by time and is unique across parallel runs: `20261123t0912-a1b2`.
 * Kind cluster names must be short DNS labels, so the id stays lower-case and brief.
 */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 13).toLowerCase();
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export function clusterName(runId: string): string {
  return `${CLUSTER_PREFIX}${runId}`;
}

/** The run id in a cluster name made by `clusterName`, so `cleanup` can tell its own clusters from others. */
export function runIdOfCluster(name: string): string | undefined {
  const m = /^kc-(\d{8}t\d{4}-[0-9a-f]{4})$/.exec(name);
  return m?.[1];
}
