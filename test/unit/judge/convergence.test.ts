import { expect } from 'chai';
import type { Observation, Phase, PodConfigEntry } from '../../../harness/evidence/types.ts';
import { EMPTY_CONFIG_HASH, podStandings } from '../../../harness/judge/convergence.ts';
import { judge } from '../../../harness/judge/outcome.ts';
import { describeSignature, readAll, type Signature } from '../../../harness/judge/signatures.ts';

// hashes as Kong reports them: the MD5 hex of the body it accepted (kong/db/declarative/init.lua@3.9.3)
const NEW = '5d41402abc4b2a76b9719d911017c592';
const OLD = '7d793037a0760186574b0282f2f435e7';

const diverged: Signature = { id: 'pods-diverged', kind: 'convergence', description: 'gateway pods diverge', persistMs: 15_000 };

const ok = { route: '/echo', ok: true, status: 200 };
const noRoute = { route: '/echo', ok: false, status: 404 };

function pod(at: number, name: string, configHash: string | undefined, over: Partial<PodConfigEntry> = {}): PodConfigEntry {
  return { kind: 'pod-config', at, pod: name, ready: true, ...(configHash !== undefined ? { configHash } : {}), routes: [ok], ...over };
}

const standingsAt = (observations: Observation[]) => podStandings(observations).map((round) => Object.fromEntries(round.map((p) => [p.pod, p.state])));

const step = (at: number, phase: Phase, state: 'start' | 'end' = 'end'): Observation => ({ kind: 'step', at, phase, state });

/** Steady state at 10 s with three pods on NEW, fault at 20 s, observation until 100 s. */
function run(...middle: Observation[]): Observation[] {
  return [
    step(6, 'steady-state', 'start'),
    pod(8, 'kong-a', NEW),
    pod(8, 'kong-b', NEW),
    pod(8, 'kong-c', NEW),
    step(10, 'steady-state'),
    step(20_000, 'fault', 'start'),
    step(21_000, 'fault'),
    step(21_000, 'observe', 'start'),
    ...middle,
    step(100_000, 'observe'),
  ].sort((a, b) => a.at - b.at);
}

/** kong-b on OLD from `from` until `to` (exclusive), kong-a and kong-c on NEW throughout; a round every 3 s. */
function rounds(from: number, to: number, until = 99_000): Observation[] {
  const out: Observation[] = [];
  for (let at = 22_000; at <= until; at += 3_000) {
    const stale = at >= from && at < to;
    out.push(pod(at, 'kong-a', NEW), pod(at, 'kong-b', stale ? OLD : NEW, stale ? { routes: [noRoute] } : {}), pod(at, 'kong-c', NEW));
  }
  return out;
}

