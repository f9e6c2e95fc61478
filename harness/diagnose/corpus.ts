import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { Scenario } from '../runner/scenario.ts';
import { Matcher } from './match.ts';

/**
 * The public corpus (test/fixtures/diagnose/corpus.yaml): lines from public reports, and lines
 * assembled from upstream format strings, each labelled with its failure mode(s), `healthy` or
 * `near-miss`. Recall and false positives over it are what `make test` holds and `make bench`
 * prints.
 */
export interface CorpusLine {
  label: string | string[];
  source: string;
  how: string;
  line: string;
  /** Events only: the reason and the kind of the object the Event is about */
  reason?: string;
  involvedKind?: string;
}

export interface CorpusGroup {
  format: string;
  version: string;
  lines: CorpusLine[];
}

export interface CorpusResult {
  failures: number;
  found: number;
  clean: number;
  flagged: number;
  /** failure lines no labelled mode matched, with what matched instead */
  missed: { group: string; line: string; expected: string[]; got: string[] }[];
  /** failure lines some mode matched that they are not labelled with (a shared symptom is labelled with each mode) */
  misattributed: { group: string; line: string; expected: string[]; extra: string[] }[];
  /** healthy and near-miss lines some mode matched */
  falsePositives: { group: string; line: string; got: string[] }[];
  /** failure lines per mode and per format: [found, total] */
  byMode: Record<string, [number, number]>;
  byFormat: Record<string, [number, number]>;
}

export async function loadCorpus(file: string): Promise<CorpusGroup[]> {
  return (parse(await readFile(file, 'utf8')) as { groups: CorpusGroup[] }).groups;
}

const CLEAN = new Set(['healthy', 'near-miss']);

/** Which failure modes one line, read alone, is a symptom of. */
export function modesOf(entry: CorpusLine, scenarios: readonly Scenario[]): string[] {
  const matcher = new Matcher(scenarios);
  if (entry.reason !== undefined) {
    const object = { kind: entry.involvedKind ?? '', name: 'x' };
    matcher.readObservation('corpus', 1, { kind: 'event', at: 0, type: 'Warning', reason: entry.reason, message: entry.line, object, count: 1 });
  } else {
    matcher.readLine('corpus', 1, entry.line);
  }
  return [...new Set(matcher.results().map((h) => h.scenario.id))];
}

export function measureCorpus(groups: readonly CorpusGroup[], scenarios: readonly Scenario[], only?: (l: CorpusLine) => boolean): CorpusResult {
  const r: CorpusResult = { failures: 0, found: 0, clean: 0, flagged: 0, missed: [], misattributed: [], falsePositives: [], byMode: {}, byFormat: {} };
  const tally = (table: Record<string, [number, number]>, key: string, hit: boolean) => {
    const row = (table[key] ??= [0, 0]);
    row[1]++;
    if (hit) row[0]++;
  };
  for (const group of groups) {
    const name = `${group.format} (${group.version})`;
    for (const entry of group.lines.filter((l) => only?.(l) ?? true)) {
      const got = modesOf(entry, scenarios);
      const labels = [entry.label].flat();
      if (labels.every((l) => CLEAN.has(l))) {
        r.clean++;
        if (got.length > 0) r.flagged++, r.falsePositives.push({ group: name, line: entry.line, got });
        continue;
      }
      r.failures++;
      const hit = labels.some((l) => got.includes(l));
      if (hit) r.found++;
      else r.missed.push({ group: name, line: entry.line, expected: labels, got });
      const extra = got.filter((m) => !labels.includes(m));
      if (extra.length > 0) r.misattributed.push({ group: name, line: entry.line, expected: labels, extra });
      for (const l of labels) tally(r.byMode, l, hit);
      tally(r.byFormat, group.format, hit);
    }
  }
  return r;
}

/** A line from a public report as it was, not assembled from a format string. */
export function isPublic(line: CorpusLine): boolean {
  return !line.how.startsWith('assembled');
}
