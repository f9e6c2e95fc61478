/**
 * Predicates over Admin API snapshots. Each returns a one-line description of what is wrong,
 * or undefined when the state is consistent. Pure: the snapshot shapes are produced by
 * probes/admin-queries.ts.
 */

/** `upstream-targets`: per Kong upstream, its target addresses and the Service endpoints it should hold. */
export interface UpstreamTargets {
  upstream: string;
  targets: string[];
  endpoints: string[];
}

export function upstreamTargetsProblem(data: unknown): string | undefined {
  if (!Array.isArray(data)) return 'no upstream snapshot';
  const problems: string[] = [];
  for (const u of data as UpstreamTargets[]) {
    const want = new Set(u.endpoints);
    const have = new Set(u.targets);
    const stale = u.targets.filter((t) => !want.has(t));
    const missing = u.endpoints.filter((e) => !have.has(e));
    if (stale.length || missing.length) {
      problems.push(`${u.upstream}: stale ${stale.join(',') || '-'} missing ${missing.join(',') || '-'}`);
    }
  }
  return problems.length ? problems.join('; ') : undefined;
}
