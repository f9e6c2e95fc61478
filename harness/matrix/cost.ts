import type { ClusterShape } from '../runner/scenario.ts';
import type { MatrixCase } from './expand.ts';

/**
 * Rough seconds, for balancing shards and estimating what reuse saves before anything ran. They
 * come from the phase timings of real kind runs on a GitHub ubuntu runner, rounded; only their
 * proportions matter to the sharding, and the time saved printed after a run is measured, not these.
 */
export const COLD_CLUSTER_SECONDS: Record<ClusterShape, number> = { 'single-node': 60, 'multi-node': 100 };
const INSTALL_SECONDS = 120;
const POSTGRES_SECONDS = 20;
const STEADY_AND_TEARDOWN_SECONDS = 60;

/** One run of the case on a cluster that already exists. */
export function caseSeconds(c: MatrixCase): number {
  const w = c.scenario.window;
  const recover = c.scenario.remediation ? (w.recoverMs ?? w.observeMs) / 1000 : 0;
  return INSTALL_SECONDS + (c.target.mode === 'postgres' ? POSTGRES_SECONDS : 0) + STEADY_AND_TEARDOWN_SECONDS + w.observeMs / 1000 + recover;
}
