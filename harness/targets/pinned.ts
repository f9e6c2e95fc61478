import { quote, UserError } from '../errors.ts';
import type { NodeImage } from './versions-types.ts';

/**
 * `1.33` of `1.33.7`: the line a release belongs to, whose patches differ only in fixes. Plain
 * dotted numbers rather than semver, so four-part versions (Kong Gateway Enterprise's 3.14.0.1)
 * fit the same rule.
 */
export function lineOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** Dotted version numbers compared part by part, oldest first; four-part Enterprise versions too. */
export function compareVersions(a: string, b: string): number {
  return newestFirst(b, a);
}

/** Dotted version numbers compared part by part, newest first; a missing part counts as 0. */
function newestFirst(a: string, b: string): number {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
  }
  return 0;
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
    const newest = known.filter((v) => lineOf(v) === clean).sort(newestFirst)[0];
    if (newest !== undefined) return newest;
  }
  const lines = [...new Set(known.map(lineOf))];
  throw new UserError(`unknown ${what} version ${quote(wanted)}; known: ${known.join(', ')} (or a line such as ${lines.at(-1)} for its newest)`);
}
