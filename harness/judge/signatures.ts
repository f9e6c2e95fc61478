import type { Component, Observation } from '../evidence/types.ts';
import { podStandings, type PodStanding } from './convergence.ts';
import { logMessage } from './log-message.ts';

/**
 * A signature is a matcher over evidence. Each observation it understands becomes a reading:
 * `bad` (the symptom is there) or `good` (this observation shows it is not). Stateful
 * signatures (conditions, routes, Admin API state, traffic) read both; point signatures (log
 * lines, Events) only ever read `bad`, and count as present for `holdMs` after the last one.
 */
interface Base {
  id: string;
  description: string;
  /**
   * The upstream evidence the signature rests on, each a file@tag
   * (`kong/cluster_events/init.lua@3.9.1`), a CHANGELOG entry (`KIC CHANGELOG 3.4.4`) or an issue
   * or PR URL. Log and Event signatures also have real-shaped lines in test/fixtures/signatures/.
   */
  provenance?: string[];
}

export interface LogSignature extends Base {
  kind: 'log';
  component: Component;
  pattern: RegExp;
  holdMs?: number;
}

export interface EventSignature extends Base {
  kind: 'event';
  reason: string;
  message?: RegExp;
  holdMs?: number;
}

/**
 * A state read by polling can be caught mid-change: a probe between a change and KIC's next
 * sync sees the old state for one round. Such a state counts as a symptom only once it has
 * lasted `persistMs` (or is still there at the end of the window).
 */
interface Sampled extends Base {
  persistMs?: number;
  /**
   * judged only from the end of the fault step, for a fault that disturbs this state by design
   * while it runs: an upgrade rolls the gateway pods through old and new configurations, deleting
   * every gateway pod stops every route until the replacements are up; what counts is the state
   * once the fault is over
   */
  fromFaultEnd?: boolean;
  /**
   * what it reads exists only once the fault made it (an Ingress or route the fault applies):
   * not awaited in the steady state, never a symptom before the fault, and judged only from the
   * end of the fault step, as `fromFaultEnd`
   */
  madeByFault?: boolean;
}

export interface ConditionSignature extends Sampled {
  kind: 'condition';
  objectKind: string;
  /** matches ConditionEntry.scope; a string is a prefix */
  scope?: string;
  type: string;
  reason: string;
}

export interface RouteSignature extends Sampled {
  kind: 'route';
  route: string;
  /**
   * the answer that is this symptom (e.g. 426); other failed answers are read neither way, being
   * another failure's, so the route must answer as expected to read good
   */
  status?: number;
}

export interface AdminSignature extends Sampled {
  kind: 'admin';
  query: string;
  /** a one-line description of the bad state, or undefined when the state is good */
  problem: (data: unknown) => string | undefined;
}

/**
 * Gateway pods that diverge (judge/convergence.ts): one subject per pod, bad while the pod holds
 * another configuration than the other pods or fails a route they answer. `persistMs` is the N of
 * "diverged for longer than N s": a rollout or a push reaches pods a few seconds apart.
 */
export interface ConvergenceSignature extends Sampled {
  kind: 'convergence';
  /**
   * what reads bad: `diverged` (the default) a pod that holds another configuration than the
   * others or fails a route they answer; `unready` a pod that exists but is not Ready while
   * another pod serves. A DB-less Kong turns Ready only once it holds a non-empty configuration
   * (kong/status/ready.lua@3.9.3), so a pod KIC never configures stays out of the comparison of
   * `diverged` for good: `unready` is how it shows.
   */
  reads?: 'diverged' | 'unready';
}

/** Reads a fact a scenario recorded; `problem` describes the bad state or returns undefined. */
export interface FactSignature extends Base {
  kind: 'fact';
  name: string;
  problem: (value: unknown) => string | undefined;
}

export interface SloSignature extends Base {
  kind: 'slo';
  minSuccessRatio?: number;
  maxOutageMs?: number;
}

export type Signature =
  | LogSignature
  | EventSignature
  | ConditionSignature
  | RouteSignature
  | AdminSignature
  | FactSignature
  | ConvergenceSignature
  | SloSignature;

export interface Reading {
  signature: string;
  /** what the reading is about, so that two listeners or two routes are tracked apart */
  subject: string;
  at: number;
  state: 'bad' | 'good';
  evidence: Observation;
  summary: string;
  /** why the observation cannot be trusted either way (a saturated traffic probe); the judge makes such a window inconclusive */
  unreliable?: string;
}

