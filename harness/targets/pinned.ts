import semver from 'semver';
import { quote, UserError } from '../errors.ts';
import type { NodeImage } from './versions-types.ts';

/** `1.33` of `1.33.7`: the line a release belongs to, whose patches differ only in fixes. */
export function lineOf(version: string): string {
  return `${semver.major(version)}.${semver.minor(version)}`;
}

/** The Kubernetes release a kind node image runs, from its tag: kindest/node:v1.33.7 → 1.33.7. */
export function nodeImageVersion(n: NodeImage): string {
  return n.image.slice(n.image.lastIndexOf(':v') + 2);
}

/**
 * What the user typed, against the pinned releases: an exact pinned version is itself; a line
 * (`1.33`, `3.5`) is its newest pinned patch, so nobody has to look up which patch is pinned;
 * anything else is refused, also a patch of a known line that is not pinned (`1.33.1` must not
 * quietly run 1.33.7). A leading `v` is accepted.
 */
export function resolvePinned(what: string, wanted: string, known: readonly string[]): string {
  const clean = wanted.trim().replace(/^v/, '');
  if (known.includes(clean)) return clean;
  if (/^\d+\.\d+$/.test(clean)) {
    const newest = known.filter((v) => lineOf(v) === clean).sort(semver.rcompare)[0];
    if (newest !== undefined) return newest;
  }
  const lines = [...new Set(known.map(lineOf))];
  throw new UserError(`unknown ${what} version ${quote(wanted)}; known: ${known.join(', ')} (or a line such as ${lines.at(-1)} for its newest)`);
}
