import type { Observation, Phase, RouteEntry, RunHeader, StepEntry, TrafficEntry } from '../../../harness/evidence/types.ts';
import { expectationFor, type ExpectationTable } from '../../../harness/judge/expectations.ts';
import { judge } from '../../../harness/judge/outcome.ts';
import type { Signature } from '../../../harness/judge/signatures.ts';
import { verdictOf } from '../../../harness/judge/verdict.ts';
import type { RequestRecord } from '../../../harness/probes/traffic/record.ts';
import { summarize } from '../../../harness/probes/traffic/summary.ts';
import type { RunJudgement } from '../../../harness/runner/verdict.ts';

/**
 * Runs as the harness would record them, judged by the real judge: one with the traffic probe
 * (5 s windows plus the whole run, as TrafficMonitor writes them), one with route checks only,
 * and one that failed at setup.
 */

export const T0 = Date.UTC(2025, 4, 19, 8, 0, 0);
export const s = (seconds: number) => T0 + seconds * 1000;
export const EVIL_LINE = 'reconcile failed: <script>document.title="pwned"</script> & "quotes" \'too\'';

export const header: RunHeader = {
  kind: 'run',
  at: s(-200),
  runId: '20250519-0800-abcd',
  scenario: 'gateway-listener-stuck',
  target: { k8s: '1.33', kic: '3.4.3', gateway: '3.9.1', mode: 'dbless', topology: 'split', featureGates: [] },
  harness: '0.1.0',
};

const step = (phase: Phase, state: StepEntry['state'], at: number, message?: string): StepEntry => ({ kind: 'step', at, phase, state, ...(message ? { message } : {}) });

/** provision → install → setup → steady-state (t = 0 s) → fault (5–8 s) → observe (to 38 s) → remediate (38–40 s) → recover (to 60 s). */
export const fullSteps: StepEntry[] = [
  step('provision', 'start', s(-200)),
  step('provision', 'end', s(-120)),
  step('install', 'start', s(-120)),
  step('install', 'end', s(-30)),
  step('setup', 'start', s(-30)),
  step('setup', 'end', s(-2)),
  step('steady-state', 'start', s(0)),
  step('steady-state', 'end', s(4)),
  step('fault', 'start', s(5)),
  step('fault', 'end', s(8)),
  step('observe', 'start', s(8)),
  step('observe', 'end', s(38)),
  step('remediate', 'start', s(38)),
  step('remediate', 'end', s(40)),
  step('recover', 'start', s(40)),
  step('recover', 'end', s(60)),
];

/** The failing stretches the traffic fixture has, as [first failed send, last failed send] in seconds. */
export const OUTAGES_S: [number, number][] = [
  [6, 9.5],
  [41, 41.5],
];

/** 20 requests a second from 0 s to 60 s; 503s and refusals inside OUTAGES_S; slow answers 10–12 s. */
export function trafficRecords(): RequestRecord[] {
  const out: RequestRecord[] = [];
  for (let i = 0; i < 1200; i++) {
    const t = i * 0.05;
    const at = s(t);
    const down = OUTAGES_S.findIndex(([a, b]) => t >= a - 1e-9 && t <= b + 1e-9);
    const latency = t >= 10 && t < 12 ? 180 : 4 + (i % 7);
    if (down === 0) out.push({ target: 0, scheduled: at, start: at, end: at + 2, status: 503, error: 'http-5xx' });
    else if (down === 1) out.push({ target: 0, scheduled: at, start: at, end: at + 1, error: 'connect-refused' });
    else out.push({ target: 0, scheduled: at, start: at, end: at + latency, status: 200 });
  }
  return out;
}

/** What TrafficMonitor records: an entry per 5 s window, then one for the whole run. */
export function trafficEntries(records: readonly RequestRecord[]): TrafficEntry[] {
  const target = 'http://127.0.0.1:30080/echo (Host echo.example)';
  const entry = (from: number, to: number, at = to): TrafficEntry => ({
    kind: 'traffic',
    at,
    target,
    ...summarize(
      records.filter((r) => r.scheduled >= from && r.scheduled < to),
      { from, to, targetRate: 20 },
    ),
  });
  const windows: TrafficEntry[] = [];
  for (let t = 0; t < 60; t += 5) windows.push(entry(s(t), s(t + 5)));
  // the whole run is recorded when the probe stops, just after the recovery window
  return [...windows, entry(s(0), s(60), s(60.5))];
}

