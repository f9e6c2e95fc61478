import semver from 'semver';
import { didYouMean, quote, UserError } from '../errors.ts';
import { expectationFor, type ExpectationTable } from '../judge/expectations.ts';
import { expectationsOf, requirementsOf, variantOf } from '../runner/plan.ts';
import type { ClusterShape, Scenario } from '../runner/scenario.ts';
import { describeTarget, inRange, MODES, resolveTarget, type Mode, type Target } from '../targets/target.ts';
import { gatewayVersions } from '../targets/edition.ts';
import { compareVersions, lineOf, nodeImageVersion, resolvePinned } from '../targets/pinned.ts';
import type { Versions } from '../targets/versions-types.ts';

/** One scenario (or one of its variants) against one target: a cell of the matrix. */
export interface MatrixCase {
  /** stable identity: sorting, sharding and report rows/columns all key on it */
  key: string;
  scenario: Scenario;
  variant: string | undefined;
  target: Target;
  shape: ClusterShape;
}

/** What the user narrowed the matrix to; an absent list means "the default". */
export interface MatrixSelection {
  scenarios?: string[];
  kic?: string[];
  modes?: string[];
  k8s?: string[];
  /** Gateway API releases, for the scenarios that install Gateway API; the default and the newest otherwise */
  gatewayApi?: string[];
  /** Kong Gateway versions or lines (OSS or Enterprise) for every case; the pinned default otherwise */
  gateway?: string[];
}

/** A scenario (or variant) that produced no case, and why, so a dry run can say what is left out. */
export interface Omission {
  scenario: string;
  variant: string | undefined;
  reason: string;
}

export interface Expansion {
  cases: MatrixCase[];
  omitted: Omission[];
}

export function scenarioLabel(id: string, variant: string | undefined): string {
  return variant ? `${id}[${variant}]` : id;
}

/** The column a case falls in: everything of the target except the scenario. */
export function targetLabel(t: Target): string {
  return describeTarget(t);
}

export function caseKey(id: string, variant: string | undefined, t: Target): string {
  const gates = t.featureGates.length ? `/${t.featureGates.join(',')}` : '';
  return `${scenarioLabel(id, variant)}@k8s${t.k8s.k8s}/kic${t.kic}/kong${t.gateway}/gwapi${t.gatewayApi}/${t.mode}/${t.topology}${gates}`;
}

/**
 * scenarios × variants × modes × topologies × KIC × Kubernetes (× Gateway API for the scenarios
 * that install it; the others run on the default, as one case), keeping only what each
 * scenario's requirements admit: a split-only scenario never runs in single, a postgres-only one
 * never runs DB-less, a KIC range excludes older releases. Hybrid needs postgres (target.ts).
 */
export function expandMatrix(all: readonly Scenario[], versions: Versions, selection: MatrixSelection): Expansion {
  const chosen = pickScenarios(all, selection.scenarios);
  const modes = pickModes(selection.modes);
  // a line and its pinned patch are the same node image: one case, not two
  const k8s = selection.k8s ? [...new Set(selection.k8s.map((v) => resolvePinned('Kubernetes', v, versions.kind.nodeImages.map(nodeImageVersion))))] : [versions.kind.defaultK8s];
  const kicSelected = selection.kic && [...new Set(selection.kic.map((v) => resolvePinned('KIC', v, versions.kic.versions)))];
  const gatewaysSelected = selection.gateway && [...new Set(selection.gateway.map((v) => resolvePinned('Kong Gateway', v, gatewayVersions(versions))))];
  const gatewayApis = [...new Set((selection.gatewayApi ?? defaultGatewayApis(versions)).map((v) => resolvePinned('Gateway API', v, versions.gatewayApi.versions)))];
  const cases: MatrixCase[] = [];
  const omitted: Omission[] = [];
  for (const scenario of chosen) {
    for (const variant of [undefined, ...Object.keys(scenario.variants)]) {
      const req = requirementsOf(scenario, variant);
      const shape = variantOf(scenario, variant)?.shape ?? scenario.shape;
      const okModes = req.modes.filter((m) => modes.includes(m));
      if (okModes.length === 0) {
        omitted.push({ scenario: scenario.id, variant, reason: `needs mode ${req.modes.join(' or ')}; selected ${modes.join(', ')}` });
        continue;
      }
      const kics = (kicSelected ?? defaultKicVersions(versions, expectationTables(scenario))).filter((v) => !req.kic || semver.satisfies(v, req.kic));
      if (kics.length === 0) {
        omitted.push({ scenario: scenario.id, variant, reason: `needs KIC ${req.kic}; none of ${selection.kic?.join(', ')} qualifies` });
        continue;
      }
      const gateways = (gatewaysSelected ?? defaultGateways(versions, req.gateway)).filter((v) => inRange(v, req.gateway));
      if (gateways.length === 0) {
        omitted.push({ scenario: scenario.id, variant, reason: `needs Kong Gateway ${req.gateway}; none of ${gatewaysSelected?.join(', ')} qualifies` });
        continue;
      }
      const qualifyingApis = gatewayApis.filter((v) => inRange(v, req.gatewayApi));
      if (qualifyingApis.length === 0) {
        omitted.push({ scenario: scenario.id, variant, reason: `needs Gateway API ${req.gatewayApi}; none of ${gatewayApis.join(', ')} qualifies` });
        continue;
      }
      for (const mode of okModes) {
        for (const topology of req.topologies) {
          if (topology === 'hybrid' && mode !== 'postgres') continue;
          for (const kic of kics) {
            for (const minor of k8s) {
              for (const gateway of gateways) {
                const base = resolveTarget(versions, req, { kic, mode, topology, k8s: minor, gateway }, scenario.id);
                const apis = scenario.install(base, variant).gatewayApi ? qualifyingApis : [base.gatewayApi];
                for (const gatewayApi of apis) {
                  const target = { ...base, gatewayApi };
                  cases.push({ key: caseKey(scenario.id, variant, target), scenario, variant, target, shape });
                }
              }
            }
          }
        }
      }
    }
  }
  cases.sort((a, b) => compareKeys(a.key, b.key));
  return { cases, omitted };
}

