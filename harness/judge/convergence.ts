import type { Observation, PodConfigEntry } from '../evidence/types.ts';

/**
 * Where one gateway pod stood in one probe round, compared with the other pods of that round:
 * - `agrees`: it holds what most serving pods hold and answers the routes they answer;
 * - `diverged`: it holds another configuration, or fails a route another serving pod answers;
 * - `not-serving`: not Ready (or gone since the last round): the Service sends it no traffic;
 * - `unread`: it could not be read this round, which says nothing either way.
 */
export type PodState = 'agrees' | 'diverged' | 'not-serving' | 'unread';

export interface PodStanding {
  pod: string;
  at: number;
  state: PodState;
  why: string;
  /** absent for a pod that is gone */
  entry?: PodConfigEntry;
}

/** Kong's hash of an empty configuration (`DECLARATIVE_EMPTY_CONFIG_HASH`, kong/constants.lua@3.9.1 and @3.9.3). */
export const EMPTY_CONFIG_HASH = '0'.repeat(32);

/**
 * Every round of `pod-config` entries (those sharing one `at`), each pod's standing in it.
 *
 * The configuration compared is Kong's own `configuration_hash`: in DB-less mode the MD5 of the
 * body Kong last accepted on `POST /config` (kong/db/declarative/init.lua@3.9.3, `unserialize`),
 * on a hybrid data plane the hash its control plane sent (kong/clustering/config_helper.lua
 * @3.9.3), so pods that took the same push report the same hash. A pod with a hash that fewer
 * pods hold than another is diverged, and so is a pod on the empty configuration beside one that
 * holds some. When two real hashes tie (two pods, two hashes), the hash of the pods that serve
 * every route another pod serves wins; if that does not settle it, no pod can be told right and
 * each is diverged. In DB mode Kong reports no hash (health.lua@3.9.3 adds it only when
 * `database = off` or `role = data_plane`), so what is compared there is what each pod serves: a
 * pod that fails a route another serving pod answers. Pods that are not Ready are left out of
 * every comparison.
 */
export function podStandings(observations: readonly Observation[]): PodStanding[][] {
  const out: PodStanding[][] = [];
  let previous = new Set<string>();
  for (const entries of roundsOf(observations)) {
    const at = entries[0]!.at;
    const standings = standingsOf(at, entries);
    const present = new Set(entries.map((e) => e.pod));
    for (const pod of previous) {
      if (!present.has(pod)) standings.push({ pod, at, state: 'not-serving', why: `${pod} is gone` });
    }
    previous = present;
    out.push(standings);
  }
  return out;
}

/** A probe records a round's entries together; a new `at`, or a pod seen again, starts the next round. */
function roundsOf(observations: readonly Observation[]): PodConfigEntry[][] {
  const rounds: PodConfigEntry[][] = [];
  for (const o of observations) {
    if (o.kind !== 'pod-config') continue;
    const current = rounds.at(-1);
    if (current && current[0]!.at === o.at && !current.some((e) => e.pod === o.pod)) current.push(o);
    else rounds.push([o]);
  }
  return rounds;
}

function standingsOf(at: number, entries: readonly PodConfigEntry[]): PodStanding[] {
  const serving = entries.filter((e) => e.ready && e.error === undefined);
  // on a tie, the configuration of the pods that serve every route another pod serves
  const held = majorityHash(serving) ?? majorityHash(serving.filter((e) => routeProblems(e, serving).length === 0));
  return entries.map((entry): PodStanding => {
    const { pod } = entry;
    if (!entry.ready) return { pod, at, state: 'not-serving', why: `${pod} is not Ready: the Service sends it no traffic`, entry };
    if (entry.error !== undefined) return { pod, at, state: 'unread', why: `${pod} could not be read: ${entry.error}`, entry };
    const problems = [...hashProblem(entry, serving, held), ...routeProblems(entry, serving)];
    if (problems.length) return { pod, at, state: 'diverged', why: `${pod} ${problems.join('; ')}`, entry };
    const hash = entry.configHash === undefined ? '' : ` holds ${describeHash(entry.configHash)},`;
    return { pod, at, state: 'agrees', why: `${pod}${hash} answers like the other pods`, entry };
  });
}

/**
 * The hash more serving pods hold than any other; undefined on a tie or when none reports one.
 * The empty configuration never wins over a real one: a pod that holds nothing while another
 * holds configuration is the one behind, however many pods are empty.
 */
function majorityHash(serving: readonly PodConfigEntry[]): string | undefined {
  const hashes = serving.flatMap((e) => (e.configHash === undefined ? [] : [e.configHash]));
  const real = hashes.filter((h) => h !== EMPTY_CONFIG_HASH);
  const counts = new Map<string, number>();
  for (const h of real.length ? real : hashes) counts.set(h, (counts.get(h) ?? 0) + 1);
  const ranked = [...counts.entries()].sort(([, a], [, b]) => b - a);
  if (ranked.length === 0 || (ranked.length > 1 && ranked[0]![1] === ranked[1]![1])) return undefined;
  return ranked[0]![0];
}

function hashProblem(entry: PodConfigEntry, serving: readonly PodConfigEntry[], held: string | undefined): string[] {
  if (entry.configHash === undefined || entry.configHash === held) return [];
  const hashed = serving.filter((e) => e.configHash !== undefined);
  if (hashed.length < 2) return [];
  if (held === undefined) {
    return [`holds ${describeHash(entry.configHash)}; the pods disagree with no majority: ${hashed.map((e) => `${e.pod}=${describeHash(e.configHash!)}`).join(', ')}`];
  }
  const holders = hashed.filter((e) => e.configHash === held).length;
  return [`holds ${describeHash(entry.configHash)} while ${holders} of ${hashed.length} pods hold ${describeHash(held)}`];
}

/** A route this pod fails while another serving pod answers it: this pod serves something else. */
function routeProblems(entry: PodConfigEntry, serving: readonly PodConfigEntry[]): string[] {
  return entry.routes.flatMap((answer) => {
    if (answer.ok) return [];
    const other = serving.find((e) => e.pod !== entry.pod && e.routes.some((r) => r.route === answer.route && r.ok));
    return other ? [`answers ${answer.route} with ${answer.status ?? answer.error ?? 'nothing'} while ${other.pod} serves it`] : [];
  });
}

function describeHash(hash: string): string {
  return hash === EMPTY_CONFIG_HASH ? 'the empty configuration' : `configuration ${hash.slice(0, 12)}`;
}
