import { expect } from 'chai';
import type { ErrorClass, Observation, TrafficEntry } from '../../../harness/evidence/types.ts';
import { judge } from '../../../harness/judge/outcome.ts';
import type { SloSignature } from '../../../harness/judge/signatures.ts';
import type { RequestRecord } from '../../../harness/probes/traffic/record.ts';
import { probeLoad, SATURATION_LAG_MS } from '../../../harness/probes/traffic/saturation.ts';
import { summarize } from '../../../harness/probes/traffic/summary.ts';
import { step, T0 } from '../../support/bundle-fixtures.ts';

/** A request scheduled `at` ms after T0, sent `lag` ms late, answered `latency` ms after sending. */
const rec = (at: number, lag: number, error?: ErrorClass, latency = 2): RequestRecord => ({
  target: 0,
  scheduled: T0 + at,
  start: T0 + at + lag,
  end: T0 + at + lag + latency,
  ...(error ? { error } : { status: 200 }),
});
const quietLoop = { p99: 1.2, max: 4 };

describe('traffic probeLoad (is the probe saturated?)', () => {
  it('a probe on schedule is not saturated, and says how late it was', () => {
    const records = Array.from({ length: 100 }, (_, i) => rec(i * 10, i === 99 ? 12 : 0.5));
    const load = probeLoad(records, [], quietLoop);
    expect(load).to.deep.equal({ saturated: false, scheduleLagMs: { p50: 0.5, p99: 0.5, max: 12 }, eventLoopDelayMs: quietLoop, unsent: 0, windows: [] });
  });

  it('sending late (schedule lag p99 over the limit) is saturation, with the stretches where it happened', () => {
    // the shape of `--rate 5000` against nginx on 2 cores: on time, then 1–3 s behind, then on time again
    const records = [
      ...Array.from({ length: 50 }, (_, i) => rec(i * 10, 1)),
      ...Array.from({ length: 100 }, (_, i) => rec(500 + i * 10, 1_000 + i * 20)),
      ...Array.from({ length: 100 }, (_, i) => rec(3_000 + i * 10, 1)),
      ...Array.from({ length: 5 }, (_, i) => rec(5_000 + i * 10, SATURATION_LAG_MS + 50)),
    ];
    const load = probeLoad(records, [], quietLoop);
    expect(load.saturated).to.equal(true);
    expect(load.scheduleLagMs.p99).to.be.above(SATURATION_LAG_MS);
    expect(load.windows).to.deep.equal([
      { start: T0 + 500, end: T0 + 1_490 },
      { start: T0 + 5_000, end: T0 + 5_040 },
    ]);
  });

  it('a few late requests under the p99 do not make it saturated, but requests never sent do', () => {
    const records = Array.from({ length: 1_000 }, (_, i) => rec(i, i < 5 ? 500 : 1));
    expect(probeLoad(records, [], quietLoop).saturated).to.equal(false);
    const load = probeLoad(records, [T0 + 2_000, T0 + 2_001], quietLoop);
    expect(load).to.include({ saturated: true, unsent: 2 });
    expect(load.windows.at(-1)).to.deep.equal({ start: T0 + 2_000, end: T0 + 2_001 });
  });

  it('a blocked event loop is saturation even when the few requests went out on time', () => {
    expect(probeLoad([rec(0, 1)], [], { p99: 240, max: 470 }).saturated).to.equal(true);
  });

  it('the probe machine out of ports or descriptors (`local`) is saturation', () => {
    expect(probeLoad([rec(0, 1), rec(1, 1, 'local')], [], quietLoop).saturated).to.equal(true);
    expect(probeLoad([rec(0, 1), rec(1, 1, 'reset')], [], quietLoop).saturated).to.equal(false);
  });

  it('has no lag values, not zeros, when nothing was sent', () => {
    expect(probeLoad([], [], quietLoop).scheduleLagMs).to.deep.equal({ p50: null, p99: null, max: null });
  });
});

describe('judging traffic the probe was too busy to measure', () => {
  const slo: SloSignature = { id: 'traffic-slo', kind: 'slo', description: 'requests through the proxy keep succeeding', minSuccessRatio: 0.99, maxOutageMs: 1_000 };
  // a window in which the probe fell 1–3 s behind and read resets: what an overloaded probe reports
  const overloaded = [
    ...Array.from({ length: 100 }, (_, i) => rec(i * 10, 1)),
    ...Array.from({ length: 300 }, (_, i) => rec(1_000 + i * 10, 1_000 + i * 7, 'reset')),
    ...Array.from({ length: 100 }, (_, i) => rec(4_000 + i * 10, 2_500)),
  ];
  const traffic = (probe: TrafficEntry['probe']): TrafficEntry => ({
    kind: 'traffic',
    at: T0 + 65_000,
    target: 'http://172.18.0.2/echo',
    ...summarize(overloaded, { from: T0 + 60_000, to: T0 + 65_000, targetRate: 100 }),
    ...(probe ? { probe } : {}),
  });
  const run = (entry: TrafficEntry): Observation[] => [
    step(0, 'steady-state', 'start'),
    step(50_000, 'steady-state', 'end'),
    step(55_000, 'fault', 'start'),
    step(56_000, 'fault', 'end'),
    entry,
    step(90_000, 'observe', 'end'),
  ];

  it('an SLO window read while the probe was saturated is inconclusive, not a Kong outage', () => {
    const load = probeLoad(overloaded, [], { p99: 230, max: 470 });
    expect(load.saturated).to.equal(true);
    const j = judge([slo], run(traffic(load)));
    expect(j.outcome).to.equal('inconclusive');
    expect(j.reason).to.match(/traffic probe was saturated \(schedule lag p99 [\d.]+ ms, event-loop delay p99 230 ms, 0 unsent\)/);
  });

  it('the same numbers from a probe that kept up are a regression', () => {
    const onTime = overloaded.map((r) => ({ ...r, start: r.scheduled + 1 }));
    const load = probeLoad(onTime, [], quietLoop);
    expect(load.saturated).to.equal(false);
    expect(judge([slo], run(traffic(load))).outcome).to.equal('reproduced');
    // bundles written before the probe recorded its load are read as before
    expect(judge([slo], run(traffic(undefined))).outcome).to.equal('reproduced');
  });
});