describe('judge: convergence per gateway pod', () => {
  it('finds the pod whose hash fewer pods hold', () => {
    const [round] = podStandings([pod(1, 'kong-a', NEW), pod(1, 'kong-b', NEW), pod(1, 'kong-c', OLD)]);
    expect(Object.fromEntries(round!.map((p) => [p.pod, p.state]))).to.deep.equal({ 'kong-a': 'agrees', 'kong-b': 'agrees', 'kong-c': 'diverged' });
    expect(round!.find((p) => p.pod === 'kong-c')!.why).to.equal(`kong-c holds configuration ${OLD.slice(0, 12)} while 2 of 3 pods hold configuration ${NEW.slice(0, 12)}`);
  });

  it('counts every pod as diverged when two configurations tie: neither can be told right', () => {
    const [round] = podStandings([pod(1, 'kong-a', NEW), pod(1, 'kong-b', OLD)]);
    expect(round!.map((p) => p.state)).to.deep.equal(['diverged', 'diverged']);
    expect(round![1]!.why).to.equal(`kong-b holds configuration ${OLD.slice(0, 12)}; the pods disagree with no majority: kong-a=configuration ${NEW.slice(0, 12)}, kong-b=configuration ${OLD.slice(0, 12)}`);
  });

  it('settles a tie by the routes: the configuration of the pod that serves what the other fails holds', () => {
    const [round] = podStandings([pod(1, 'kong-a', NEW), pod(1, 'kong-b', OLD, { routes: [noRoute] })]);
    expect(round!.map((p) => p.state)).to.deep.equal(['agrees', 'diverged']);
    expect(round![1]!.why).to.equal(`kong-b holds configuration ${OLD.slice(0, 12)} while 1 of 2 pods hold configuration ${NEW.slice(0, 12)}; answers /echo with 404 while kong-a serves it`);
  });

  it('starts a new round when a pod is seen again at the same millisecond', () => {
    expect(standingsAt([pod(1, 'kong-a', NEW), pod(1, 'kong-b', NEW), pod(1, 'kong-a', OLD), pod(1, 'kong-b', OLD)])).to.deep.equal([
      { 'kong-a': 'agrees', 'kong-b': 'agrees' },
      { 'kong-a': 'agrees', 'kong-b': 'agrees' },
    ]);
  });

  it('never lets the empty configuration win: an empty pod beside one with configuration is behind, however many are empty', () => {
    const [round] = podStandings([pod(1, 'kong-a', NEW), pod(1, 'kong-b', EMPTY_CONFIG_HASH), pod(1, 'kong-c', EMPTY_CONFIG_HASH)]);
    expect(round!.map((p) => p.state)).to.deep.equal(['agrees', 'diverged', 'diverged']);
    expect(round![1]!.why).to.equal(`kong-b holds the empty configuration while 1 of 3 pods hold configuration ${NEW.slice(0, 12)}`);
  });

  it('leaves pods that are not Ready or could not be read out of the comparison', () => {
    const [round] = podStandings([pod(1, 'kong-a', NEW), pod(1, 'kong-b', OLD, { ready: false, routes: [] }), pod(1, 'kong-c', undefined, { routes: [], error: 'GET /status: connect-refused' })]);
    expect(Object.fromEntries(round!.map((p) => [p.pod, p.state]))).to.deep.equal({ 'kong-a': 'agrees', 'kong-b': 'not-serving', 'kong-c': 'unread' });
  });

  it('compares what pods serve in DB mode, where Kong reports no hash: a pod failing a route another serves is diverged', () => {
    const [round] = podStandings([pod(1, 'kong-a', undefined), pod(1, 'kong-b', undefined, { routes: [noRoute] })]);
    expect(round!.map((p) => p.state)).to.deep.equal(['agrees', 'diverged']);
    expect(round![1]!.why).to.equal('kong-b answers /echo with 404 while kong-a serves it');
  });

  it('does not call a route failing on every pod a divergence: the route signatures judge that', () => {
    const [round] = podStandings([pod(1, 'kong-a', NEW, { routes: [noRoute] }), pod(1, 'kong-b', NEW, { routes: [noRoute] })]);
    expect(round!.map((p) => p.state)).to.deep.equal(['agrees', 'agrees']);
  });

  it('marks a pod that is gone since the last round as not serving', () => {
    expect(standingsAt([pod(1, 'kong-a', NEW), pod(1, 'kong-b', OLD), pod(2, 'kong-a', NEW)])).to.deep.equal([{ 'kong-a': 'diverged', 'kong-b': 'diverged' }, { 'kong-a': 'agrees', 'kong-b': 'not-serving' }]);
  });

  it('reads one subject per pod, bad while diverged', () => {
    const readings = readAll([diverged], [pod(1, 'kong-a', NEW), pod(1, 'kong-b', NEW), pod(1, 'kong-c', OLD)]);
    expect(readings.map((r) => `${r.subject} ${r.state}`)).to.deep.equal(['pod/kong-a good', 'pod/kong-b good', 'pod/kong-c bad']);
  });

  it('is not-reproduced when a pod lags for less than persistMs: a push reaches pods seconds apart', () => {
    const j = judge([diverged], run(...rounds(25_000, 31_000)));
    expect(j.outcome).to.equal('not-reproduced');
    expect(j.reason).to.contain('only blips');
  });

  it('is recovered when a pod diverged for longer than persistMs and then caught up', () => {
    const j = judge([diverged], run(...rounds(25_000, 55_000)));
    expect(j.outcome).to.equal('recovered');
    expect(j.symptoms.map((s) => s.subject)).to.deep.equal(['pod/kong-b']);
  });

  it('is reproduced when a pod is left diverged at the end of the window', () => {
    const j = judge([diverged], run(...rounds(25_000, Number.POSITIVE_INFINITY)));
    expect(j.outcome).to.equal('reproduced');
    expect(j.reason).to.contain('kong-b holds configuration 7d793037a076 while 2 of 3 pods hold configuration 5d41402abc4b');
    expect(j.reason).to.contain('answers /echo with 404 while kong-a serves it');
  });

  it('clears a diverged pod that is deleted: a rolled-away pod is not left diverged', () => {
    const stale = rounds(25_000, Number.POSITIVE_INFINITY, 52_000);
    const after: Observation[] = [];
    for (let at = 55_000; at <= 99_000; at += 3_000) after.push(pod(at, 'kong-a', NEW), pod(at, 'kong-c', NEW), pod(at, 'kong-d', NEW));
    const j = judge([diverged], run(...stale, ...after));
    expect(j.outcome).to.equal('recovered');
    expect(j.symptoms[0]).to.include({ subject: 'pod/kong-b', clearedAt: 55_000 });
  });

  it('is inconclusive when the pods already disagree before the fault', () => {
    const j = judge([diverged], run(pod(15, 'kong-a', NEW), pod(15, 'kong-b', OLD), pod(15, 'kong-c', NEW)));
    expect(j.outcome).to.equal('inconclusive');
    expect(j.reason).to.contain('symptom present before the fault');
  });

  it('with fromFaultEnd, judges only from the end of the fault: pods rolled by the fault pass through old and new configurations', () => {
    const observations = run(...rounds(25_000, 61_000)).map((o) => (o.kind === 'step' && o.phase === 'fault' && o.state === 'end' ? { ...o, at: 60_000 } : o));
    expect(judge([diverged], observations).outcome).to.equal('recovered');
    expect(judge([{ ...diverged, fromFaultEnd: true }], observations).outcome).to.equal('not-reproduced');
    const leftBehind = run(...rounds(25_000, Number.POSITIVE_INFINITY)).map((o) => (o.kind === 'step' && o.phase === 'fault' && o.state === 'end' ? { ...o, at: 60_000 } : o));
    expect(judge([{ ...diverged, fromFaultEnd: true }], leftBehind).outcome).to.equal('reproduced');
  });

  it('describes itself with its threshold for plans and reports', () => {
    expect(describeSignature(diverged)).to.deep.equal({ id: 'pods-diverged', kind: 'convergence', description: 'gateway pods diverge', reads: 'diverged', persistMs: 15_000, provenance: [] });
    expect(describeSignature({ ...diverged, fromFaultEnd: true })).to.include({ fromFaultEnd: true });
  });
});

