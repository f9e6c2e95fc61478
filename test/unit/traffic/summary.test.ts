import { expect } from 'chai';
import type { ErrorClass } from '../../../harness/evidence/types.ts';
import { outcomeKey, statusClass, type RequestRecord } from '../../../harness/probes/traffic/record.ts';
import { bucketize, latencyPercentiles, outageWindows, percentile, summarize } from '../../../harness/probes/traffic/summary.ts';

const T0 = 1_700_000_000_000;

/** A request scheduled at T0 + `at` ms, sent `lag` ms late, answered `latency` ms after its schedule. */
function rec(at: number, outcome: 'ok' | ErrorClass | number = 'ok', latency = 2, lag = 0): RequestRecord {
  const base = { target: 0, scheduled: T0 + at, start: T0 + at + lag, end: T0 + at + latency };
  if (outcome === 'ok') return { ...base, status: 200 };
  if (typeof outcome === 'number') return { ...base, status: outcome, error: statusClass(outcome)! };
  return { ...base, error: outcome };
}

describe('traffic record classification', () => {
  it('reads statuses below 400 as success and keeps 4xx/5xx apart', () => {
    expect([200, 204, 301, 399].map(statusClass)).to.deep.equal([undefined, undefined, undefined, undefined]);
    expect([400, 404, 499].map(statusClass)).to.deep.equal(['http-4xx', 'http-4xx', 'http-4xx']);
    expect([500, 502, 599].map(statusClass)).to.deep.equal(['http-5xx', 'http-5xx', 'http-5xx']);
  });

  it('keys an HTTP failure by its code and a transport failure by its class', () => {
    expect(outcomeKey(rec(0))).to.equal('ok');
    expect(outcomeKey(rec(0, 503))).to.equal('http-503');
    expect(outcomeKey(rec(0, 404))).to.equal('http-404');
    expect(outcomeKey(rec(0, 'reset'))).to.equal('reset');
  });
});

describe('traffic bucketize', () => {
  it('puts each request in the interval of its scheduled time, counting ok and errors by key', () => {
    // scheduled at 0, 50, 99.9 | 100, 150 | 250 ; the 150 one is late but still belongs to bucket 1
    const records = [rec(0), rec(50, 502), rec(99.9, 'reset'), rec(100), rec(150, 'ok', 2, 120), rec(250, 502)];
    const buckets = bucketize(records, T0, T0 + 300, 100);
    expect(buckets.map((b) => b.start)).to.deep.equal([T0, T0 + 100, T0 + 200]);
    expect(buckets.map((b) => [b.sent, b.ok])).to.deep.equal([
      [3, 1],
      [2, 2],
      [1, 0],
    ]);
    expect(buckets[0]!.errors).to.deep.equal({ 'http-502': 1, reset: 1 });
    expect(buckets[1]!.errors).to.deep.equal({});
    expect(buckets[2]!.errors).to.deep.equal({ 'http-502': 1 });
  });

  it('keeps empty intervals so that silence shows, with a null p99', () => {
    const buckets = bucketize([rec(10), rec(310)], T0, T0 + 400, 100);
    expect(buckets.map((b) => b.sent)).to.deep.equal([1, 0, 0, 1]);
    expect(buckets[1]!.p99Ms).to.equal(null);
  });

  it('takes p99 over the successful requests of the interval only', () => {
    const records = [...Array.from({ length: 99 }, (_, i) => rec(i * 0.5, 'ok', 1)), rec(60, 'ok', 40), rec(70, 'timeout', 5000)];
    const [bucket] = bucketize(records, T0, T0 + 100, 100);
    expect(bucket!.p99Ms).to.equal(1);
    const [withSlow] = bucketize([...records, rec(80, 'ok', 50)], T0, T0 + 100, 100);
    expect(withSlow!.p99Ms).to.equal(40);
  });

  it('honours the interval length', () => {
    const records = Array.from({ length: 10 }, (_, i) => rec(i * 100));
    expect(bucketize(records, T0, T0 + 1000, 250).map((b) => b.sent)).to.deep.equal([3, 2, 3, 2]);
  });

  it('has no buckets for an empty window', () => {
    expect(bucketize([], T0, T0, 100)).to.deep.equal([]);
  });
});

