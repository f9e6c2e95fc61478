import semver from 'semver';
import type { Outcome } from './outcome.ts';

export type Expected = Exclude<Outcome, 'inconclusive'>;

/**
 * Expected outcomes keyed by a semver range over one component's version, e.g.
 * `{ '<=3.4.3': 'reproduced', '>=3.4.4': ['recovered', 'not-reproduced'] }`. `observe` marks a
 * behaviour nobody has confirmed on a real cluster yet: the run records it, it judges nothing.
 */
export type ExpectationTable = Record<string, Expected | Expected[] | 'observe'>;

export interface Expectation {
  range: string;
  accepted: Expected[] | 'observe';
}

/** The first rule whose range holds the version, or undefined when none does. */
export function expectationFor(table: ExpectationTable, version: string): Expectation | undefined {
  for (const [range, value] of Object.entries(table)) {
    if (semver.satisfies(version, range, { includePrerelease: true })) {
      return { range, accepted: value === 'observe' ? 'observe' : Array.isArray(value) ? value : [value] };
    }
  }
  return undefined;
}

/** Refuses a table with a range semver cannot parse, so a typo fails at load, not mid-run. */
export function checkTable(table: ExpectationTable): string[] {
  return Object.keys(table)
    .filter((range) => semver.validRange(range) === null)
    .map((range) => `"${range}" is not a semver range`);
}