describe('judge: a gateway pod left not Ready while others serve (`reads: unready`)', () => {
  const unready: Signature = { id: 'pod-unconfigured', kind: 'convergence', description: 'a gateway pod never configured', reads: 'unready', persistMs: 60_000 };
  const notReady = (at: number, name: string): PodConfigEntry => ({ kind: 'pod-config', at, pod: name, ready: false, routes: [] });

  /** kong-a and kong-b replaced at 22 s by kong-d (serving from 25 s) and kong-e (Ready from `eReadyAt`) */
  function replaced(eReadyAt: number): Observation[] {
    const out: Observation[] = [];
    for (let at = 22_000; at <= 99_000; at += 3_000) {
      out.push(at < 25_000 ? notReady(at, 'kong-d') : pod(at, 'kong-d', NEW), at < eReadyAt ? notReady(at, 'kong-e') : pod(at, 'kong-e', NEW));
    }
    return out;
  }

  it('reads a present pod that is not Ready as bad only while another pod serves; a gone pod clears', () => {
    const readings = readAll([unready], [notReady(1, 'kong-d'), notReady(1, 'kong-e'), pod(4, 'kong-d', NEW), notReady(4, 'kong-e'), pod(7, 'kong-d', NEW)]);
    expect(readings.map((r) => `${r.at} ${r.subject} ${r.state}`)).to.deep.equal(['4 pod/kong-d good', '4 pod/kong-e bad', '7 pod/kong-d good', '7 pod/kong-e good']);
    expect(readings[1]!.summary).to.equal('kong-e is not Ready while kong-d serves');
  });

  it('ignores the divergence of Ready pods, which the default signature reads', () => {
    const readings = readAll([unready], [pod(1, 'kong-a', NEW), pod(1, 'kong-b', NEW), pod(1, 'kong-c', OLD)]);
    expect(readings.map((r) => r.state)).to.deep.equal(['good', 'good', 'good']);
  });

  it('is reproduced when a replacement pod never turns Ready beside one that serves', () => {
    const j = judge([unready], run(...replaced(Number.POSITIVE_INFINITY)));
    expect(j.outcome).to.equal('reproduced');
    expect(j.reason).to.contain('kong-e is not Ready while kong-d serves');
  });

  it('is not-reproduced when the replacement turns Ready within persistMs of its peer', () => {
    expect(judge([unready], run(...replaced(40_000))).outcome).to.equal('not-reproduced');
  });
});