export const DEFAULT_HOLD_MS = 30_000;

export function isPointSignature(s: Signature): s is LogSignature | EventSignature {
  return s.kind === 'log' || s.kind === 'event';
}

export function holdFor(s: Signature): number {
  return isPointSignature(s) ? (s.holdMs ?? DEFAULT_HOLD_MS) : 0;
}

/**
 * KIC pushes configuration every 3 s (`DefaultSyncSeconds`, internal/dataplane/synchronizer.go
 * @v3.4.6 and @v3.5.13, the `--proxy-sync-seconds` default) and a restarted KIC waits 5 s
 * for its caches first (`DefaultCacheSyncWaitDuration`, same file). 15 s is a restart plus
 * three syncs: a state that a working KIC would have corrected by then is no blip.
 */
export const DEFAULT_PERSIST_MS = 15_000;

/**
 * How long a sampled state must stay bad to count. Facts are measured once, and traffic SLOs
 * carry their own time thresholds (`maxOutageMs`), so neither is debounced.
 */
export function persistFor(s: Signature): number {
  return s.kind === 'condition' || s.kind === 'route' || s.kind === 'admin' || s.kind === 'convergence' ? (s.persistMs ?? DEFAULT_PERSIST_MS) : 0;
}

/**
 * Every reading the signatures take of the observations, in time order per signature and
 * subject. A convergence signature compares the pods of a round with each other, so it reads
 * rounds, not single observations.
 */
export function readAll(signatures: readonly Signature[], observations: readonly Observation[]): Reading[] {
  const out: Reading[] = [];
  for (const o of observations) {
    for (const s of signatures) {
      const r = read(s, o);
      if (r) out.push(r);
    }
  }
  for (const s of signatures) if (s.kind === 'convergence') out.push(...readConvergence(s, observations));
  return out;
}

function readConvergence(s: ConvergenceSignature, observations: readonly Observation[]): Reading[] {
  const reading = (p: PodStanding, bad: boolean, summary = p.why): Reading => ({ signature: s.id, subject: `pod/${p.pod}`, at: p.at, state: bad ? 'bad' : 'good', evidence: p.entry ?? { kind: 'note', at: p.at, message: p.why }, summary });
  return podStandings(observations).flatMap((round) => {
    if (s.reads !== 'unready') return round.flatMap((p) => (p.state === 'unread' ? [] : [reading(p, p.state === 'diverged')]));
    const serving = round.filter((p) => p.state === 'agrees' || p.state === 'diverged').map((p) => p.pod);
    return round.flatMap((p): Reading[] => {
      if (p.state === 'unread') return [];
      // a pod that is gone is no longer left behind; with no pod serving, none is behind the others
      if (p.state !== 'not-serving' || p.entry === undefined) return [reading(p, false)];
      return serving.length === 0 ? [] : [reading(p, true, `${p.pod} is not Ready while ${serving.join(', ')} serve${serving.length === 1 ? 's' : ''}`)];
    });
  });
}

