import type { Observation, Phase, StepEntry, StreamEntry } from '../evidence/types.ts';
import { holdFor, isMadeByFault, judgedFromFaultEnd, persistFor, readAll, type Reading, type Signature } from './signatures.ts';

export type Outcome = 'reproduced' | 'recovered' | 'not-reproduced' | 'inconclusive';

export interface Symptom {
  signature: string;
  subject: string;
  firstSeen: number;
  lastSeen: number;
  /** when a good reading (or the end of a point signature's hold) cleared it, if it did */
  clearedAt?: number;
  /** the first few observations that showed it, for reports */
  evidence: Observation[];
  summary: string;
}

export type RemediationResult = 'not-run' | 'cleared' | 'not-cleared' | 'failed';

export interface Judgement {
  outcome: Outcome;
  /** one line a person reads first */
  reason: string;
  symptoms: Symptom[];
  remediation: RemediationResult;
  window?: { faultAt: number; observedUntil: number };
}

const EVIDENCE_PER_SYMPTOM = 5;

/**
 * The outcome of a run, from its evidence alone.
 *
 * It is judged over the observation window that follows the fault and ends before any
 * remediation: `reproduced` if a symptom is still present at the end of that window,
 * `recovered` if every symptom seen cleared by itself, `not-reproduced` if none was seen.
 * A sampled state (a route, a condition, Admin API state) that was bad for less than its
 * signature's `persistMs` and then cleared is a blip, not a symptom: the probe caught the
 * system between a change and KIC's next sync. It is named in the reason, and counts for nothing.
 * A remediation is judged apart (`remediation`), so that a documented workaround can be shown
 * to work without turning a reproduced bug into a "recovery"; a remediation that errors is
 * `failed` and leaves the outcome as it was.
 *
 * It is `inconclusive` whenever the evidence cannot carry a verdict: a phase failed, the steady
 * state was never reached, a symptom was there before the fault, an evidence stream broke
 * and did not come back inside the window, or a reading in the window is unreliable (a saturated
 * traffic probe: its overload must not read as a Kong outage, nor its lucky requests as health).
 */
export function judge(signatures: readonly Signature[], observations: readonly Observation[]): Judgement {
  const steps = observations.filter((o): o is StepEntry => o.kind === 'step');
  // a failed remediation or recovery says nothing about the fault's outcome; it is judged apart
  const failed = steps.find((s) => s.state === 'fail' && phaseRank(s.phase) <= phaseRank('observe'));
  const none = { symptoms: [], remediation: 'not-run' as const };
  if (failed && phaseRank(failed.phase) <= phaseRank('steady-state')) {
    return { outcome: 'inconclusive', reason: `${failed.phase} failed: ${failed.message ?? 'no reason recorded'}`, ...none };
  }
  const steadyEnd = lastStep(steps, 'steady-state', 'end');
  if (!steadyEnd) return { outcome: 'inconclusive', reason: 'the steady state was never reached', ...none };
  const faultStart = lastStep(steps, 'fault', 'start');
  if (!faultStart) return { outcome: 'inconclusive', reason: 'no fault was injected', ...none };
  if (failed) {
    return { outcome: 'inconclusive', reason: `${failed.phase} failed: ${failed.message ?? 'no reason recorded'}`, ...none };
  }
  const observeEnd = lastStep(steps, 'observe', 'end');
  if (!observeEnd) return { outcome: 'inconclusive', reason: 'the observation window did not complete', ...none };

  const faultAt = faultStart.at;
  const observedUntil = observeEnd.at;
  const window = { faultAt, observedUntil };

  const broken = brokenStream(observations, observedUntil);
  if (broken) {
    return { outcome: 'inconclusive', reason: `evidence stream ${broken.stream} broke and did not come back: ${broken.message ?? broken.state}`, ...none, window };
  }

  const readings = readAll(signatures, observations);
  const byName = new Map(signatures.map((s) => [s.id, s]));
  // what the fault itself creates reads bad before it by design
  const baseline = readings.find((r) => r.state === 'bad' && r.at > steadyEnd.at && r.at < faultAt && !isMadeByFault(byName.get(r.signature)!));
  if (baseline) {
    return { outcome: 'inconclusive', reason: `symptom present before the fault: ${baseline.summary}`, ...none, window };
  }

  const faultEnd = lastStep(steps, 'fault', 'end')?.at ?? faultAt;
  const judgedFrom = (s: Signature) => (judgedFromFaultEnd(s) ? faultEnd : faultAt);
  const inWindow = readings.filter((r) => r.at >= judgedFrom(byName.get(r.signature)!) && r.at <= observedUntil);
  const unreliable = inWindow.find((r) => r.unreliable !== undefined);
  if (unreliable) return { outcome: 'inconclusive', reason: unreliable.unreliable!, ...none, window };
  const seen = symptomsOf(inWindow, byName, observedUntil);
  const isBlip = (s: Symptom) => s.clearedAt !== undefined && s.clearedAt - s.firstSeen < persistFor(byName.get(s.signature)!);
  const symptoms = seen.filter((s) => !isBlip(s));
  const blips = seen.filter(isBlip);
  const remediation = judgeRemediation(steps, readings, byName);

  if (symptoms.length === 0) {
    const reason = blips.length === 0 ? 'no signature fired after the fault' : `no symptom lasted; only blips that cleared by themselves: ${blips.map(describeBlip).join('; ')}`;
    return { outcome: 'not-reproduced', reason, symptoms, remediation, window };
  }
  const present = symptoms.filter((s) => s.clearedAt === undefined);
  if (present.length > 0) {
    return { outcome: 'reproduced', reason: `still present at the end of the window: ${present.map((s) => s.summary).join('; ')}`, symptoms, remediation, window };
  }
  const cleared = Math.max(...symptoms.map((s) => s.clearedAt ?? 0));
  return { outcome: 'recovered', reason: `all symptoms cleared by ${Math.round((cleared - faultAt) / 1000)}s after the fault`, symptoms, remediation, window };
}

