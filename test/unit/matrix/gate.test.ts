import { expect } from 'chai';
import type { AdminEntry, Observation, RouteEntry, TrafficEntry } from '../../../harness/evidence/types.ts';
import { decideGate, type GateInput, type UpgradeRun } from '../../../harness/matrix/gate.ts';

const FAULT = 1_000_000;
const END = FAULT + 180_000;
const plugin = (id: string, name: string, route: string | null = 'r1') => ({ id, name, tags: ['k8s-name:p'], route, service: null });
const admin = (at: number, query: string, data: unknown): AdminEntry => ({ kind: 'admin', at, query, data });
const traffic = (sent: number, ok: number): TrafficEntry => ({
  kind: 'traffic', at: END, target: 'http://proxy/echo', from: FAULT - 5000, to: END, targetRate: 50, achievedRate: 50, sent, ok, successRatio: ok / sent,
  latencyMs: { p50: 1, p90: 2, p99: 3, max: 4 }, errors: {}, outages: [], buckets: [],
});

function upgrade(observations: Observation[], over: Partial<UpgradeRun> = {}): UpgradeRun {
  return {
    scenario: 'upgrade-gate', variant: null, target: 'KIC 3.4.6', outcome: 'not-reproduced', verdict: 'pass', reason: 'no symptom', runDir: 'runs/x',
    symptoms: [], window: { faultAt: FAULT, observedUntil: END }, observations, ...over,
  };
}

const healthy: Observation[] = [
  admin(FAULT - 1000, 'plugins', [plugin('a', 'cors'), plugin('b', 'key-auth')]),
  admin(END - 1000, 'plugins', [plugin('a', 'cors'), plugin('b', 'key-auth')]),
  traffic(10_000, 9_995),
];

function input(over: Partial<GateInput> = {}): GateInput {
  return { from: '3.4.4', to: '3.4.6', component: 'kic', upgrade: upgrade(healthy), catalog: [], minSuccessRatio: 0.99, ...over };
}

const rules = (i: GateInput) => decideGate(i).findings.map((f) => f.rule);

describe('upgrade gate decision', () => {
  it('is safe when nothing speaks against B', () => {
    expect(decideGate(input())).to.deep.include({ safe: true, findings: [] });
  });

  it('fails on any regression and on any inconclusive run, and names the run', () => {
    const catalog = [
      { scenario: 'plugin-id-drift', variant: null, target: 'KIC 3.4.6', outcome: 'reproduced' as const, verdict: 'regression' as const, reason: 'stuck', runDir: 'runs/p' },
      { scenario: 'missing-crds', variant: null, target: 'KIC 3.4.6', outcome: 'inconclusive' as const, verdict: 'error' as const, reason: 'install failed', runDir: 'runs/m' },
    ];
    const d = decideGate(input({ catalog }));
    expect(d.safe).to.equal(false);
    expect(d.findings.map((f) => f.rule)).to.deep.equal(['regression', 'inconclusive']);
    expect(d.findings[0]!.message).to.contain('plugin-id-drift').and.contain('runs/p');
  });

  it('a fixed verdict is a note, not a failure', () => {
    const d = decideGate(input({ catalog: [{ scenario: 's', variant: null, target: 't', outcome: 'not-reproduced', verdict: 'fixed', reason: '', runDir: '' }] }));
    expect(d.safe).to.equal(true);
    expect(d.notes.join()).to.contain('update the catalog');
  });

  it('fails on a known failure B reproduces and A does not have; one both have is a note', () => {
    const sni = { scenario: 'sni-certificate-backref', variant: null, target: 'KIC 3.5.5', outcome: 'reproduced' as const, verdict: 'pass' as const, reason: 'canary never published', runDir: 'runs/s' };
    const fresh = decideGate(input({ from: '3.5.4', to: '3.5.5', catalog: [{ ...sni, expectedOnFrom: false }] }));
    expect(fresh.safe).to.equal(false);
    expect(fresh.findings.map((f) => f.rule)).to.deep.equal(['known-failure']);
    expect(fresh.findings[0]!.message).to.contain('sni-certificate-backref').and.contain('3.5.4 does not have').and.contain('runs/s');
    const both = decideGate(input({ from: '3.5.4', to: '3.5.5', catalog: [{ ...sni, expectedOnFrom: true }] }));
    expect(both.safe).to.equal(true);
    expect(both.notes.join()).to.contain('neither brings nor fixes it');
    expect(decideGate(input({ catalog: [{ ...sni, outcome: 'not-reproduced', expectedOnFrom: false }] })).safe).to.equal(true);
  });

  it('fails on a catalog signature seen during or after the upgrade', () => {
    expect(rules(input({ upgrade: upgrade(healthy, { symptoms: [{ signature: 'plugin-cache-key-violation', summary: 'duplicate key', firstSeen: FAULT + 30_000 }] }) }))).to.deep.equal(['signature']);
  });

  it('fails on traffic below the SLO during the upgrade, and when no traffic was measured', () => {
    expect(rules(input({ upgrade: upgrade([healthy[0]!, healthy[1]!, traffic(10_000, 9_800)]) }))).to.deep.equal(['slo']);
    expect(rules(input({ upgrade: upgrade([healthy[0]!, healthy[1]!]) }))).to.deep.equal(['slo']);
    const checks: RouteEntry[] = [true, true, false, true].map((ok, i) => ({ kind: 'route', at: FAULT + i * 1000, route: '/echo', ok, latencyMs: 1 }));
    expect(rules(input({ upgrade: upgrade([healthy[0]!, healthy[1]!, ...checks]) }))).to.deep.equal(['slo']);
    expect(rules(input({ upgrade: upgrade([healthy[0]!, healthy[1]!, ...checks]), minSuccessRatio: 0.75 }))).to.deep.equal([]);
  });

  it('fails on Admin API drift: duplicates, lost entities, new ids, orphans', () => {
    const before = admin(FAULT - 1000, 'plugins', [plugin('a', 'cors'), plugin('b', 'key-auth')]);
    const cases: [Observation[], RegExp][] = [
      [[before, admin(END - 1, 'plugins', [plugin('a', 'cors'), plugin('b', 'key-auth'), plugin('c', 'cors')])], /duplicate cors/],
      [[before, admin(END - 1, 'plugins', [plugin('a', 'cors')])], /key-auth on route r1 lost/],
      [[before, admin(END - 1, 'plugins', [plugin('a', 'cors'), plugin('z', 'key-auth')])], /re-created under a new id \(b → z\)/],
      [[before, admin(END - 1, 'plugins', [plugin('a', 'cors'), plugin('b', 'key-auth')]), admin(END - 1, 'routes', [{ id: 'r2', name: 'echo' }])], /orphan/],
    ];
    for (const [obs, message] of cases) {
      const d = decideGate(input({ upgrade: upgrade([...obs, traffic(100, 100)]) }));
      expect(d.findings.map((f) => f.rule), String(message)).to.include('drift');
      expect(d.findings.map((f) => f.message).join('\n')).to.match(message);
    }
  });

  it('ignores snapshots that are not entity lists, and snapshots after the window', () => {
    const obs = [admin(FAULT - 1, 'upstream-targets', [{ upstream: 'u', targets: ['1'] }]), admin(END - 1, 'upstream-targets', []), ...healthy, admin(END + 5000, 'plugins', [])];
    expect(rules(input({ upgrade: upgrade(obs) }))).to.deep.equal([]);
  });

  it('is not safe when the upgrade itself never ran', () => {
    expect(rules(input({ upgrade: undefined }))).to.deep.equal(['missing']);
  });
});
