import { quote, UserError } from '../errors.ts';
import type { LabelledResource } from '../tools/docker.ts';
import { RUN_LABEL, runIdOfCluster } from './names.ts';

export interface Leak {
  kind: 'cluster' | 'container' | 'network';
  name: string;
  runId: string;
  ageMs: number;
}

/** `--older-than` as `90s`, `30m`, `2h` or `1d`. */
export function parseAge(text: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new UserError(`bad age ${quote(text)}: expected a number and a unit, e.g. 90s, 30m, 2h, 1d`);
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** The time a run started, read back from its id (`20261123t0912-a1b2`). */
export function runStartedAt(runId: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})t(\d{2})(\d{2})-[0-9a-f]{4}$/.exec(runId);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])) : undefined;
}

/**
 * What kong-chaos left behind and is older than `minAgeMs`: kind clusters whose name carries a
 * run id, and Docker containers and networks that carry the run label. Anything else — other
 * clusters, the shared `kind` network, containers of other tools — is never a leak.
 */
export function findLeaks(
  input: { clusters: string[]; containers: LabelledResource[]; networks: LabelledResource[] },
  now: number,
  minAgeMs: number,
): Leak[] {
  const leaks: Leak[] = [];
  for (const name of input.clusters) {
    const runId = runIdOfCluster(name);
    const started = runId ? runStartedAt(runId) : undefined;
    if (runId && started !== undefined && now - started >= minAgeMs) leaks.push({ kind: 'cluster', name, runId, ageMs: now - started });
  }
  for (const [kind, list] of [['container', input.containers], ['network', input.networks]] as const) {
    for (const r of list) {
      const runId = r.labels[RUN_LABEL];
      if (!runId || !r.createdAt) continue;
      const age = now - r.createdAt.getTime();
      if (age >= minAgeMs) leaks.push({ kind, name: r.name, runId, ageMs: age });
    }
  }
  return leaks;
}
