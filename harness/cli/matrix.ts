import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { scenarios } from '../../scenarios/index.ts';
import { quote, UserError } from '../errors.ts';
import { isCaseSuccess } from '../matrix/flake.ts';
import { expandMatrix, parseList, scenarioLabel, targetLabel, type Expansion } from '../matrix/expand.ts';
import { executeGroups, MATRIX_FILE, writeReports } from '../matrix/execute.ts';
import { coldReason } from '../matrix/groups.ts';
import { preflight } from '../runner/preflight.ts';
import type { CaseRecord, MatrixRecord } from '../matrix/results.ts';
import { assignShards, formatShard, parseShard, shardCountFor, type Shard } from '../matrix/shard.ts';
import { mergeJUnit } from '../report/junit-merge.ts';
import { requirementsOf } from '../runner/plan.ts';
import { licenseForCases } from '../targets/edition.ts';
import { toolsFor } from '../targets/tool-pins.ts';
import { loadVersions } from '../targets/versions.ts';
import { count } from '../words.ts';
import { nodeImageVersion } from '../targets/pinned.ts';

export interface MatrixFlags {
  scenarios?: string;
  kic?: string;
  modes?: string;
  k8s?: string;
  gatewayApi?: string;
  gateway?: string;
  licenseFile?: string;
  shard?: string;
  /** how many shards --emit-github-matrix splits into; default from the estimated time */
  shards?: string;
  repeat?: string;
  dryRun?: boolean;
  emitGithubMatrix?: boolean;
  json?: boolean;
  /** merge the matrix.json / junit.xml found under this directory (downloaded shard artifacts) */
  collect?: string;
  out: string;
  installTools?: boolean;
  diagnostics?: boolean;
}

export function parseCount(what: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > max) throw new UserError(`bad ${what} ${quote(text)}: expected a whole number from 1 to ${max}`);
  return n;
}

/**
 * `matrix`: expands scenarios × targets, splits them into shards and cluster groups, and runs one
 * shard (or all) on kind. `--dry-run` and `--emit-github-matrix` work offline. Exit 0 when every
 * case passed or was observed, 1 otherwise (flaky included), 2 bad input, 3 environment.
 */
export async function matrix(flags: MatrixFlags): Promise<number> {
  if (flags.collect !== undefined) return collect(flags.collect, flags.out);
  const versions = loadVersions();
  const repeat = parseCount('--repeat', flags.repeat, 1, 20);
  const expansion = expandMatrix(scenarios, versions, {
    ...optional('scenarios', parseList(flags.scenarios)),
    ...optional('kic', parseList(flags.kic)),
    ...optional('modes', parseList(flags.modes)),
    ...optional('k8s', parseList(flags.k8s)),
    ...optional('gatewayApi', parseList(flags.gatewayApi)),
    ...optional('gateway', parseList(flags.gateway)),
  });
  const wanted = flags.shard === undefined ? undefined : parseShard(flags.shard);
  if (flags.emitGithubMatrix) {
    const count = wanted?.count ?? parseCount('--shards', flags.shards, shardCountFor(expansion.cases, repeat), 256);
    const shards = assignShards(expansion.cases, count, repeat);
    console.log(JSON.stringify(githubMatrix(shards)));
    return 0;
  }
  const shards = assignShards(expansion.cases, wanted?.count ?? 1, repeat);
  const mine = shards[(wanted?.index ?? 1) - 1]!;
  if (flags.dryRun) {
    console.log(flags.json ? JSON.stringify(planJson(expansion, shards, wanted ? mine : undefined, repeat), null, 2) : planText(expansion, shards, wanted ? mine : undefined, repeat));
    return 0;
  }
  if (mine.cases.length === 0) {
    console.log(`shard ${formatShard(mine)} has no cases`);
    writeReports(mkdirp(resolve(flags.out)), { kind: 'kong-chaos-matrix', shard: wanted ? formatShard(mine) : null, cases: [], savedSeconds: 0 });
    return 0;
  }
  const license = licenseForCases(versions, flags.licenseFile, mine.cases.map((c) => ({ gateway: c.target.gateway, needsLicense: requirementsOf(c.scenario, c.variant).license !== false })));
  await preflight({ needsDocker: true, tools: toolsFor(versions, mine.groups.map((g) => g.k8s)), installTools: Boolean(flags.installTools), command: 'matrix' });
  const done = await executeGroups(mine.groups, { versions, out: flags.out, repeat, diagnostics: Boolean(flags.diagnostics), shard: wanted ? formatShard(mine) : null, ...(license !== undefined ? { license } : {}) });
  if (done.interrupted) return 130;
  return done.failures > 0 || done.record.cases.some((c) => !isCaseSuccess(c.verdict)) ? 1 : 0;
}

function optional<K extends string>(key: K, value: string[] | undefined): Partial<Record<K, string[]>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string[]>);
}

