import { expect } from 'chai';
import type { Observation, Phase } from '../../../harness/evidence/types.ts';
import { judge } from '../../../harness/judge/outcome.ts';
import { describeSignature, read, type Signature } from '../../../harness/judge/signatures.ts';

const listener: Signature = {
  id: 'listener',
  kind: 'condition',
  description: 'listener stuck',
  objectKind: 'Gateway',
  scope: 'listener/',
  type: 'Accepted',
  reason: 'UnsupportedProtocol',
};
const route: Signature = { id: 'route', kind: 'route', description: 'route down', route: '/echo' };
const dupKey: Signature = {
  id: 'dup',
  kind: 'log',
  component: 'gateway',
  description: 'dup key',
  pattern: /duplicate key value violates unique constraint "plugins_cache_key_key"/,
  holdMs: 10_000,
};

const step = (at: number, phase: Phase, state: 'start' | 'end' | 'fail' = 'end', message?: string): Observation => ({ kind: 'step', at, phase, state, ...(message ? { message } : {}) });
const cond = (at: number, reason: string): Observation => ({
  kind: 'condition',
  at,
  object: { kind: 'Gateway', name: 'kong', namespace: 'ns' },
  scope: 'listener/http',
  type: 'Accepted',
  status: reason === 'Accepted' ? 'True' : 'False',
  reason,
});
const hit = (at: number, ok: boolean): Observation => ({ kind: 'route', at, route: '/echo', ok, status: ok ? 200 : 503, latencyMs: 3 });
const log = (at: number, line: string): Observation => ({ kind: 'log', at, component: 'gateway', pod: 'kong-0', container: 'proxy', line });

/** A run skeleton: steady state at 10 s, fault at 20 s, observation until 100 s. */
function run(...middle: Observation[]): Observation[] {
  return [
    step(0, 'setup', 'start'),
    step(5, 'setup'),
    step(6, 'steady-state', 'start'),
    cond(8, 'Accepted'),
    hit(9, true),
    step(10, 'steady-state'),
    step(20_000, 'fault', 'start'),
    step(21_000, 'fault'),
    step(21_000, 'observe', 'start'),
    ...middle,
    step(100_000, 'observe'),
  ].sort((a, b) => a.at - b.at);
}

