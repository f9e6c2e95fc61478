import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Mocha from 'mocha';
import { ConsoleAndJUnitReporter } from '../report/mocha-reporter.ts';
import { matrixHtml } from '../report/matrix-html.ts';
import { matrixMarkdown } from '../report/markdown.ts';
import type { Cleaner } from '../runner/cleanup.ts';
import { onInterrupt } from '../runner/interrupt.ts';
import { consoleProgress } from '../runner/progress.ts';
import type { Versions } from '../targets/versions-types.ts';
import type { ClusterGroup } from './groups.ts';
import { kindClusters, realExecutor } from './real.ts';
import type { MatrixRecord } from './results.ts';
import { addMatrixSuite, type MatrixOutcome } from './runner.ts';

export const MATRIX_FILE = 'matrix.json';

export interface ExecuteOptions {
  versions: Versions;
  out: string;
  repeat: number;
  diagnostics: boolean;
  shard: string | null;
  license?: string;
}

export interface Executed extends MatrixOutcome {
  failures: number;
  interrupted: boolean;
  outDir: string;
  record: MatrixRecord;
}


/**
 * Runs cluster groups on kind as one Mocha run (spec on the console, JUnit in `<out>/junit.xml`)
 * and writes matrix.json, summary.md and matrix.html next to it.
 */
export async function executeGroups(groups: readonly ClusterGroup[], o: ExecuteOptions): Promise<Executed> {
  const outDir = resolve(o.out);
  mkdirSync(outDir, { recursive: true });
  const stop = new AbortController();
  const progress = consoleProgress('  ');
  let cleaner: Cleaner | undefined;
  const clusters = kindClusters(outDir, o.versions);
  // a second Ctrl-C names the shared clusters too: between runs no run's cleaner holds them
  const release = onInterrupt(stop, progress, () => [...(cleaner?.unfinished() ?? []), ...clusters.remaining().map((name) => `delete shared cluster ${name}`)]);
  const mocha = new Mocha({ timeout: 0, reporter: ConsoleAndJUnitReporter, reporterOptions: { junitFile: join(outDir, 'junit.xml') } });
  const outcome = addMatrixSuite(mocha.suite, groups, {
    execute: realExecutor({ versions: o.versions, outDir, diagnostics: o.diagnostics, ...(o.license !== undefined ? { license: o.license } : {}), progress, onCleaner: (c) => (cleaner = c) }),
    clusters,
    progress,
    signal: stop.signal,
    outDir,
    repeat: o.repeat,
  });
  let failures: number;
  try {
    failures = await new Promise<number>((done) => mocha.run(done));
  } finally {
    release();
  }
  const record: MatrixRecord = { kind: 'kong-chaos-matrix', shard: o.shard, cases: outcome.cases, savedSeconds: outcome.savedSeconds };
  writeReports(outDir, record);
  progress.info(`cluster reuse saved ${Math.round(outcome.savedSeconds)}s; reports: ${join(outDir, 'matrix.html')}, ${join(outDir, 'summary.md')}`);
  return { ...outcome, failures, interrupted: stop.signal.aborted, outDir, record };
}

export function writeReports(outDir: string, record: MatrixRecord): void {
  writeFileSync(join(outDir, MATRIX_FILE), JSON.stringify(record, null, 2));
  writeFileSync(join(outDir, 'summary.md'), matrixMarkdown(record));
  writeFileSync(join(outDir, 'matrix.html'), matrixHtml(record));
}