function describeBlip(s: Symptom): string {
  return `${s.summary} for ${((s.clearedAt ?? s.lastSeen) - s.firstSeen) / 1000}s`;
}

const PHASE_ORDER: Phase[] = ['provision', 'install', 'setup', 'steady-state', 'fault', 'observe', 'remediate', 'recover', 'cleanup', 'judge', 'diagnostics', 'teardown'];

function phaseRank(p: Phase): number {
  return PHASE_ORDER.indexOf(p);
}

function lastStep(steps: StepEntry[], phase: Phase, state: StepEntry['state']): StepEntry | undefined {
  return steps.findLast((s) => s.phase === phase && s.state === state);
}

/** A stream whose last word inside the window is `dropped` left a gap in the evidence. */
function brokenStream(observations: readonly Observation[], to: number): StreamEntry | undefined {
  const last = new Map<string, StreamEntry>();
  for (const o of observations) {
    if (o.kind === 'stream' && o.at <= to) last.set(o.stream, o);
  }
  return [...last.values()].find((s) => s.state === 'dropped');
}

/** Group bad readings into symptoms per signature and subject, and find when each cleared. */
function symptomsOf(readings: Reading[], signatures: Map<string, Signature>, until: number): Symptom[] {
  const open = new Map<string, Symptom>();
  for (const r of readings) {
    const key = `${r.signature}\u0000${r.subject}`;
    const current = open.get(key);
    if (r.state === 'bad') {
      if (!current) {
        open.set(key, { signature: r.signature, subject: r.subject, firstSeen: r.at, lastSeen: r.at, evidence: [r.evidence], summary: r.summary });
      } else {
        current.lastSeen = r.at;
        current.summary = r.summary;
        // a symptom that came back after clearing is present again
        delete current.clearedAt;
        if (current.evidence.length < EVIDENCE_PER_SYMPTOM) current.evidence.push(r.evidence);
      }
    } else if (current && current.clearedAt === undefined) {
      current.clearedAt = r.at;
    }
  }
  for (const s of open.values()) {
    const hold = holdFor(signatures.get(s.signature)!);
    if (hold > 0 && s.lastSeen + hold <= until) s.clearedAt = s.lastSeen + hold;
  }
  return [...open.values()].sort((a, b) => a.firstSeen - b.firstSeen);
}

/** Did the remediation clear every symptom by the end of the recovery window? */
function judgeRemediation(steps: StepEntry[], readings: Reading[], signatures: Map<string, Signature>): RemediationResult {
  const start = lastStep(steps, 'remediate', 'start');
  if (!start) return 'not-run';
  if (steps.some((s) => (s.phase === 'remediate' || s.phase === 'recover') && s.state === 'fail')) return 'failed';
  const end = lastStep(steps, 'recover', 'end');
  if (!end) return 'failed';
  const after = readings.filter((r) => r.at >= start.at && r.at <= end.at);
  const before = readings.filter((r) => r.at < start.at);
  const still = symptomsOf([...before, ...after], signatures, end.at).filter((s) => s.clearedAt === undefined);
  return still.length === 0 ? 'cleared' : 'not-cleared';
}
