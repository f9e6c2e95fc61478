import type { AdminEntry, Observation, RouteEntry, TrafficEntry } from '../evidence/types.ts';
import type { Outcome } from '../judge/outcome.ts';
import type { Verdict } from '../judge/verdict.ts';

export type GateComponent = 'kic' | 'gateway' | 'both';

/** One judged run as the gate sees it. */
export interface GateRun {
  scenario: string;
  variant: string | null;
  target: string;
  outcome: Outcome;
  verdict: Verdict;
  reason: string;
  runDir: string;
  /**
   * whether the catalog expects this failure on A too: a failure B reproduces is one the upgrade
   * brings in only when A does not have it (absent: the upgrade run itself, or unknown)
   */
  expectedOnFrom?: boolean;
}

/** The run that upgraded A to B under traffic, with its evidence. */
export interface UpgradeRun extends GateRun {
  symptoms: { signature: string; summary: string; firstSeen: number }[];
  /** from the fault (the upgrade) to the end of the observation window; absent when the run never got there */
  window: { faultAt: number; observedUntil: number } | undefined;
  observations: readonly Observation[];
}

export interface GateInput {
  from: string;
  to: string;
  component: GateComponent;
  /** undefined when no `upgrade-gate` scenario is registered, or its run could not start */
  upgrade: UpgradeRun | undefined;
  /** the catalog scenarios that apply to B, run on B */
  catalog: GateRun[];
  /** the lowest share of successful requests allowed during the upgrade */
  minSuccessRatio: number;
}

export type GateRule = 'regression' | 'inconclusive' | 'known-failure' | 'signature' | 'slo' | 'drift' | 'missing';

export interface GateFinding {
  rule: GateRule;
  message: string;
}

export interface GateDecision {
  safe: boolean;
  findings: GateFinding[];
  /** worth a reviewer's attention without blocking: e.g. a bug that B fixed, so the catalog needs updating */
  notes: string[];
}

/** The catalog's SLO for traffic through an upgrade when the scenario names none. */
export const DEFAULT_MIN_SUCCESS_RATIO = 0.99;

/**
 * B is safe only if nothing speaks against it: no run regressed, every run was conclusive (an
 * inconclusive run proves nothing), no known failure reproduced on B that A does not have (a
 * `pass` verdict only says the catalog expected it there: KIC 3.5.5 on Kong 3.9 breaks every TLS
 * configuration exactly as expected, and is still no version to upgrade to), no catalog signature fired during or after the upgrade,
 * traffic held the SLO through the upgrade, and the Admin API holds the same entities after it
 * as before (no duplicates, no orphans, none lost or re-created under a new id).
 */
export function decideGate(input: GateInput): GateDecision {
  const findings: GateFinding[] = [];
  const notes: string[] = [];
  const runs = [...(input.upgrade ? [input.upgrade] : []), ...input.catalog];
  for (const r of runs) {
    const name = `${r.scenario}${r.variant ? `[${r.variant}]` : ''} on ${r.target}`;
    if (r.verdict === 'regression') findings.push({ rule: 'regression', message: `${name}: ${r.outcome}, worse than the catalog expects — ${r.reason} (evidence: ${r.runDir})` });
    if (r.verdict === 'error') findings.push({ rule: 'inconclusive', message: `${name}: inconclusive, so it proves nothing — ${r.reason} (evidence: ${r.runDir})` });
    if (r.verdict === 'fixed') notes.push(`${name}: ${r.outcome}, better than the catalog expects; update the catalog`);
  }
  for (const r of input.catalog.filter((c) => c.outcome === 'reproduced' && c.verdict === 'pass')) {
    const name = `${r.scenario}${r.variant ? `[${r.variant}]` : ''} on ${r.target}`;
    if (r.expectedOnFrom) notes.push(`${name}: reproduced, a known failure of ${input.from} too; the upgrade neither brings nor fixes it`);
    else findings.push({ rule: 'known-failure', message: `${name}: reproduced, a known failure of ${input.to} that ${input.from} does not have — ${r.reason} (evidence: ${r.runDir})` });
  }
  const up = input.upgrade;
  if (!up) {
    findings.push({ rule: 'missing', message: 'the upgrade itself was not exercised (no upgrade-gate run): nothing shows that traffic and configuration survive it' });
  } else if (up.window) {
    for (const s of up.symptoms) findings.push({ rule: 'signature', message: `${s.signature} seen ${Math.round((s.firstSeen - up.window.faultAt) / 1000)}s after the upgrade began: ${s.summary}` });
    const traffic = trafficFinding(up.observations, up.window, input.minSuccessRatio);
    if (traffic) findings.push(traffic);
    findings.push(...entityDrift(up.observations, up.window));
  }
  return { safe: findings.length === 0, findings, notes };
}

const percent = (r: number) => `${(r * 100).toFixed(2)}%`;

/**
 * Traffic from the upgrade to the end of the window, from the traffic probe when it ran, else
 * from the route checks; with neither, the gate cannot say that traffic held, and says so.
 */