/** The reading this signature takes of one observation, if it says anything about it; a convergence signature reads rounds (`readAll`). */
export function read(s: Signature, o: Observation): Reading | undefined {
  const reading = (subject: string, bad: boolean, summary: string): Reading => ({
    signature: s.id,
    subject,
    at: o.at,
    state: bad ? 'bad' : 'good',
    evidence: o,
    summary,
  });
  switch (s.kind) {
    case 'log':
      if (o.kind !== 'log' || o.component !== s.component) return undefined;
      return s.pattern.test(o.line) || s.pattern.test(logMessage(o.line))
        ? reading(`${o.component}`, true, `${o.pod}/${o.container}: ${logMessage(o.line)}`)
        : undefined;
    case 'event':
      if (o.kind !== 'event' || o.reason !== s.reason) return undefined;
      if (s.message && !s.message.test(o.message)) return undefined;
      return reading(`${o.object.kind}/${o.object.name}`, true, `${o.reason}: ${o.message}`);
    case 'condition': {
      if (o.kind !== 'condition' || o.object.kind !== s.objectKind || o.type !== s.type) return undefined;
      if (s.scope !== undefined && !(o.scope ?? '').startsWith(s.scope)) return undefined;
      const subject = `${o.object.kind}/${o.object.name}${o.scope ? `/${o.scope}` : ''}`;
      return reading(subject, o.reason === s.reason, `${subject} ${o.type}=${o.status} reason=${o.reason}`);
    }
    case 'route':
      if (o.kind !== 'route' || o.route !== s.route) return undefined;
      if (s.status !== undefined && !o.ok && o.status !== s.status) return undefined;
      return reading(o.route, !o.ok, `${o.route} -> ${o.status ?? o.error ?? 'no answer'}`);
    case 'admin': {
      if (o.kind !== 'admin' || o.query !== s.query) return undefined;
      const problem = s.problem(o.data);
      return reading(o.query, problem !== undefined, problem ?? `${o.query} consistent`);
    }
    case 'fact': {
      if (o.kind !== 'fact' || o.name !== s.name) return undefined;
      const problem = s.problem(o.value);
      return reading(o.name, problem !== undefined, problem ?? `${o.name} as expected`);
    }
    case 'convergence':
      return undefined;
    case 'slo': {
      if (o.kind !== 'traffic') return undefined;
      const ratio = o.sent === 0 ? 1 : o.ok / o.sent;
      const longest = Math.max(0, ...o.outages.map((w) => w.durationMs));
      const lowRatio = s.minSuccessRatio !== undefined && ratio < s.minSuccessRatio;
      const longOutage = s.maxOutageMs !== undefined && longest > s.maxOutageMs;
      const measured = reading('traffic', lowRatio || longOutage, `success ${(ratio * 100).toFixed(2)}% of ${o.sent}, longest outage ${longest} ms`);
      if (!o.probe?.saturated) return measured;
      const lag = o.probe.scheduleLagMs.p99;
      return {
        ...measured,
        unreliable: `the traffic probe was saturated (schedule lag p99 ${lag ?? '–'} ms, event-loop delay p99 ${o.probe.eventLoopDelayMs.p99} ms, ${o.probe.unsent} unsent): its numbers describe the probe, not Kong`,
      };
    }
  }
}

/** A JSON-friendly view of a signature, for `plan --json` and reports. */
export function describeSignature(s: Signature): Record<string, unknown> {
  return { ...describeMatcher(s), provenance: s.provenance ?? [] };
}

function describeMatcher(s: Signature): Record<string, unknown> {
  switch (s.kind) {
    case 'log':
      return { id: s.id, kind: s.kind, description: s.description, component: s.component, pattern: s.pattern.source };
    case 'event':
      return { id: s.id, kind: s.kind, description: s.description, reason: s.reason, message: s.message?.source };
    case 'condition':
      return { id: s.id, kind: s.kind, description: s.description, objectKind: s.objectKind, scope: s.scope, type: s.type, reason: s.reason, ...timing(s) };
    case 'route':
      return { id: s.id, kind: s.kind, description: s.description, route: s.route, status: s.status, ...timing(s) };
    case 'admin':
      return { id: s.id, kind: s.kind, description: s.description, query: s.query, ...timing(s) };
    case 'fact':
      return { id: s.id, kind: s.kind, description: s.description, name: s.name };
    case 'convergence':
      return { id: s.id, kind: s.kind, description: s.description, reads: s.reads ?? 'diverged', ...timing(s) };
    case 'slo':
      return { id: s.id, kind: s.kind, description: s.description, minSuccessRatio: s.minSuccessRatio, maxOutageMs: s.maxOutageMs };
  }
}

type SampledSignature = ConditionSignature | RouteSignature | AdminSignature | ConvergenceSignature;

function isSampled(s: Signature): s is SampledSignature {
  return s.kind === 'condition' || s.kind === 'route' || s.kind === 'admin' || s.kind === 'convergence';
}

/** How long a sampled state must last, and from when it is judged, as plan and catalog show it. */
function timing(s: SampledSignature): Record<string, unknown> {
  return { persistMs: persistFor(s), ...(s.fromFaultEnd ? { fromFaultEnd: true } : {}), ...(s.madeByFault ? { madeByFault: true } : {}) };
}

/** A sampled signature over something the fault creates (see `madeByFault`). */
export function isMadeByFault(s: Signature): boolean {
  return isSampled(s) && s.madeByFault === true;
}

/** Judged only from the end of the fault step: `fromFaultEnd`, or over what the fault creates. */
export function judgedFromFaultEnd(s: Signature): boolean {
  return isSampled(s) && (s.fromFaultEnd === true || s.madeByFault === true);
}