export const signatures: Signature[] = [
  { id: 'listener-unsupported-protocol', kind: 'condition', description: 'listener stuck', objectKind: 'Gateway', scope: 'listener/', type: 'Programmed', reason: 'UnsupportedProtocol' },
  { id: 'kic-reconcile-error', kind: 'log', description: 'KIC fails to sync', component: 'controller', pattern: /reconcile failed/ },
  { id: 'traffic-slo', kind: 'slo', description: 'traffic holds', minSuccessRatio: 0.99 },
  { id: 'echo-unreachable', kind: 'route', description: 'the echo route answers', route: '/echo' },
];

const listener = (at: number, reason: string): Observation => ({
  kind: 'condition',
  at,
  object: { kind: 'Gateway', name: 'kong', namespace: 'kong-chaos' },
  scope: 'listener/http',
  type: 'Programmed',
  status: reason === 'Programmed' ? 'True' : 'False',
  reason,
});

export function fullRun(): Observation[] {
  const timed: Observation[] = [
    ...fullSteps,
    { kind: 'fault', at: s(5), name: 'default', detail: 'restart the gateway pods and re-create the Gateway' },
    listener(s(2), 'Programmed'),
    listener(s(9), 'UnsupportedProtocol'),
    listener(s(20), 'UnsupportedProtocol'),
    listener(s(37), 'UnsupportedProtocol'),
    listener(s(45), 'Programmed'),
    { kind: 'log', at: s(7), component: 'controller', pod: 'kong-controller-7d9f', container: 'ingress-controller', line: EVIL_LINE },
    ...trafficEntries(trafficRecords()),
  ];
  return timed.sort((a, b) => a.at - b.at);
}

/** Route checks every 2 s, 0–60 s; /echo fails at 6, 8 and 10 s; latency 12 ms, 250 ms at 12 s. */
export const ROUTE_OUTAGE_S: [number, number] = [6, 10];
export function routeOnlyRun(): Observation[] {
  const routes: RouteEntry[] = [];
  for (let t = 0; t <= 60; t += 2) {
    const down = t >= ROUTE_OUTAGE_S[0] && t <= ROUTE_OUTAGE_S[1];
    routes.push(down ? { kind: 'route', at: s(t), route: '/echo', ok: false, error: 'connect-refused', latencyMs: 3 } : { kind: 'route', at: s(t), route: '/echo', ok: true, status: 200, latencyMs: t === 12 ? 250 : 12 });
  }
  return [...fullSteps, ...routes].sort((a, b) => a.at - b.at);
}

export function setupFailedRun(): Observation[] {
  return [
    step('provision', 'start', s(-200)),
    step('provision', 'end', s(-120)),
    step('install', 'start', s(-120)),
    step('install', 'end', s(-30)),
    step('setup', 'start', s(-30)),
    { kind: 'log', at: s(-20), component: 'controller', pod: 'kong-controller-7d9f', container: 'ingress-controller', line: 'starting' },
    step('setup', 'fail', s(-2), 'apply HTTPRoute echo: <admission webhook "validations.kong.konghq.com" denied the request>'),
  ];
}

export const EXPECTATIONS: ExpectationTable = { '<=3.4.3': 'reproduced', '>=3.4.4': ['recovered', 'not-reproduced'] };

/** Outcome, expectation and verdict as judgeRun computes them, with these signatures. */
export function judged(observations: readonly Observation[], kic = header.target.kic, table = EXPECTATIONS): RunJudgement {
  const judgement = judge(signatures, observations);
  const expectation = expectationFor(table, kic);
  return { judgement, expectation, verdict: verdictOf(expectation, judgement.outcome) };
}
