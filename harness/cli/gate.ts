import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarios } from '../../scenarios/index.ts';
import { readBundle } from '../evidence/bundle.ts';
import { oneLine, quote, UserError } from '../errors.ts';
import { expandMatrix, caseKey, scenarioLabel, targetLabel, type MatrixCase } from '../matrix/expand.ts';
import { executeGroups } from '../matrix/execute.ts';
import { decideGate, DEFAULT_MIN_SUCCESS_RATIO, type GateComponent, type GateInput, type GateRun, type UpgradeRun } from '../matrix/gate.ts';
import { groupCases } from '../matrix/groups.ts';
import { preflight } from '../runner/preflight.ts';
import type { ExecutedRun } from '../matrix/runner.ts';
import { gateMarkdown } from '../report/markdown.ts';
import { expectationsOf, requirementsOf } from '../runner/plan.ts';
import { expectationFor } from '../judge/expectations.ts';
import type { Scenario } from '../runner/scenario.ts';
import { MODES, resolveTarget, type Mode } from '../targets/target.ts';
import { gatewayVersions, licenseForCases } from '../targets/edition.ts';
import { resolvePinned } from '../targets/pinned.ts';
import { downgradeReason } from '../targets/upgrades.ts';
import { toolsFor } from '../targets/tool-pins.ts';
import { loadVersions } from '../targets/versions.ts';
import type { Versions } from '../targets/versions-types.ts';
import { count } from '../words.ts';

/** The catalog's scenario that upgrades A to B under traffic with a representative configuration. */
export const UPGRADE_SCENARIO = 'upgrade-gate';

export interface GateFlags {
  from: string;
  to: string;
  component?: string;
  mode?: string;
  dryRun?: boolean;
  out: string;
  installTools?: boolean;
  diagnostics?: boolean;
  licenseFile?: string;
}

interface Side {
  kic: string;
  gateway: string;
}

/** `--from`/`--to` per component: a KIC version, a Kong version, or `KIC/KONG` for both. */
export function parseSide(text: string, component: GateComponent, v: Versions, flag: string): Side {
  const check = (what: string, value: string, known: string[]) => {
    try {
      return resolvePinned(what, value, known);
    } catch (error) {
      throw new UserError(`${flag}: ${oneLine(error)}`);
    }
  };
  if (component === 'both') {
    const parts = text.split('/');
    if (parts.length !== 2) throw new UserError(`${flag} with --component both takes KIC/KONG, e.g. 3.4.4/3.9.0; got ${quote(text)}`);
    return { kic: check('KIC', parts[0]!, v.kic.versions), gateway: check('Kong Gateway', parts[1]!, gatewayVersions(v)) };
  }
  if (component === 'kic') return { kic: check('KIC', text, v.kic.versions), gateway: v.gateway.default };
  return { kic: v.kic.default, gateway: check('Kong Gateway', text, gatewayVersions(v)) };
}

/** The upgrade-gate scenario installing A first; its fault upgrades to the target's (B's) versions. */
export function upgradingFrom(s: Scenario, from: Side): Scenario {
  return {
    ...s,
    // both sides are always pinned: A is exactly what runs before the upgrade, whatever the
    // scenario would pick on its own (for a gateway-only gate, from.kic equals to.kic)
    install: (target, variant) => ({ ...s.install(target, variant), initialKic: from.kic, initialGateway: from.gateway }),
  };
}

interface GatePlan {
  component: GateComponent;
  from: Side;
  to: Side;
  mode: Mode;
  upgrade: MatrixCase | undefined;
  catalog: MatrixCase[];
  omitted: { scenario: string; reason: string }[];
}

