import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import Mocha from 'mocha';
import type { RunResult } from '../runner/run.ts';
import type { Progress } from '../runner/progress.ts';
import { scenarioLabel, targetLabel, type MatrixCase } from './expand.ts';
import type { ClusterGroup } from './groups.ts';
import { caseRecord, type AttemptRecord, type CaseRecord } from './results.ts';
import { oneLine } from '../errors.ts';
import { count } from '../words.ts';

/** What the matrix needs of one finished run. */
export type ExecutedRun = Pick<RunResult, 'runId' | 'runDir' | 'judgement' | 'verdict'> & {
  /** how long the run's provision phase took: cluster creation when cold, a lookup when reused */
  provisionSeconds: number;
  durationSeconds: number;
};

/** Runs one case, on the named shared cluster or (undefined) on a cluster of its own. */
export type CaseExecutor = (c: MatrixCase, cluster: string | undefined, signal: AbortSignal) => Promise<ExecutedRun>;

/** Creates and removes the clusters that groups share. */
export interface SharedClusters {
  create(group: ClusterGroup, signal: AbortSignal): Promise<{ name: string; seconds: number }>;
  remove(name: string): Promise<void>;
  /** the shared clusters not deleted yet, including one whose deletion is under way */
  remaining(): string[];
}

export interface MatrixRunDeps {
  execute: CaseExecutor;
  clusters: SharedClusters;
  progress: Progress;
  signal: AbortSignal;
  outDir: string;
  repeat: number;
}

export interface MatrixOutcome {
  cases: CaseRecord[];
  runs: Map<string, ExecutedRun[]>;
  savedSeconds: number;
}

/**
 * Adds the matrix to a Mocha suite: a describe per cluster group whose `before` creates the
 * shared cluster and `after` removes it, an `it` per run (each repeat its own test, so JUnit shows
 * every attempt) and, when repeating, an `it` per case that fails when the repeats disagree.
 * Returns the results as they accumulate; read them after mocha.run finished.
 */
export function addMatrixSuite(root: Mocha.Suite, groups: readonly ClusterGroup[], d: MatrixRunDeps): MatrixOutcome {
  const out: MatrixOutcome = { cases: [], runs: new Map(), savedSeconds: 0 };
  for (const group of groups) {
    const suite = Mocha.Suite.create(root, group.cold ? `own cluster k8s ${group.k8s.k8s} ${group.shape}` : `shared cluster k8s ${group.k8s.k8s} ${group.shape} (${count(group.cases.length, 'case')})`);
    let shared: { name: string; seconds: number } | undefined;
    if (!group.cold) {
      suite.beforeAll(`create the shared ${group.shape} cluster`, async () => {
        shared = await d.clusters.create(group, d.signal);
        d.progress.info(`shared cluster ${shared.name} ready in ${shared.seconds.toFixed(1)}s`);
      });
      suite.afterAll(`delete the shared cluster`, async () => {
        if (shared) await d.clusters.remove(shared.name);
      });
    }
    for (const c of group.cases) {
      const title = `${scenarioLabel(c.scenario.id, c.variant)} · ${targetLabel(c.target)}`;
      const attempts: AttemptRecord[] = [];
      for (let i = 1; i <= d.repeat; i += 1) {
        suite.addTest(
          new Mocha.Test(d.repeat > 1 ? `${title} (run ${i}/${d.repeat})` : title, async () => {
            if (d.signal.aborted) throw new Error('not started: the matrix was interrupted');
            if (!group.cold && !shared) throw new Error('not started: the shared cluster could not be created');
            let r: ExecutedRun;
            try {
              r = await d.execute(c, shared?.name, d.signal);
            } catch (error) {
              // a run that could not even finish still counts as an attempt: an error, never a gap
              attempts.push({ runId: '', outcome: 'inconclusive', verdict: 'error', reason: oneLine(error), report: '', durationSeconds: 0 });
              if (attempts.length === d.repeat) out.cases.push(caseRecord(c, attempts));
              throw error;
            }
            out.runs.set(c.key, [...(out.runs.get(c.key) ?? []), r]);
            if (shared) {
              const saved = Math.max(0, shared.seconds - r.provisionSeconds);
              out.savedSeconds += saved;
              d.progress.info(`reused ${shared.name}: provision ${r.provisionSeconds.toFixed(1)}s instead of ${shared.seconds.toFixed(1)}s cold — saved ${saved.toFixed(1)}s (${out.savedSeconds.toFixed(0)}s so far)`);
            }
            attempts.push(attemptOf(r, d.outDir));
            if (attempts.length === d.repeat) out.cases.push(caseRecord(c, attempts));
            expect(r.verdict, `verdict ${r.verdict}: outcome ${r.judgement.outcome} — ${r.judgement.reason}; evidence in ${r.runDir}`).to.be.oneOf(['pass', 'observed']);
          }),
        );
      }
      if (d.repeat > 1) {
        suite.addTest(
          new Mocha.Test(`${title}: same outcome in all ${d.repeat} runs`, () => {
            const record = out.cases.find((r) => r.key === c.key);
            expect(record, 'not every repeat ran').to.not.equal(undefined);
            expect(record!.verdict, `flaky: outcomes ${attempts.map((a) => a.outcome).join(', ')} (flake rate ${(record!.flakeRate * 100).toFixed(0)}%)`).to.not.equal('flaky');
          }),
        );
      }
    }
  }
  return out;
}

function attemptOf(r: ExecutedRun, outDir: string): AttemptRecord {
  const html = join(r.runDir, 'report.html');
  const report = relative(outDir, existsSync(html) ? html : join(r.runDir, 'result.json'));
  return { runId: r.runId, outcome: r.judgement.outcome, verdict: r.verdict, reason: r.judgement.reason, report, durationSeconds: r.durationSeconds };
}