describe('traffic outageWindows', () => {
  it('makes one window per contiguous failing stretch, from the first to the last failed start', () => {
    const records = [rec(0), rec(10, 502), rec(20, 502), rec(30, 'connect-refused'), rec(40), rec(50), rec(60, 'reset'), rec(70)];
    expect(outageWindows(records)).to.deep.equal([
      { start: T0 + 10, end: T0 + 30, open: false, durationMs: 20, errors: { 'http-502': 2, 'connect-refused': 1 } },
      { start: T0 + 60, end: T0 + 60, open: false, durationMs: 0, errors: { reset: 1 } },
    ]);
  });

  it('orders by actual start, so records handed over in completion order give the same windows', () => {
    const records = [rec(0), rec(10, 502), rec(20, 502), rec(30), rec(40, 503)];
    const shuffled = [records[3]!, records[1]!, records[4]!, records[0]!, records[2]!];
    expect(outageWindows(shuffled)).to.deep.equal(outageWindows(records));
    expect(outageWindows(records).map((w) => w.durationMs)).to.deep.equal([10, 0]);
  });

  it('marks a window no success ended as open, running to when sending stopped', () => {
    const records = [rec(0), rec(5, 'timeout'), rec(10, 'unanswered')];
    expect(outageWindows(records, T0 + 40)).to.deep.equal([{ start: T0 + 5, end: T0 + 40, open: true, durationMs: 35, errors: { timeout: 1, unanswered: 1 } }]);
    expect(outageWindows(records)[0]).to.include({ end: T0 + 10, open: true, durationMs: 5 });
    expect(outageWindows([...records, rec(20)], T0 + 40)[0]).to.include({ end: T0 + 10, open: false });
  });

  it('finds none when every request succeeded', () => {
    expect(outageWindows([rec(0), rec(1), rec(2)])).to.deep.equal([]);
  });
});

describe('traffic latency, lag and summary', () => {
  it('reads percentiles of successful latencies from an HDR histogram, in ms', () => {
    const records = [...Array.from({ length: 100 }, (_, i) => rec(i, 'ok', i + 1)), rec(200, 'timeout', 9999)];
    const p = latencyPercentiles(records);
    // 3 significant digits: within 0.1% of the exact nearest-rank values 50, 90, 99, 100
    expect(p.p50).to.be.closeTo(50, 0.05);
    expect(p.p90).to.be.closeTo(90, 0.09);
    expect(p.p99).to.be.closeTo(99, 0.1);
    expect(p.max).to.be.closeTo(100, 0.1);
  });

  it('measures latency from the scheduled time, so a late send counts against it', () => {
    // sent 30 ms late, answered 1 ms after sending: the caller waited 31 ms
    expect(latencyPercentiles([rec(0, 'ok', 31, 30)]).p50).to.be.closeTo(31, 0.05);
  });

  it('has no value (null), not zeros, when nothing succeeded', () => {
    expect(latencyPercentiles([rec(0, 502), rec(1, 'unanswered')])).to.deep.equal({ p50: null, p90: null, p99: null, max: null });
  });

  it('nearest-rank percentile', () => {
    expect(percentile([1, 2, 3, 4], 50)).to.equal(2);
    expect(percentile([1, 2, 3, 4], 99)).to.equal(4);
    expect(percentile([7], 1)).to.equal(7);
    expect(percentile([], 50)).to.equal(null);
  });

  it('summarizes rate, success ratio, errors by key, outages and buckets over the window', () => {
    const records = [
      ...Array.from({ length: 150 }, (_, i) => rec(i * 10)),
      ...Array.from({ length: 40 }, (_, i) => rec(1500 + i * 10, 502)),
      ...Array.from({ length: 10 }, (_, i) => rec(1900 + i * 10, 'connect-refused')),
    ];
    const s = summarize(records, { from: T0, to: T0 + 2000, targetRate: 110 });
    expect(s).to.include({ from: T0, to: T0 + 2000, targetRate: 110, achievedRate: 100, sent: 200, ok: 150, successRatio: 0.75 });
    expect(s.errors).to.deep.equal({ 'http-502': 40, 'connect-refused': 10 });
    expect(s.outages).to.deep.equal([{ start: T0 + 1500, end: T0 + 2000, open: true, durationMs: 500, errors: { 'http-502': 40, 'connect-refused': 10 } }]);
    expect(s.buckets).to.have.length(20);
    expect(s.buckets.reduce((n, b) => n + b.sent, 0)).to.equal(200);
    expect(summarize(records, { from: T0, to: T0 + 2000, targetRate: 110, bucketMs: 500 }).buckets).to.have.length(4);
  });

  it('summarizes an empty run without dividing by zero', () => {
    const s = summarize([], { from: T0, to: T0, targetRate: 100 });
    expect(s).to.include({ achievedRate: 0, sent: 0, ok: 0, successRatio: 0 });
    expect(s.outages).to.deep.equal([]);
  });
});