export function planGate(flags: GateFlags, versions: Versions, all: readonly Scenario[]): GatePlan {
  const component = (flags.component ?? 'kic') as GateComponent;
  if (!['kic', 'gateway', 'both'].includes(component)) throw new UserError(`unknown --component ${quote(String(flags.component))}; known: kic, gateway, both`);
  const from = parseSide(flags.from, component, versions, '--from');
  const to = parseSide(flags.to, component, versions, '--to');
  if (from.kic === to.kic && from.gateway === to.gateway) throw new UserError('--from and --to are the same versions; there is no upgrade to check');
  // the gate installs A and upgrades to B; going back in version or in build is a different question
  const backwards = downgradeReason(from.kic, to.kic, versions.kic.released) ?? downgradeReason(from.gateway, to.gateway);
  if (backwards) throw new UserError(`--from ${sideText(from, component)} --to ${sideText(to, component)} is a downgrade: ${backwards}; the gate checks upgrades only`);
  const gate = all.find((s) => s.id === UPGRADE_SCENARIO);
  const mode = (flags.mode ?? gate?.requires.modes[0] ?? 'dbless') as Mode;
  if (!MODES.includes(mode)) throw new UserError(`unknown mode ${quote(String(flags.mode))}; known: ${MODES.join(', ')}`);
  let upgrade: MatrixCase | undefined;
  if (gate) {
    const req = requirementsOf(gate, undefined);
    if (!req.modes.includes(mode)) throw new UserError(`${UPGRADE_SCENARIO} does not run with mode ${mode}; it needs ${req.modes.join(' or ')}`);
    const target = resolveTarget(versions, req, { kic: to.kic, gateway: to.gateway, mode }, gate.id);
    upgrade = { key: caseKey(gate.id, undefined, target), scenario: upgradingFrom(gate, from), variant: undefined, target, shape: gate.shape };
  }
  const others = all.filter((s) => s.id !== UPGRADE_SCENARIO);
  const expansion = others.length ? expandMatrix(others, versions, { kic: [to.kic], modes: [mode], gateway: [to.gateway] }) : { cases: [], omitted: [] };
  return { component, from, to, mode, upgrade, catalog: expansion.cases, omitted: expansion.omitted.map((o) => ({ scenario: scenarioLabel(o.scenario, o.variant), reason: o.reason })) };
}

/** Whether the catalog expects the case's failure on KIC `kic` (expectations are keyed by KIC version). */
function expectsFailure(c: MatrixCase, kic: string): boolean {
  const e = expectationFor(expectationsOf(c.scenario, c.variant), kic);
  return e !== undefined && e.accepted !== 'observe' && e.accepted.includes('reproduced');
}

/** The dry run says up front which catalog cases the catalog expects to fail the gate. */
function knownFailures(p: GatePlan): string[] {
  const known = p.catalog.filter((c) => expectsFailure(c, c.target.kic) && !expectsFailure(c, p.from.kic));
  return known.length ? ['  known failures of B that A does not have (the catalog expects them to reproduce, failing the gate):', ...known.map((c) => `     ${scenarioLabel(c.scenario.id, c.variant)}`)] : [];
}

function sideText(s: Side, c: GateComponent): string {
  return c === 'kic' ? s.kic : c === 'gateway' ? s.gateway : `${s.kic}/${s.gateway}`;
}

/**
 * `gate`: installs A under traffic, upgrades to B (the upgrade-gate scenario), and runs every
 * catalog scenario that applies to B. Exit 0 when B is safe, 1 when it is not (the Markdown
 * report says why), 2 bad input, 3 environment.
 */
