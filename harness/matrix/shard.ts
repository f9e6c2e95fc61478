import { quote, UserError } from '../errors.ts';
import { caseSeconds, COLD_CLUSTER_SECONDS } from './cost.ts';
import { compareKeys, type MatrixCase } from './expand.ts';
import { groupCases, needsColdCluster, shapeKey, type ClusterGroup } from './groups.ts';

export interface ShardSpec {
  /** 1-based, as people and GitHub matrices count */
  index: number;
  count: number;
}

export interface Shard extends ShardSpec {
  cases: MatrixCase[];
  groups: ClusterGroup[];
  /** estimated seconds, clusters included, for all repeats */
  estimateSeconds: number;
}

const SHARD = /^(\d{1,4})\/(\d{1,4})$/;

export function parseShard(text: string): ShardSpec {
  const m = SHARD.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UserError(`bad shard ${quote(text)}: expected i/n with 1 <= i <= n, e.g. 2/4`);
  return { index, count };
}

export function formatShard(s: ShardSpec): string {
  return `${s.index}/${s.count}`;
}

/** What one more case adds to a shard: its runs, plus a cluster when the shard has none of its shape yet. */
function added(c: MatrixCase, repeat: number, shapes: Set<string>): number {
  const cluster = needsColdCluster(c) || !shapes.has(shapeKey(c)) ? COLD_CLUSTER_SECONDS[c.shape] : 0;
  return caseSeconds(c) * repeat + cluster;
}

/**
 * Splits the cases over `count` shards, longest first, each to the shard it would finish
 * soonest on, counting a new cluster where the shard has none of the case's shape — so cases of
 * one shape stay together when that costs nothing and spread when balance needs it. Input order
 * does not matter (cases are sorted by key first), so every shard job of a CI matrix computes the
 * same assignment. No shard ends more than one case (with its cluster) above the lightest.
 */
export function assignShards(cases: readonly MatrixCase[], count: number, repeat = 1): Shard[] {
  if (!Number.isInteger(count) || count < 1) throw new UserError(`bad shard count ${count}`);
  const state = Array.from({ length: count }, () => ({ load: 0, shapes: new Set<string>(), cases: [] as MatrixCase[] }));
  const ordered = [...cases].sort((a, b) => caseSeconds(b) - caseSeconds(a) || compareKeys(a.key, b.key));
  for (const c of ordered) {
    let best = 0;
    let bestEnd = Infinity;
    state.forEach((s, i) => {
      const end = s.load + added(c, repeat, s.shapes);
      if (end < bestEnd) [best, bestEnd] = [i, end];
    });
    const s = state[best]!;
    s.load = bestEnd;
    s.shapes.add(shapeKey(c));
    s.cases.push(c);
  }
  return state.map((s, i) => {
    const sorted = s.cases.sort((a, b) => compareKeys(a.key, b.key));
    const groups = groupCases(sorted);
    return { index: i + 1, count, cases: sorted, groups, estimateSeconds: estimateSeconds(groups, repeat) };
  });
}

export function estimateSeconds(groups: readonly ClusterGroup[], repeat: number): number {
  return groups.reduce((sum, g) => sum + COLD_CLUSTER_SECONDS[g.shape] + g.cases.reduce((t, c) => t + caseSeconds(c) * repeat, 0), 0);
}

/** Enough shards that none runs much past `budgetSeconds`, at most `max`: GitHub's 6-hour job limit is far, cost is near. */
export function shardCountFor(cases: readonly MatrixCase[], repeat: number, budgetSeconds = 3600, max = 16): number {
  if (cases.length === 0) return 1;
  const total = estimateSeconds(groupCases(cases), repeat);
  return Math.max(1, Math.min(max, cases.length, Math.ceil(total / budgetSeconds)));
}