/**
 * The Gateway API releases a nightly needs when none are named: the default (what KIC is built
 * against) and the newest pinned, the one operators move to; the releases between add little.
 */
export function defaultGatewayApis(versions: Versions): string[] {
  const newest = [...versions.gatewayApi.versions].sort(compareVersions).at(-1)!;
  return [...new Set([versions.gatewayApi.default, newest])];
}

/**
 * The Kong Gateway versions a scenario runs on when none are named: the default when its range
 * admits it, else the newest pinned release of every line the range admits (a scenario about
 * Kong Gateway Enterprise covers each of its lines, not only the newest).
 */
export function defaultGateways(versions: Versions, range: string | undefined): string[] {
  if (inRange(versions.gateway.default, range)) return [versions.gateway.default];
  const newestOfLine = new Map<string, string>();
  for (const v of gatewayVersions(versions).filter((g) => inRange(g, range)).sort(compareVersions)) newestOfLine.set(lineOf(v), v);
  return [...newestOfLine.values()];
}

/** The scenario's table and every variant's own, since each variant is a case of its own. */
function expectationTables(s: Scenario): ExpectationTable[] {
  return [s.expectations, ...Object.keys(s.variants).map((v) => expectationsOf(s, v))];
}

/**
 * The KIC versions a nightly needs when none are named: the newest release of every minor line
 * (what users upgrade to), plus both sides of every boundary where one of the scenario's
 * expectation tables changes its rule (where a regression would first show). Running all
 * ~35 pinned releases per scenario would cost hours and say little more.
 */
export function defaultKicVersions(versions: Versions, tables: readonly ExpectationTable[]): string[] {
  const ordered = [...versions.kic.versions].sort(semver.compare);
  const picked = new Set<string>();
  const newestOfLine = new Map<string, string>();
  for (const v of ordered) newestOfLine.set(`${semver.major(v)}.${semver.minor(v)}`, v);
  for (const v of newestOfLine.values()) picked.add(v);
  for (const table of tables) {
    const rule = (v: string) => expectationFor(table, v)?.range ?? null;
    for (let i = 1; i < ordered.length; i += 1) {
      if (rule(ordered[i - 1]!) !== rule(ordered[i]!)) {
        picked.add(ordered[i - 1]!);
        picked.add(ordered[i]!);
      }
    }
  }
  return [...picked].sort(semver.compare);
}

function pickScenarios(all: readonly Scenario[], ids: string[] | undefined): Scenario[] {
  if (!ids) return [...all];
  const unknown = ids.filter((id) => !all.some((s) => s.id === id));
  if (unknown.length) throw new UserError(`unknown scenario ${quote(unknown[0]!)}${didYouMean(unknown[0]!, all.map((s) => s.id))}; known: ${all.map((s) => s.id).join(', ')}`);
  return all.filter((s) => ids.includes(s.id));
}

function pickModes(wanted: string[] | undefined): Mode[] {
  if (!wanted) return [...MODES];
  checkKnown('mode', wanted, MODES);
  return wanted as Mode[];
}

function checkKnown(what: string, wanted: string[] | undefined, known: readonly string[]): void {
  const bad = wanted?.find((w) => !known.includes(w));
  if (bad !== undefined) throw new UserError(`unknown ${what} ${quote(bad)}; known: ${known.join(', ')}`);
}

/** Keys compare with their version numbers in numeric order, so 3.4.10 comes after 3.4.9. */
export function compareKeys(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** `a,b , c` → ['a','b','c']; undefined stays undefined (the default applies). */
export function parseList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return items.length ? items : undefined;
}
