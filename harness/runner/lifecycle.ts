import { oneLine } from '../errors.ts';
import type { Observation, Phase } from '../evidence/types.ts';
import { judge } from '../judge/outcome.ts';
import { isMadeByFault, readAll, type Signature } from '../judge/signatures.ts';
import { timeout } from '../timeouts.ts';
import type { Clock } from './clock.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';

export interface Timeline {
  record(o: Observation): void;
  readonly entries: readonly Observation[];
}

export interface LifecycleDeps {
  ctx: ScenarioContext;
  timeline: Timeline;
  clock: Clock;
  signal?: AbortSignal;
  /** prints a phase as it starts and ends, with its elapsed time */
  onPhase?: (phase: Phase, state: 'start' | 'end' | 'fail', elapsedMs: number, message?: string) => void;
  steadyStateTimeoutMs?: number;
}

export const DEFAULT_INTERVAL_MS = 2000;

/**
 * Runs one phase as a step on the timeline: start, then end or fail with the reason.
 * Returns false when the phase failed, so the caller stops and the judge says inconclusive.
 */
export async function phase(deps: Pick<LifecycleDeps, 'timeline' | 'clock' | 'onPhase' | 'signal'>, name: Phase, body: () => Promise<void>, deadlineMs?: number): Promise<boolean> {
  const start = deps.clock.now();
  deps.timeline.record({ kind: 'step', at: start, phase: name, state: 'start' });
  deps.onPhase?.(name, 'start', 0);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    // a hang or Ctrl-C ends the phase now; a call still in flight runs out at its own deadline
    const cut = new Promise<never>((_, reject) => {
      if (deadlineMs !== undefined) timer = setTimeout(() => reject(new Error(`${name} hung: no end after ${Math.round(deadlineMs / 1000)}s`)), deadlineMs);
      onAbort = () => reject(deps.signal!.reason);
      deps.signal?.addEventListener('abort', onAbort, { once: true });
    });
    deps.signal?.throwIfAborted();
    await Promise.race([body(), cut]);
  } catch (error) {
    const message = oneLine(error);
    const at = deps.clock.now();
    deps.timeline.record({ kind: 'step', at, phase: name, state: 'fail', message });
    deps.onPhase?.(name, 'fail', at - start, message);
    return false;
  } finally {
    clearTimeout(timer);
    if (onAbort) deps.signal?.removeEventListener('abort', onAbort);
  }
  const at = deps.clock.now();
  deps.timeline.record({ kind: 'step', at, phase: name, state: 'end' });
  deps.onPhase?.(name, 'end', at - start);
  return true;
}

/**
 * The scenario's part of a run, after the cluster and Kong are up:
 * setup → steady state → fault → observe → (remediate → recover, when the symptom is present).
 * Each phase is a step on the timeline; the first failure stops the sequence.
 */
export async function runScenarioPhases(scenario: Scenario, deps: LifecycleDeps): Promise<void> {
  const { ctx } = deps;
  const variant = ctx.variant ? scenario.variants[ctx.variant] : undefined;
  const fault = variant?.fault ?? scenario.fault;
  const interval = scenario.probes.intervalMs ?? DEFAULT_INTERVAL_MS;

  const stepDeadline = timeout('scenarioStep');
  if (!(await phase(deps, 'setup', () => scenario.setup.run(ctx), stepDeadline))) return;
  if (!(await phase(deps, 'steady-state', () => awaitSteadyState(probedSignatures(scenario), deps, interval)))) return;
  if (!(await phase(deps, 'fault', async () => {
    deps.timeline.record({ kind: 'fault', at: deps.clock.now(), name: ctx.variant ?? 'default', detail: fault.describe });
    await fault.run(ctx);
  }, stepDeadline))) return;
  if (!(await phase(deps, 'observe', () => observeFor(scenario.window.observeMs, deps, interval)))) return;

  await remediate(scenario, deps, interval, stepDeadline);
  const cleanup = scenario.cleanup;
  if (cleanup) await phase(deps, 'cleanup', () => cleanup.run(ctx), stepDeadline);
}