describe('judge: outcome', () => {
  it('is reproduced when a stateful symptom is still bad at the end of the window', () => {
    const j = judge([listener, route], run(cond(30_000, 'UnsupportedProtocol'), cond(90_000, 'UnsupportedProtocol')));
    expect(j.outcome).to.equal('reproduced');
    expect(j.reason).to.contain('UnsupportedProtocol');
    expect(j.symptoms).to.have.length(1);
    expect(j.symptoms[0]!.firstSeen).to.equal(30_000);
  });

  it('is recovered when every symptom cleared inside the window', () => {
    const j = judge([listener, route], run(hit(25_000, false), cond(30_000, 'UnsupportedProtocol'), hit(41_000, true), cond(60_000, 'Accepted')));
    expect(j.outcome).to.equal('recovered');
    expect(j.symptoms.map((s) => [s.signature, s.clearedAt])).to.deep.equal([
      ['route', 41_000],
      ['listener', 60_000],
    ]);
  });

  it('with fromFaultEnd, judges a route only from the end of the fault: an outage the fault causes by design until its step ends counts for nothing', () => {
    const longFault = (...middle: Observation[]) => run(...middle).map((o) => (o.kind === 'step' && o.phase === 'fault' && o.state === 'end' ? { ...o, at: 50_000 } : o));
    const down = [hit(22_000, false), hit(40_000, false), hit(49_000, true), hit(60_000, true)];
    expect(judge([route], longFault(...down)).outcome).to.equal('recovered');
    expect(judge([{ ...route, fromFaultEnd: true }], longFault(...down)).outcome).to.equal('not-reproduced');
    expect(judge([{ ...route, fromFaultEnd: true }], longFault(...down, hit(70_000, false), hit(95_000, false))).outcome).to.equal('reproduced');
  });

  it('is not-reproduced when nothing fired after the fault', () => {
    const j = judge([listener, route], run(hit(30_000, true), cond(40_000, 'Accepted')));
    expect(j.outcome).to.equal('not-reproduced');
    expect(j.symptoms).to.deep.equal([]);
  });

  it('reads a route signature with a status only on that answer: another failure is neither the symptom nor a healthy route', () => {
    const upgrade426: Signature = { id: 'route-426', kind: 'route', description: 'plain HTTP answered 426', route: '/echo', status: 426 };
    const answer = (at: number, status: number): Observation => ({ kind: 'route', at, route: '/echo', ok: status === 200, status, latencyMs: 3 });

    const stillRefused = judge([upgrade426], run(answer(30_000, 426), answer(90_000, 426)));
    expect(stillRefused.outcome).to.equal('reproduced');
    expect(stillRefused.symptoms[0]!.summary).to.equal('/echo -> 426');
    expect(judge([upgrade426], run(answer(30_000, 503), answer(90_000, 404))).outcome).to.equal('not-reproduced');
    expect(read(upgrade426, answer(30_000, 404))).to.equal(undefined);
    expect(read(upgrade426, answer(30_000, 200))?.state).to.equal('good');
    // plan --json and the catalog say which answer the signature reads
    expect(describeSignature(upgrade426)).to.include({ route: '/echo', status: 426 });
  });

  it('keeps a point symptom present while lines keep coming, and clears it after the hold', () => {
    const line = '2026/11/23 10:00:00 [error] 1#0: duplicate key value violates unique constraint "plugins_cache_key_key"';
    expect(judge([dupKey], run(log(30_000, line), log(95_000, line))).outcome).to.equal('reproduced');
    expect(judge([dupKey], run(log(30_000, line), log(40_000, line))).outcome).to.equal('recovered');
  });

  it('matches a log pattern inside a JSON-wrapped line with escaped quotes', () => {
    const line = JSON.stringify({ level: 'error', msg: 'failed', error: 'ERROR: duplicate key value violates unique constraint "plugins_cache_key_key" (SQLSTATE 23505)' });
    expect(line).to.contain('\\"plugins_cache_key_key\\"');
    expect(judge([dupKey], run(log(95_000, line))).outcome).to.equal('reproduced');
  });

  it('a symptom that clears and comes back is present again', () => {
    const j = judge([route], run(hit(25_000, false), hit(30_000, true), hit(90_000, false)));
    expect(j.outcome).to.equal('reproduced');
  });

  describe('a sampled state must persist before it counts', () => {
    const targets: Signature = { id: 'stale-targets', kind: 'admin', query: 'upstream-targets', description: 'stale targets', problem: (d) => (d === 'stale' ? 'targets stale' : undefined) };
    const admin = (at: number, state: 'stale' | 'fresh'): Observation => ({ kind: 'admin', at, query: 'upstream-targets', data: state });
    /**
     * plugin-id-drift on a KIC that keeps plugin ids: the helm upgrade (fault at 20 s) restarts
     * the Kong pod and returns at 64 s, the backend rolls at 66 s, and the 3 s probes catch Kong
     * once on the old pod IPs before KIC's next 3 s sync pushes the new ones.
     */
    const afterRoll = (staleFor: number): Observation[] => {
      const out: Observation[] = [];
      for (let at = 22_000; at < 100_000; at += 3_000) {
        const stale = at >= 67_000 && at < 67_000 + staleFor;
        out.push(admin(at, stale ? 'stale' : 'fresh'), hit(at + 500, !stale));
      }
      return out;
    };

    it('reads one round caught before the next sync as no symptom, and names the blip', () => {
      const j = judge([targets, route], run(...afterRoll(3_000)));
      expect(j.outcome).to.equal('not-reproduced');
      expect(j.symptoms).to.deep.equal([]);
      expect(j.reason).to.equal('no symptom lasted; only blips that cleared by themselves: targets stale for 3s; /echo -> 503 for 3s');
    });

    it('counts a state that stayed bad for 15 s or more, then cleared, as recovered', () => {
      const j = judge([targets, route], run(...afterRoll(15_000)));
      expect(j.outcome).to.equal('recovered');
      expect(j.symptoms.map((s) => [s.signature, s.firstSeen, s.clearedAt])).to.deep.equal([
        ['stale-targets', 67_000, 82_000],
        ['route', 67_500, 82_500],
      ]);
    });

    it('counts a short state that is still bad at the end of the window', () => {
      expect(judge([route], run(hit(30_000, true), hit(97_000, false))).outcome).to.equal('reproduced');
    });

    it('takes the persistence from the signature when it names one', () => {
      const strict: Signature = { ...route, persistMs: 0 };
      expect(judge([strict], run(...afterRoll(3_000))).outcome).to.equal('recovered');
      const lenient: Signature = { ...targets, persistMs: 30_000 };
      expect(judge([lenient], run(...afterRoll(15_000))).outcome).to.equal('not-reproduced');
    });

    it('does not debounce log lines or facts: their hold and their measurement are their own', () => {
      const line = '2026/11/23 10:00:42 [notice] 1407#0: *119453 [lua] init.lua:234: upsert(): ERROR: duplicate key value violates unique constraint "plugins_cache_key_key"';
      expect(judge([dupKey], run(log(30_000, line))).outcome).to.equal('recovered');
    });
  });

  it('is inconclusive without a steady state', () => {
    const obs = run(cond(30_000, 'UnsupportedProtocol')).filter((o) => !(o.kind === 'step' && o.phase === 'steady-state' && o.state === 'end'));
    const j = judge([listener], obs);
    expect(j.outcome).to.equal('inconclusive');
    expect(j.reason).to.equal('the steady state was never reached');
  });

  it('is inconclusive when setup failed, naming the phase', () => {
    const j = judge([listener], [step(0, 'setup', 'start'), step(1, 'setup', 'fail', 'helm timed out')]);
    expect(j.outcome).to.equal('inconclusive');
    expect(j.reason).to.equal('setup failed: helm timed out');
  });

  it('is inconclusive when the symptom was there between steady state and fault', () => {
    const j = judge([route], run(hit(15_000, false), hit(30_000, false)));
    expect(j.outcome).to.equal('inconclusive');
    expect(j.reason).to.contain('before the fault');
  });

  it('is inconclusive when a log stream dropped and never came back, but not when it reopened', () => {
    const dropped: Observation = { kind: 'stream', at: 50_000, stream: 'logs gateway', state: 'dropped', message: 'EOF' };
    const reopened: Observation = { kind: 'stream', at: 52_000, stream: 'logs gateway', state: 'reopened' };
    expect(judge([route], run(dropped)).outcome).to.equal('inconclusive');
    expect(judge([route], run(dropped, reopened)).outcome).to.equal('not-reproduced');
  });

  it('is inconclusive when the observation window did not complete', () => {
    const obs = run(hit(30_000, false)).filter((o) => !(o.kind === 'step' && o.phase === 'observe' && o.state === 'end'));
    expect(judge([route], obs).outcome).to.equal('inconclusive');
  });

  it('judges the remediation apart from the outcome', () => {
    const base = run(hit(30_000, false), hit(90_000, false));
    const cleared = [...base, step(101_000, 'remediate', 'start'), step(102_000, 'remediate'), hit(110_000, true), step(150_000, 'recover')];
    const stuck = [...base, step(101_000, 'remediate', 'start'), step(102_000, 'remediate'), hit(110_000, false), step(150_000, 'recover')];
    expect(judge([route], cleared)).to.include({ outcome: 'reproduced', remediation: 'cleared' });
    expect(judge([route], stuck)).to.include({ outcome: 'reproduced', remediation: 'not-cleared' });
    expect(judge([route], base).remediation).to.equal('not-run');
  });

  it('keeps the outcome when the remediation itself fails, and says so', () => {
    const base = run(hit(30_000, false), hit(90_000, false));
    const broken = [...base, step(101_000, 'remediate', 'start'), step(102_000, 'remediate', 'fail', 'Admin API DELETE /plugins/x failed: ECONNREFUSED')];
    expect(judge([route], broken)).to.include({ outcome: 'reproduced', remediation: 'failed' });
  });
});

