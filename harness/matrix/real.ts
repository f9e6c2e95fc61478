import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readShape } from '../cluster/kind-config.ts';
import { KindProvider } from '../cluster/kind.ts';
import { newRunId } from '../cluster/names.ts';
import type { Cluster } from '../cluster/provider.ts';
import { readBundle } from '../evidence/bundle.ts';
import type { Observation, StepEntry } from '../evidence/types.ts';
import type { Cleaner } from '../runner/cleanup.ts';
import type { Progress } from '../runner/progress.ts';
import { runOne } from '../runner/run.ts';
import { binaryOf, kindPinFor } from '../targets/tool-pins.ts';
import type { Versions } from '../targets/versions-types.ts';
import type { CaseExecutor, SharedClusters } from './runner.ts';

export interface RealRunOptions {
  versions: Versions;
  outDir: string;
  diagnostics: boolean;
  /** the Kong Gateway Enterprise license, for licensed cases */
  license?: string;
  progress: Progress;
  onCleaner?: (cleaner: Cleaner | undefined) => void;
}

/** Each case through the real runner; on a shared cluster through its `--reuse-cluster` path. */
export function realExecutor(o: RealRunOptions): CaseExecutor {
  return async (c, cluster, signal) => {
    const started = Date.now();
    const r = await runOne(c.scenario, c.target, c.variant, {
      versions: o.versions,
      outDir: o.outDir,
      keepCluster: false,
      ...(cluster ? { reuseCluster: cluster } : {}),
      diagnostics: o.diagnostics,
      ...(o.license !== undefined ? { license: o.license } : {}),
      signal,
      progress: o.progress,
      ...(o.onCleaner ? { onCleaner: o.onCleaner } : {}),
    });
    return { ...r, provisionSeconds: provisionSeconds(readBundle(r.runDir).observations), durationSeconds: (Date.now() - started) / 1000 };
  };
}

/** The provision phase's length on a run's timeline, 0 when it never ended. */
export function provisionSeconds(observations: readonly Observation[]): number {
  const steps = observations.filter((o): o is StepEntry => o.kind === 'step' && o.phase === 'provision');
  const start = steps.find((s) => s.state === 'start');
  const end = steps.find((s) => s.state !== 'start' && start !== undefined && s.at >= start.at);
  return start && end ? (end.at - start.at) / 1000 : 0;
}

/** kind clusters that a group's runs share, made by the same provider a single run uses. */
export function kindClusters(outDir: string, versions: Versions): SharedClusters {
  const made = new Map<string, { provider: KindProvider; cluster: Cluster }>();
  return {
    async create(group, signal) {
      const runId = newRunId();
      const runDir = join(outDir, `cluster-${runId}`);
      mkdirSync(runDir, { recursive: true });
      const provider = new KindProvider({ runId, runDir, shapeText: readShape(group.shape), image: group.k8s, kindBinary: binaryOf(kindPinFor(versions, group.k8s)), keep: false });
      const started = Date.now();
      const cluster = await provider.acquire(signal);
      made.set(cluster.name, { provider, cluster });
      return { name: cluster.name, seconds: (Date.now() - started) / 1000 };
    },
    async remove(name) {
      const m = made.get(name);
      if (!m) return;
      try {
        await m.provider.release(m.cluster);
      } finally {
        made.delete(name);
      }
    },
    remaining: () => [...made.keys()],
  };
}