export function trafficFinding(observations: readonly Observation[], w: { faultAt: number; observedUntil: number }, min: number): GateFinding | undefined {
  const traffic = observations.filter((o): o is TrafficEntry => o.kind === 'traffic' && o.to >= w.faultAt && o.from <= w.observedUntil);
  if (traffic.length) {
    const sent = traffic.reduce((n, t) => n + t.sent, 0);
    const ok = traffic.reduce((n, t) => n + t.ok, 0);
    const ratio = sent === 0 ? 0 : ok / sent;
    const longest = Math.max(0, ...traffic.flatMap((t) => t.outages.map((o) => o.durationMs)));
    if (ratio < min) return { rule: 'slo', message: `traffic during the upgrade: ${percent(ratio)} of ${sent} requests succeeded, below the SLO of ${percent(min)}; longest outage ${longest} ms` };
    return undefined;
  }
  const checks = observations.filter((o): o is RouteEntry => o.kind === 'route' && o.at >= w.faultAt && o.at <= w.observedUntil);
  if (checks.length === 0) return { rule: 'slo', message: 'no traffic was measured during the upgrade, so nothing shows that it held the SLO' };
  const ratio = checks.filter((c) => c.ok).length / checks.length;
  if (ratio < min) return { rule: 'slo', message: `route checks during the upgrade: ${percent(ratio)} of ${checks.length} succeeded, below the SLO of ${percent(min)}` };
  return undefined;
}

interface Entity {
  id: string;
  name?: unknown;
  tags?: unknown;
  route?: unknown;
  service?: unknown;
  consumer?: unknown;
}

function entities(data: unknown): Entity[] | undefined {
  if (!Array.isArray(data) || data.length === 0) return Array.isArray(data) ? [] : undefined;
  return data.every((e) => typeof e === 'object' && e !== null && typeof (e as Entity).id === 'string') ? (data as Entity[]) : undefined;
}

/** What makes two entities the same thing to Kong's users, whatever their ids. */
function identity(e: Entity): string {
  const tags = Array.isArray(e.tags) ? [...(e.tags as unknown[])].map(String).sort() : [];
  return JSON.stringify([e.name ?? null, e.route ?? null, e.service ?? null, e.consumer ?? null, tags]);
}

function lastBefore(entries: AdminEntry[], at: number, from = -Infinity): AdminEntry | undefined {
  return entries.filter((e) => e.at < at && e.at >= from).at(-1);
}

/**
 * Compares each Admin API entity snapshot (a list of entities with ids, e.g. `plugins`) taken
 * last before the upgrade with the last one taken inside the window. References to routes and
 * services are checked against `routes` / `services` snapshots when the scenario takes them.
 */
export function entityDrift(observations: readonly Observation[], w: { faultAt: number; observedUntil: number }): GateFinding[] {
  const admin = observations.filter((o): o is AdminEntry => o.kind === 'admin');
  const findings: GateFinding[] = [];
  const afterOf = (query: string) => lastBefore(admin.filter((a) => a.query === query), w.observedUntil + 1, w.faultAt);
  for (const query of new Set(admin.map((a) => a.query))) {
    const of = admin.filter((a) => a.query === query);
    const before = entities(lastBefore(of, w.faultAt)?.data);
    const after = entities(afterOf(query)?.data);
    if (!before || !after) continue;
    const count = (list: Entity[]) => list.reduce((m, e) => m.set(identity(e), [...(m.get(identity(e)) ?? []), e.id]), new Map<string, string[]>());
    const [was, now] = [count(before), count(after)];
    const label = (key: string) => describeIdentity(key);
    for (const [key, ids] of now) if (ids.length > 1) findings.push({ rule: 'drift', message: `${query}: duplicate ${label(key)} (ids ${ids.join(', ')})` });
    for (const [key, ids] of was) {
      const still = now.get(key);
      if (!still) findings.push({ rule: 'drift', message: `${query}: ${label(key)} lost in the upgrade (was id ${ids.join(', ')})` });
      else if (still.length === ids.length && still.some((id) => !ids.includes(id))) findings.push({ rule: 'drift', message: `${query}: ${label(key)} re-created under a new id (${ids.join(', ')} → ${still.join(', ')})` });
    }
    for (const ref of ['route', 'service'] as const) {
      const targets = entities(afterOf(`${ref}s`)?.data);
      if (!targets) continue;
      const known = new Set(targets.map((t) => t.id));
      for (const e of after) {
        const id = e[ref];
        if (typeof id === 'string' && !known.has(id)) findings.push({ rule: 'drift', message: `${query}: ${String(e.name ?? e.id)} (id ${e.id}) points at ${ref} ${id}, which no longer exists (orphan)` });
      }
    }
  }
  return findings;
}

function describeIdentity(key: string): string {
  const [name, route, service, consumer] = JSON.parse(key) as unknown[];
  const scope = [route && `route ${route}`, service && `service ${service}`, consumer && `consumer ${consumer}`].filter(Boolean).join(', ');
  return `${String(name ?? 'unnamed')}${scope ? ` on ${scope}` : ''}`;
}