describe('judge: fact signatures', () => {
  const admitted: Signature = {
    id: 'admitted',
    kind: 'fact',
    description: 'more than one conflicting object admitted',
    name: 'admissions',
    problem: (v) => {
      const n = (v as { admitted: boolean }[]).filter((a) => a.admitted).length;
      return n > 1 ? `${n} conflicting objects admitted` : undefined;
    },
  };
  const fact = (at: number, admittedCount: number): Observation => ({
    kind: 'fact',
    at,
    name: 'admissions',
    value: Array.from({ length: 3 }, (_, i) => ({ admitted: i < admittedCount })),
  });

  it('reads a recorded fact as bad or good through the signature', () => {
    expect(judge([admitted], run(fact(25_000, 3))).outcome).to.equal('reproduced');
    expect(judge([admitted], run(fact(25_000, 1))).outcome).to.equal('not-reproduced');
  });

  describe('a signature over what the fault creates (madeByFault)', () => {
    const late: Signature = { ...route, id: 'late', madeByFault: true, persistMs: 30_000 };

    it('reads its bad state before the fault as the object not being there yet, not as a symptom present before the fault', () => {
      expect(judge([route], run(hit(15_000, false), hit(40_000, true))).outcome).to.equal('inconclusive');
      const j = judge([late], run(hit(15_000, false), hit(40_000, true)));
      expect(j.outcome).to.equal('not-reproduced');
    });

    it('judges from the end of the fault, with its own persistence: a route configured 25 s after it is a blip, one never configured is reproduced', () => {
      expect(judge([late], run(hit(22_000, false), hit(46_000, true))).outcome).to.equal('not-reproduced');
      expect(judge([late], run(hit(22_000, false), hit(90_000, false))).outcome).to.equal('reproduced');
      expect(judge([late], run(hit(22_000, false), hit(70_000, true))).outcome).to.equal('recovered');
    });

    it('ignores its readings between the start and the end of the fault step', () => {
      // the fault step runs 20 s to 21 s; a probe in it saw the route before the apply landed
      const j = judge([{ ...late, persistMs: 1_000 }], run(hit(20_500, false), hit(22_000, true)));
      expect(j.outcome).to.equal('not-reproduced');
      expect(j.reason).to.equal('no signature fired after the fault');
    });
  });
});
