import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scenarioById } from '../../scenarios/index.ts';
import { quote, UserError } from '../errors.ts';
import type { Outcome } from '../judge/outcome.ts';
import { bisect as search, firstProbes, versionsBetween } from '../matrix/bisect.ts';
import { caseKey, targetLabel, type MatrixCase } from '../matrix/expand.ts';
import { onInterrupt } from '../runner/interrupt.ts';
import { needsColdCluster } from '../matrix/groups.ts';
import { preflight } from '../runner/preflight.ts';
import { kindClusters, realExecutor } from '../matrix/real.ts';
import type { Cleaner } from '../runner/cleanup.ts';
import { requirementsOf, targetFor, variantOf } from '../runner/plan.ts';
import { consoleProgress } from '../runner/progress.ts';
import type { TargetFlags } from '../targets/target.ts';
import { licenseForCases } from '../targets/edition.ts';
import { toolsFor } from '../targets/tool-pins.ts';
import { loadVersions } from '../targets/versions.ts';
import semver from 'semver';
import { count } from '../words.ts';

export interface BisectFlags extends Omit<TargetFlags, 'kic'> {
  good: string;
  bad: string;
  variant?: string;
  dryRun?: boolean;
  json?: boolean;
  out: string;
  installTools?: boolean;
  diagnostics?: boolean;
  licenseFile?: string;
}

/**
 * `bisect <scenario> --good A --bad B`: the first KIC version between A and B (pinned in
 * versions.yaml) whose outcome differs from A's, by binary search, on one kind cluster that the
 * probes share. Exit 0 when it found the change, 1 when A and B agree (nothing to find), 2 bad
 * input, 3 environment.
 */
export async function bisect(id: string, flags: BisectFlags): Promise<number> {
  const versions = loadVersions();
  const scenario = scenarioById(id);
  variantOf(scenario, flags.variant);
  const range = requirementsOf(scenario, flags.variant).kic;
  const ordered = versionsBetween(versions.kic.versions, flags.good, flags.bad);
  const outside = range ? ordered.filter((v) => !semver.satisfies(v, range)) : [];
  if (outside.length) throw new UserError(`${id} needs KIC ${range}; ${outside.join(', ')} between ${quote(flags.good)} and ${quote(flags.bad)} do not qualify`);
  // validates the other target flags once, for the first version
  const targetAt = (kic: string) => targetFor(scenario, versions, { ...flags, kic }, flags.variant);
  targetAt(ordered[0]!);

  if (flags.dryRun) {
    const p = firstProbes(ordered);
    const plan = { scenario: id, variant: flags.variant ?? null, target: targetLabel(targetAt(ordered[0]!)).replace(/KIC [^ ]+/, 'KIC <probe>'), versions: ordered, maxRuns: 2 + Math.ceil(Math.log2(Math.max(1, ordered.length - 1))), ...p };
    if (flags.json) console.log(JSON.stringify(plan, null, 2));
    else {
      console.log(`bisect ${id}${flags.variant ? `[${flags.variant}]` : ''} over ${count(ordered.length, 'KIC version')}: ${ordered.join(' → ')}`);
      console.log(`  target: ${plan.target}`);
      console.log(`  runs first: ${p.first.join(' (good), ')} (bad)${p.middle ? `, then ${p.middle}` : ''}`);
      if (p.middle) console.log(`  then ${p.ifMatches ?? 'nothing more'} if ${p.middle} matches good, else ${p.ifDiffers ?? 'nothing more'}`);
      console.log(`  at most ${count(plan.maxRuns, 'run')}`);
    }
    return 0;
  }

  const license = licenseForCases(versions, flags.licenseFile, [{ gateway: targetAt(ordered[0]!).gateway, needsLicense: requirementsOf(scenario, flags.variant).license !== false }]);
  await preflight({ needsDocker: true, tools: toolsFor(versions, [targetAt(ordered[0]!).k8s]), installTools: Boolean(flags.installTools), command: 'bisect' });
  const outDir = resolve(flags.out);
  mkdirSync(outDir, { recursive: true });
  const progress = consoleProgress('  ');
  const stop = new AbortController();
  let cleaner: Cleaner | undefined;
  const release = onInterrupt(stop, progress, () => cleaner?.unfinished() ?? []);
  const execute = realExecutor({ versions, outDir, diagnostics: Boolean(flags.diagnostics), ...(license !== undefined ? { license } : {}), progress, onCleaner: (c) => (cleaner = c) });
  const clusters = kindClusters(outDir, versions);
  const caseAt = (kic: string): MatrixCase => {
    const target = targetAt(kic);
    return { key: caseKey(id, flags.variant, target), scenario, variant: flags.variant, target, shape: variantOf(scenario, flags.variant)?.shape ?? scenario.shape };
  };
  const first = caseAt(ordered[0]!);
  // every probe differs only in the KIC version, so they can share one cluster unless the scenario damages it
  const shared = needsColdCluster(first) ? undefined : await clusters.create({ key: 'bisect', k8s: first.target.k8s, shape: first.shape, cold: false, cases: [] }, stop.signal);
  const runs: { version: string; outcome: Outcome; verdict: string; runDir: string }[] = [];
  try {
    const result = await search(ordered, async (kic) => {
      if (stop.signal.aborted) throw stop.signal.reason;
      progress.info(`probing KIC ${kic}`);
      const r = await execute(caseAt(kic), shared?.name, stop.signal);
      runs.push({ version: kic, outcome: r.judgement.outcome, verdict: r.verdict, runDir: r.runDir });
      progress.info(`KIC ${kic}: ${r.judgement.outcome} (${r.judgement.reason})`);
      return r.judgement.outcome;
    });
    writeFileSync(join(outDir, 'bisect.json'), JSON.stringify({ scenario: id, variant: flags.variant ?? null, versions: ordered, ...result, runs }, null, 2));
    if (!result.firstChanged) {
      console.log(`${id}: the outcome is ${result.reference} at both ${ordered[0]} and ${ordered.at(-1)}; nothing to bisect (${count(runs.length, 'run')})`);
      return 1;
    }
    const maybe = result.ambiguous.length ? ` (or one of ${result.ambiguous.join(', ')}, whose runs were inconclusive)` : '';
    const changed = result.probes.find((p) => p.version === result.firstChanged)?.outcome;
    console.log(`${id}: first KIC version whose outcome differs from ${ordered[0]}'s (${result.reference}) is ${result.firstChanged}${maybe}: ${changed}; ${count(runs.length, 'run')}: ${result.probes.map((p) => `${p.version}=${p.outcome}`).join(', ')}`);
    return 0;
  } catch (error) {
    if (stop.signal.aborted) return 130;
    throw error;
  } finally {
    if (shared) await clusters.remove(shared.name);
    release();
  }
}
