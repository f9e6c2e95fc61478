import semver from 'semver';
import { UserError } from '../errors.ts';
import { resolvePinned } from '../targets/pinned.ts';
import type { Outcome } from '../judge/outcome.ts';

export interface Probe {
  version: string;
  outcome: Outcome;
}

export interface BisectResult {
  /** the outcome at `good`, which every earlier version shares */
  reference: Outcome;
  /** the first version, walking from good towards bad, whose outcome differs; undefined when bad matches good */
  firstChanged: string | undefined;
  /** versions that ran, in the order they ran */
  probes: Probe[];
  /** versions between the last match and firstChanged that were inconclusive: the change may be at any of them */
  ambiguous: string[];
}

/**
 * The pinned versions from good to bad, both included, in the walking order: ascending when
 * good is older ("which release broke it?"), descending when good is newer ("which fixed it?").
 */
export function versionsBetween(known: readonly string[], good: string, bad: string): string[] {
  const [g, b] = [resolvePinned('KIC', good, known), resolvePinned('KIC', bad, known)];
  if (g === b) throw new UserError('--good and --bad name the same version; nothing to bisect');
  const ordered = [...known].sort(semver.compare);
  const [lo, hi] = [ordered.indexOf(g), ordered.indexOf(b)];
  return lo < hi ? ordered.slice(lo, hi + 1) : ordered.slice(hi, lo + 1).reverse();
}

/**
 * Binary search for the first version whose outcome differs from good's. Runs good, then bad
 * (to confirm there is a change at all), then halves the span between the last version known
 * to match and the first known to differ: 2 + ceil(log2(n - 1)) runs over n versions. An
 * inconclusive run is skipped like `git bisect skip`: the search moves to a neighbour, and if
 * the boundary ends up next to skipped versions they are reported as ambiguous. It assumes the
 * outcome changes once between good and bad; with several changes it finds one of them.
 */
export async function bisect(ordered: readonly string[], outcomeAt: (version: string) => Promise<Outcome>): Promise<BisectResult> {
  if (ordered.length < 2) throw new UserError('bisect needs at least two versions');
  const probes: Probe[] = [];
  const run = async (i: number) => {
    const outcome = await outcomeAt(ordered[i]!);
    probes.push({ version: ordered[i]!, outcome });
    return outcome;
  };
  const reference = await run(0);
  if (reference === 'inconclusive') throw new UserError(`the run at --good ${ordered[0]} was inconclusive; bisect needs a conclusive outcome there`);
  const last = ordered.length - 1;
  const atBad = await run(last);
  if (atBad === 'inconclusive') throw new UserError(`the run at --bad ${ordered[last]} was inconclusive; bisect needs a conclusive outcome there`);
  if (atBad === reference) return { reference, firstChanged: undefined, probes, ambiguous: [] };

  let lo = 0;
  let hi = last;
  const skipped = new Set<number>();
  for (;;) {
    const open = range(lo + 1, hi).filter((i) => !skipped.has(i));
    if (open.length === 0) break;
    const mid = open[Math.floor((open.length - 1) / 2)]!;
    const outcome = await run(mid);
    if (outcome === 'inconclusive') skipped.add(mid);
    else if (outcome === reference) lo = mid;
    else hi = mid;
  }
  const ambiguous = range(lo + 1, hi).map((i) => ordered[i]!);
  return { reference, firstChanged: ordered[hi], probes, ambiguous };
}

/** The versions a bisect runs first, before outcomes steer it: good, bad, then the middle. */
export function firstProbes(ordered: readonly string[]): { first: string[]; middle: string | undefined; ifMatches: string | undefined; ifDiffers: string | undefined } {
  const last = ordered.length - 1;
  const mid = last >= 2 ? Math.floor(last / 2) : undefined;
  const midOf = (lo: number, hi: number) => (hi - lo >= 2 ? ordered[lo + Math.floor((hi - lo) / 2)] : undefined);
  return {
    first: [ordered[0]!, ordered[last]!],
    middle: mid === undefined ? undefined : ordered[mid],
    ifMatches: mid === undefined ? undefined : midOf(mid, last),
    ifDiffers: mid === undefined ? undefined : midOf(0, mid),
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
}