/** The documented remediation, only while the symptom is present, then the recovery window. */
async function remediate(scenario: Scenario, deps: LifecycleDeps, interval: number, deadline: number): Promise<void> {
  const remediation = scenario.remediation;
  if (!remediation || judge(scenario.signatures, deps.timeline.entries).outcome !== 'reproduced') return;
  if (!(await phase(deps, 'remediate', () => remediation.run(deps.ctx), deadline))) return;
  await phase(deps, 'recover', () => observeFor(scenario.window.recoverMs ?? scenario.window.observeMs, deps, interval));
}

/**
 * The stateful signatures that the scenario's probes feed: each must read good before the fault,
 * except those over what the fault itself creates (`madeByFault`).
 */
export function probedSignatures(scenario: Scenario): Signature[] {
  const { routes = [], conditions = [], ingresses = [], admin = [] } = scenario.probes;
  return scenario.signatures.filter((s) => {
    if (isMadeByFault(s)) return false;
    switch (s.kind) {
      case 'route':
        return routes.some((r) => r.route === s.route);
      case 'condition':
        return conditions.some((c) => c.kind === s.objectKind) || (s.objectKind === 'Ingress' && ingresses.length > 0);
      case 'admin':
        return admin.includes(s.query as (typeof admin)[number]);
      case 'convergence':
        return scenario.probes.gatewayPods !== undefined;
      default:
        return false;
    }
  });
}

/**
 * Probe until one round has a reading from every probed signature and all of them are good:
 * config converged and traffic flowing. A probe that has not answered yet keeps it waiting.
 */
async function awaitSteadyState(signatures: readonly Signature[], deps: LifecycleDeps, interval: number): Promise<void> {
  const deadline = deps.clock.now() + (deps.steadyStateTimeoutMs ?? timeout('steadyState'));
  let last = 'no probe has answered yet';
  for (;;) {
    const round = await deps.ctx.probe();
    const readings = readAll(signatures, round);
    const bad = readings.filter((r) => r.state === 'bad');
    const silent = signatures.filter((s) => !readings.some((r) => r.signature === s.id));
    if (bad.length === 0 && silent.length === 0) return;
    last = bad.length ? bad.map((r) => r.summary).join('; ') : `no reading yet for ${silent.map((s) => s.id).join(', ')}`;
    if (deps.clock.now() + interval > deadline) throw new Error(`steady state not reached: ${last}`);
    await deps.clock.sleep(interval, deps.signal);
  }
}

/** Probe rounds every `interval` until `durationMs` has passed: the observation loop, and `ctx.wait`. */
export async function observeFor(durationMs: number, deps: Pick<LifecycleDeps, 'ctx' | 'clock' | 'signal'>, interval: number): Promise<void> {
  const end = deps.clock.now() + durationMs;
  while (deps.clock.now() < end) {
    await deps.ctx.probe();
    await deps.clock.sleep(Math.min(interval, Math.max(0, end - deps.clock.now())), deps.signal);
  }
}

/**
 * Probe rounds as observeFor does, until something recorded from now on reads bad on `signature`
 * (true) or `withinMs` has passed (false): `ctx.waitForSignature`, for a scenario that must know
 * its fault took before it lets the observation window judge it.
 */
export async function observeUntilSignature(
  signature: Signature,
  withinMs: number,
  deps: Pick<LifecycleDeps, 'ctx' | 'clock' | 'signal' | 'timeline'>,
  interval: number,
): Promise<boolean> {
  const from = deps.timeline.entries.length;
  const seen = () => readAll([signature], deps.timeline.entries.slice(from)).some((r) => r.state === 'bad');
  const end = deps.clock.now() + withinMs;
  while (deps.clock.now() < end) {
    await deps.ctx.probe();
    if (seen()) return true;
    await deps.clock.sleep(Math.min(interval, Math.max(0, end - deps.clock.now())), deps.signal);
  }
  return seen();
}