function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** What `strategy.matrix` takes: one job per non-empty shard. */
export function githubMatrix(shards: readonly Shard[]): { include: { shard: string; cases: number; clusters: number; estimate_minutes: number }[] } {
  return {
    include: shards
      .filter((s) => s.cases.length > 0)
      .map((s) => ({ shard: formatShard(s), cases: s.cases.length, clusters: s.groups.length, estimate_minutes: Math.ceil(s.estimateSeconds / 60) })),
  };
}

function planJson(e: Expansion, shards: readonly Shard[], only: Shard | undefined, repeat: number) {
  return {
    repeat,
    cases: e.cases.length,
    omitted: e.omitted.map((o) => ({ scenario: scenarioLabel(o.scenario, o.variant), reason: o.reason })),
    shards: (only ? [only] : shards).map((s) => ({
      shard: formatShard(s),
      estimateMinutes: Math.ceil(s.estimateSeconds / 60),
      groups: s.groups.map((g) => ({ cluster: g.key, k8s: g.k8s.k8s, shape: g.shape, gatewayApi: g.gatewayApi ?? null, cold: g.cold, cases: g.cases.map((c) => ({ key: c.key, scenario: c.scenario.id, variant: c.variant ?? null, target: targetLabel(c.target) })) })),
    })),
  };
}

function planText(e: Expansion, shards: readonly Shard[], only: Shard | undefined, repeat: number): string {
  const lines = [`${count(e.cases.length, 'case')}${repeat > 1 ? ` × ${repeat} repeats` : ''} in ${count(shards.length, 'shard')}`];
  for (const s of only ? [only] : shards) {
    lines.push('', `shard ${formatShard(s)}: ${count(s.cases.length, 'case')}, ${count(s.groups.length, 'cluster')}, about ${Math.ceil(s.estimateSeconds / 60)} min`);
    for (const g of s.groups) {
      const apart = g.gatewayApi ? ` for Gateway API ${g.gatewayApi} (no older CRDs after its safe-upgrades policy)` : '';
      const own = g.cold && g.cases[0] ? coldReason(g.cases[0]) : undefined;
      lines.push(`  cluster k8s ${nodeImageVersion(g.k8s)} ${g.shape}${apart}${own ? ` (its own: ${own})` : ` (shared by ${g.cases.length})`}`);
      for (const c of g.cases) lines.push(`    ${scenarioLabel(c.scenario.id, c.variant)} · ${targetLabel(c.target)}`);
    }
  }
  if (e.omitted.length) {
    lines.push('', 'not run:');
    for (const o of e.omitted) lines.push(`  ${scenarioLabel(o.scenario, o.variant)}: ${o.reason}`);
  }
  return lines.join('\n');
}

/** Every matrix.json under `dir`, with the junit.xml beside it. */
function findShardReports(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name === MATRIX_FILE) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}

/** Merges shard reports (CI artifacts) into one matrix.json, summary.md, matrix.html and junit.xml under `out`. */
function collect(dir: string, out: string): number {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`--collect needs a directory; ${quote(dir)} is not one`);
  const files = findShardReports(dir);
  if (files.length === 0) throw new UserError(`no ${MATRIX_FILE} under ${quote(dir)}`);
  const outDir = mkdirp(resolve(out));
  const cases: CaseRecord[] = [];
  let saved = 0;
  const junit: string[] = [];
  for (const file of files) {
    const m = readRecord(file);
    const rebase = (p: string) => (p === '' ? p : relative(outDir, join(dirname(file), p)));
    cases.push(...m.cases.map((c) => ({ ...c, attempts: c.attempts.map((a) => ({ ...a, report: rebase(a.report) })) })));
    saved += m.savedSeconds;
    const xml = join(dirname(file), 'junit.xml');
    if (existsSync(xml)) junit.push(readFileSync(xml, 'utf8'));
  }
  const record: MatrixRecord = { kind: 'kong-chaos-matrix', shard: null, cases, savedSeconds: saved };
  writeReports(outDir, record);
  writeFileSync(join(outDir, 'junit.xml'), mergeJUnit(junit));
  console.log(`merged ${count(files.length, 'shard report')} (${count(cases.length, 'case')}) into ${outDir}`);
  return cases.every((c) => isCaseSuccess(c.verdict)) ? 0 : 1;
}

function readRecord(file: string): MatrixRecord {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new UserError(`${file} is not JSON`);
  }
  const m = value as Partial<MatrixRecord>;
  if (m?.kind !== 'kong-chaos-matrix' || !Array.isArray(m.cases)) throw new UserError(`${file} is not a kong-chaos matrix report`);
  return { kind: 'kong-chaos-matrix', shard: m.shard ?? null, cases: m.cases, savedSeconds: Number(m.savedSeconds) || 0 };
}
