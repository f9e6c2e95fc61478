import semver from 'semver';
import { compareVersions, lineOf } from './pinned.ts';

/** Release dates by version, YYYY-MM-DD (versions.yaml `kic.released`). */
export type ReleaseDates = Readonly<Record<string, string>>;

/**
 * Where an upgrade to `version` starts: the release before it in its own line, or, for the first
 * release of a line, the newest release of an older line that came out before it. Two lines are
 * patched side by side, so the semver predecessor of 3.5.0 (3.4.20, 2026-08-07) is a newer build
 * than 3.5.0 (2025-07-02): "upgrading" from it would go back in time and lose 3.4.14's
 * secure-by-default protocols (CHANGELOG.md 3.4.14, 3.5.0, 3.5.7). Undefined when nothing qualifies.
 */
export function previousRelease(version: string, known: readonly string[], released: ReleaseDates): string | undefined {
  const older = known.filter((v) => semver.lt(v, version));
  const inLine = older.filter((v) => lineOf(v) === lineOf(version)).sort(semver.rcompare)[0];
  if (inLine !== undefined) return inLine;
  const before = released[version];
  if (before === undefined) return undefined;
  return older.filter((v) => released[v] !== undefined && released[v]! < before).sort((a, b) => released[b]!.localeCompare(released[a]!) || semver.rcompare(a, b))[0];
}

/**
 * Why going from `from` to `to` is not an upgrade, or undefined when it is: a lower version, or a
 * higher version on another line that was released before `from` (an older build).
 */
export function downgradeReason(from: string, to: string, released: ReleaseDates = {}): string | undefined {
  // dotted rather than semver: a Kong Gateway Enterprise version has four parts (3.14.0.10)
  if (compareVersions(to, from) < 0) return `${to} is older than ${from}`;
  const [a, b] = [released[from], released[to]];
  if (lineOf(from) !== lineOf(to) && a !== undefined && b !== undefined && b < a) {
    return `${to} (released ${b}) is an older build than ${from} (released ${a}), though its version is higher`;
  }
  return undefined;
}
