import semver from 'semver';
import { quote, UserError } from '../errors.ts';
import { gatewayVersions } from './edition.ts';
import { compareVersions, nodeImageVersion, resolvePinned } from './pinned.ts';
import type { NodeImage, Versions } from './versions-types.ts';

export const MODES = ['dbless', 'postgres'] as const;
export const TOPOLOGIES = ['single', 'split', 'hybrid'] as const;
export type Mode = (typeof MODES)[number];
export type Topology = (typeof TOPOLOGIES)[number];

/** What one run is against, resolved against versions.yaml. */
export interface Target {
  k8s: NodeImage;
  kic: string;
  gateway: string;
  /** the Gateway API release (standard channel) installed for scenarios that use it */
  gatewayApi: string;
  mode: Mode;
  topology: Topology;
  featureGates: string[];
}

/** Target flags as the user typed them; every field is optional. */
export interface TargetFlags {
  k8s?: string;
  kic?: string;
  gateway?: string;
  gatewayApi?: string;
  mode?: string;
  topology?: string;
  featureGates?: string;
}

/** What a scenario needs from its target. */
export interface Requirements {
  modes: readonly Mode[];
  topologies: readonly Topology[];
  /** a semver range the KIC version must satisfy, e.g. `>=3.4.5` for an upgrade from 3.4.4 */
  kic?: string;
  /**
   * a semver range the Kong Gateway version must satisfy, e.g. `<3.10.0` for a failure that only
   * Kong 3.9 has; four-part Enterprise versions are compared on their first three parts
   */
  gateway?: string;
  /**
   * false: the scenario runs a licensed Kong Gateway (kong/kong-gateway) without a license, on
   * purpose; every other scenario needs one for such a target (targets/edition.ts checkLicense)
   */
  license?: boolean;
  /**
   * a semver range the Gateway API release must satisfy, e.g. `>=1.5.0` for a scenario whose fault
   * upgrades the CRDs to the target's release; without a `--gateway-api` the default release is
   * taken when it qualifies, else the newest pinned one that does
   */
  gatewayApi?: string;
}

export function resolveTarget(versions: Versions, requires: Requirements, flags: TargetFlags, scenarioId: string): Target {
  const kic = pickVersion('KIC', flags.kic, versions.kic.versions, versions.kic.default);
  if (requires.kic && !semver.satisfies(kic, requires.kic)) {
    throw new UserError(`${scenarioId} needs KIC ${requires.kic}; ${kic} does not qualify (known: ${versions.kic.versions.filter((v) => semver.satisfies(v, requires.kic!)).join(', ')})`);
  }
  const mode = pickChoice('mode', flags.mode, MODES, requires.modes, scenarioId);
  const topology = pickChoice('topology', flags.topology, TOPOLOGIES, requires.topologies, scenarioId);
  if (topology === 'hybrid' && mode !== 'postgres') {
    throw new UserError('topology hybrid needs mode postgres: its control plane keeps the configuration in a database');
  }
  return {
    k8s: pickNodeImage(versions, flags.k8s),
    kic,
    gateway: pickInRange('Kong Gateway', gatewayVersions(versions), versions.gateway.default, requires.gateway, flags.gateway, scenarioId),
    gatewayApi: pickInRange('Gateway API', versions.gatewayApi.versions, versions.gatewayApi.default, requires.gatewayApi, flags.gatewayApi, scenarioId),
    mode,
    topology,
    featureGates: parseFeatureGates(flags.featureGates),
  };
}

/**
 * Whether a version satisfies a scenario's range (always, without one); a four-part Kong Gateway
 * Enterprise version is compared on its first three parts.
 */
export function inRange(version: string, range: string | undefined): boolean {
  return range === undefined || semver.satisfies(version.split('.').slice(0, 3).join('.'), range);
}

/**
 * The version named, else the default when the scenario's range admits it, else the newest
 * pinned version the range admits: a scenario about Kong Gateway Enterprise, or about Gateway API
 * 1.5+, runs on one without the user naming it.
 */
function pickInRange(what: string, known: readonly string[], fallback: string, range: string | undefined, wanted: string | undefined, scenarioId: string): string {
  const admitted = known.filter((v) => inRange(v, range)).sort(compareVersions);
  if (wanted === undefined) {
    if (inRange(fallback, range)) return fallback;
    if (admitted.length === 0) throw new UserError(`${scenarioId} needs ${what} ${range}; no pinned version qualifies`);
    return admitted.at(-1)!;
  }
  const version = resolvePinned(what, wanted, known);
  if (!inRange(version, range)) throw new UserError(`${scenarioId} needs ${what} ${range}; ${version} does not qualify (known: ${admitted.join(', ')})`);
  return version;
}

function pickVersion(what: string, wanted: string | undefined, known: string[], fallback: string): string {
  return wanted === undefined ? fallback : resolvePinned(what, wanted, known);
}

/** Node images are pinned one per Kubernetes line; the version a user names must be that image's. */
function pickNodeImage(versions: Versions, wanted: string | undefined): NodeImage {
  if (wanted === undefined) return versions.kind.nodeImages.find((n) => n.k8s === versions.kind.defaultK8s)!;
  const version = resolvePinned('Kubernetes', wanted, versions.kind.nodeImages.map(nodeImageVersion));
  return versions.kind.nodeImages.find((n) => nodeImageVersion(n) === version)!;
}

function pickChoice<T extends string>(what: string, wanted: string | undefined, all: readonly T[], allowed: readonly T[], scenarioId: string): T {
  if (wanted === undefined) return allowed[0]!;
  if (!(all as readonly string[]).includes(wanted)) throw new UserError(`unknown ${what} ${quote(wanted)}; known: ${all.join(', ')}`);
  if (!(allowed as readonly string[]).includes(wanted)) {
    throw new UserError(`${scenarioId} does not run with ${what} ${wanted}; it needs ${allowed.join(' or ')}`);
  }
  return wanted as T;
}

const GATE = /^[A-Z][A-Za-z0-9]*=(true|false)$/;

/** `--feature-gates FallbackConfiguration=true,...`, the KIC flag's own syntax. */
export function parseFeatureGates(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  const gates = text.split(',').map((g) => g.trim());
  const bad = gates.find((g) => !GATE.test(g));
  if (bad !== undefined) throw new UserError(`bad feature gate ${quote(bad)}: expected Name=true|false, comma separated`);
  return gates;
}

export function describeTarget(t: Target): string {
  const gates = t.featureGates.length ? ` gates=${t.featureGates.join(',')}` : '';
  return `k8s ${nodeImageVersion(t.k8s)} · KIC ${t.kic} · Kong ${t.gateway} · Gateway-API ${t.gatewayApi} · ${t.mode} · ${t.topology}${gates}`;
}