export async function gate(flags: GateFlags): Promise<number> {
  const versions = loadVersions();
  const p = planGate(flags, versions, scenarios);
  const [from, to] = [sideText(p.from, p.component), sideText(p.to, p.component)];
  if (flags.dryRun) {
    const lines = [
      `upgrade gate: ${p.component} ${from} → ${to} (mode ${p.mode})`,
      p.upgrade ? `  1. ${UPGRADE_SCENARIO}: install KIC ${p.component === 'gateway' ? p.to.kic : p.from.kic} / Kong ${p.component === 'kic' ? p.to.gateway : p.from.gateway} with the representative configuration under steady traffic, upgrade to ${targetLabel(p.upgrade.target)}` : `  1. no ${UPGRADE_SCENARIO} scenario is registered: the gate cannot pass without it`,
      `  2. ${count(p.catalog.length, 'catalog case')} that apply to ${to}:`,
      ...p.catalog.map((c) => `     ${scenarioLabel(c.scenario.id, c.variant)} · ${targetLabel(c.target)}`),
      ...(p.omitted.length ? ['  not applicable to B:', ...p.omitted.map((o) => `     ${o.scenario}: ${o.reason}`)] : []),
      ...knownFailures(p),
      `  fails on: any regression or inconclusive run, a known failure of B that A does not have, any catalog signature during or after the upgrade, traffic below ${(DEFAULT_MIN_SUCCESS_RATIO * 100).toFixed(0)}% success during it, Admin API entity drift`,
    ];
    console.log(lines.join('\n'));
    return 0;
  }
  const cases = [...(p.upgrade ? [p.upgrade] : []), ...p.catalog];
  // the upgrade case installs A first: a licensed A needs the license as much as a licensed B
  const license = licenseForCases(versions, flags.licenseFile, [
    ...cases.map((c) => ({ gateway: c.target.gateway, needsLicense: requirementsOf(c.scenario, c.variant).license !== false })),
    { gateway: p.from.gateway, needsLicense: true },
  ]);
  await preflight({ needsDocker: true, tools: toolsFor(versions, cases.map((c) => c.target.k8s)), installTools: Boolean(flags.installTools), command: 'gate' });
  const done = await executeGroups(groupCases(cases), { versions, out: flags.out, repeat: 1, diagnostics: Boolean(flags.diagnostics), shard: null, ...(license !== undefined ? { license } : {}) });
  if (done.interrupted) return 130;
  const runOf = (c: MatrixCase) => done.runs.get(c.key)?.[0];
  const gateRun = (c: MatrixCase, r: ExecutedRun): GateRun => ({ scenario: c.scenario.id, variant: c.variant ?? null, target: targetLabel(c.target), outcome: r.judgement.outcome, verdict: r.verdict, reason: r.judgement.reason, runDir: r.runDir, expectedOnFrom: expectsFailure(c, p.from.kic) });
  const input: GateInput = {
    from,
    to,
    component: p.component,
    upgrade: p.upgrade && runOf(p.upgrade) ? upgradeRun(p.upgrade, runOf(p.upgrade)!, gateRun) : undefined,
    catalog: p.catalog.flatMap((c) => {
      const r = runOf(c);
      return r ? [gateRun(c, r)] : [{ scenario: c.scenario.id, variant: c.variant ?? null, target: targetLabel(c.target), outcome: 'inconclusive' as const, verdict: 'error' as const, reason: 'the run did not finish', runDir: '' }];
    }),
    minSuccessRatio: sloOf(p.upgrade?.scenario),
  };
  const decision = decideGate(input);
  const report = gateMarkdown(input, decision);
  writeFileSync(join(done.outDir, 'gate.md'), report);
  console.log(report);
  return decision.safe ? 0 : 1;
}

function upgradeRun(c: MatrixCase, r: ExecutedRun, base: (c: MatrixCase, r: ExecutedRun) => GateRun): UpgradeRun {
  return {
    ...base(c, r),
    symptoms: r.judgement.symptoms.map((s) => ({ signature: s.signature, summary: s.summary, firstSeen: s.firstSeen })),
    window: r.judgement.window,
    observations: readBundle(r.runDir).observations,
  };
}

/** The upgrade scenario's own traffic SLO when it states one. */
function sloOf(s: Scenario | undefined): number {
  const slo = s?.signatures.find((g) => g.kind === 'slo');
  return slo?.kind === 'slo' && slo.minSuccessRatio !== undefined ? slo.minSuccessRatio : DEFAULT_MIN_SUCCESS_RATIO;
}
