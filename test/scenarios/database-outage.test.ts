import { expect } from 'chai';
import { UserError } from '../../harness/errors.ts';
import { read, type Signature } from '../../harness/judge/signatures.ts';
import type { Observation } from '../../harness/evidence/types.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario from '../../scenarios/database-outage.ts';
import { callsIn, expectJudged, logLine, routeAnswer, runFake, type FakeRunOptions, type Sighting } from '../support/fake-context.ts';
import { databaseDown, ingressStatus, kongErrorLine, sinceDatabaseBack, trafficSummary } from '../support/scenarios-infra.ts';

const TARGET = { kic: '3.5.13', mode: 'postgres', topology: 'single' };
const NS = 'chaos-database';

// A running Kong's cluster-events poll with Postgres refused: ngx.log through the module's log()
// wrapper (kong/cluster_events/init.lua@3.9.1 line 362), in a timer
const REFUSED = kongErrorLine('init.lua:362: [cluster_events] failed to retrieve events from DB: connection refused, context: ngx.timer');
// the same poll on 3.8.1 (kong/cluster_events/init.lua@3.8.1 line 395)
const REFUSED_381 = kongErrorLine('init.lua:395: [cluster_events] failed to poll: failed to retrieve events from DB: connection refused, context: ngx.timer');
// kong/runloop/balancer/upstreams.lua@3.9.1 line 98, a DAO error (kong/db/errors.lua `[strategy] message`); Kong/kong#13597
const TIMEOUT = kongErrorLine('upstreams.lua:98: load_upstreams_dict_into_memory(): could not obtain list of upstreams: [postgres] timeout, context: ngx.timer', 'crit');

interface Behaviour {
  /** Kong logs its lost database connections while it is down */
  logs?: boolean;
  /** a gateway pod deleted during the outage cannot start until Postgres is back */
  podStuck?: boolean;
  /** KIC pushes the change made during the outage this long after Postgres is back; never if undefined */
  pushAfterMs?: number;
  /** the route fails from the start: Kong never served it */
  brokenFromStart?: boolean;
  /** a traffic-probe summary with this outage, each round */
  trafficOutageMs?: number;
}

function system(b: Behaviour): Pick<FakeRunOptions, 'world'> {
  return {
    world: ({ calls, now }) => {
      const down = databaseDown(calls);
      const back = sinceDatabaseBack(calls, now);
      const podDeleted = calls.some((c) => c.op === 'deletePods');
      const changed = calls.some((c) => c.op === 'apply' && c.phase === 'fault');
      const routeOk = !b.brokenFromStart && !(b.podStuck && podDeleted && back === undefined);
      const out: Sighting[] = [routeAnswer('/echo', routeOk ? 200 : 503), ingressStatus(NS, 'echo', true)];
      if (changed) out.push(ingressStatus(NS, 'changed', b.pushAfterMs !== undefined && back !== undefined && back >= b.pushAfterMs));
      if (down && b.logs) out.push(logLine('gateway', REFUSED));
      if (b.trafficOutageMs !== undefined) out.push(trafficSummary(calls.some((c) => c.op === 'database') ? b.trafficOutageMs : 0));
      return out;
    },
  };
}

const symptomsOf = (run: Awaited<ReturnType<typeof runFake>>) => [...new Set(run.judgement.symptoms.map((s) => s.signature))];

describe('scenario database-outage', () => {
  it('puts Toxiproxy in front of Postgres and needs DB mode', () => {
    const target = resolveTarget(loadVersions(), scenario.requires, TARGET, scenario.id);
    expect(scenario.install(target, undefined)).to.deep.equal({ databaseProxy: true });
    expect(() => resolveTarget(loadVersions(), scenario.requires, { mode: 'dbless' }, scenario.id)).to.throw(UserError, /needs postgres/);
  });

  it('cuts the database for the window; existing routes keep serving, Kong logs the outage, and restoring it clears everything', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system({ logs: true }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(callsIn(run, 'setup')).to.deep.equal(['apply Namespace/chaos-database Deployment/chaos-database/echo Service/chaos-database/echo Ingress/chaos-database/echo']);
    expect(callsIn(run, 'fault')).to.deep.equal(['database cut']);
    expect(callsIn(run, 'remediate')).to.deep.equal(['database restore']);
    // the catalog's "existing routes keep serving": no traffic symptom, only the outage itself
    expect(symptomsOf(run)).to.deep.equal(['kong-database-unreachable']);
    expect(run.judgement.remediation).to.equal('cleared');
  });

  it('is not reproduced when Kong neither logs nor fails; no remediation runs, the cleanup brings the database back', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system({}) });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
    expect(run.calls.filter((c) => c.op === 'database').map((c) => c.action)).to.deep.equal(['cut', 'restore']);
    expect(callsIn(run, 'cleanup')).to.deep.equal(['database restore']);
    expect(run.judgement.remediation).to.equal('not-run');
  });

  it('is inconclusive when the route never served before the outage, and cuts nothing', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system({ brokenFromStart: true }) });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.match(/^steady-state failed: steady state not reached: \/echo -> 503/);
    expect(run.calls.filter((c) => c.op === 'database')).to.deep.equal([]);
  });

  describe('variant pod-restart', () => {
    it('deletes the gateway pods during the outage; the route fails until Postgres returns', async () => {
      const run = await runFake(scenario, { ...TARGET, variant: 'pod-restart', ...system({ logs: true, podStuck: true }) });

      expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
      expect(callsIn(run, 'fault')).to.deep.equal(['database cut', 'deletePods gateway']);
      expect(symptomsOf(run)).to.have.members(['route-unreachable', 'kong-database-unreachable']);
      expect(run.judgement.remediation).to.equal('cleared');
    });

    it('reads a traffic outage longer than the SLO as a symptom', async () => {
      const run = await runFake(scenario, { ...TARGET, variant: 'pod-restart', ...system({ podStuck: true, trafficOutageMs: 8_000 }) });

      expect(symptomsOf(run)).to.include('traffic-slo');
      const slo = run.judgement.symptoms.find((s) => s.signature === 'traffic-slo')!;
      expect(slo.summary).to.equal('success 20.00% of 500, longest outage 8000 ms');
    });
  });

  describe('variant change-during-outage', () => {
    it('applies a new Ingress during the outage; it is pushed once Postgres is back (remediation cleared)', async () => {
      const run = await runFake(scenario, { ...TARGET, variant: 'change-during-outage', ...system({ logs: true, pushAfterMs: 6_000 }) });

      expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
      expect(callsIn(run, 'fault')).to.deep.equal(['database cut', 'apply Ingress/chaos-database/changed']);
      expect(symptomsOf(run)).to.have.members(['change-not-applied', 'kong-database-unreachable']);
      expect(run.judgement.symptoms.find((s) => s.signature === 'change-not-applied')!.subject).to.equal('Ingress/changed');
      expect(run.judgement.remediation).to.equal('cleared');
    });

    it('judges the remediation not-cleared when KIC never pushes the change after Postgres returns', async () => {
      const run = await runFake(scenario, { ...TARGET, variant: 'change-during-outage', ...system({ logs: true }) });

      expect(callsIn(run, 'remediate')).to.deep.equal(['database restore']);
      expect(run.judgement.remediation).to.equal('not-cleared');
    });

    it('lists the changed Ingress among the manifests of the variant only', () => {
      const target = resolveTarget(loadVersions(), scenario.requires, TARGET, scenario.id);
      const names = (variant?: string) => scenario.manifests(target, variant).map((o) => `${o.kind}/${o.metadata.name}`);
      expect(names('change-during-outage')).to.include('Ingress/changed');
      expect(names()).not.to.include('Ingress/changed');
    });
  });

  describe('variant stop', () => {
    it('stops the Postgres container and starts it again in the remediation', async () => {
      const run = await runFake(scenario, { ...TARGET, variant: 'stop', ...system({ logs: true }) });

      expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
      expect(callsIn(run, 'fault')).to.deep.equal(['database stop']);
      expect(callsIn(run, 'remediate')).to.deep.equal(['database start']);
      expect(run.judgement.remediation).to.equal('cleared');
    });
  });

  describe('the Kong log signature', () => {
    const signature = scenario.signatures.find((s) => s.id === 'kong-database-unreachable') as Signature;
    const bad = (line: string) => read(signature, { ...logLine('gateway', line), at: 0 } as Observation)?.state;

    it('matches what a running Kong logs during the outage, on 3.9.1 and 3.8.1', () => {
      expect(bad(REFUSED)).to.equal('bad');
      expect(bad(REFUSED_381)).to.equal('bad');
      expect(bad(TIMEOUT)).to.equal('bad');
      // kong/runloop/handler.lua@3.9.1 line 500 (worker_consistency = strict)
      expect(bad(kongErrorLine('handler.lua:500: get_updated_router(): could not rebuild router: [postgres] connection refused (stale router will be used), client: 10.244.0.1, server: kong, request: "GET /echo HTTP/1.1", host: "localhost"'))).to.equal('bad');
    });

    it('matches the connector failing at `kong start` (a pod started during the outage)', () => {
      // kong/db/init.lua@3.9.1 prefixes the connector's error; kong/cmd/start.lua asserts it
      expect(bad('Error: [PostgreSQL error] failed to retrieve PostgreSQL server_version_num: connection refused')).to.equal('bad');
    });

    it('stays silent on a healthy Kong', () => {
      expect(bad('2026/11/23 10:00:01 [notice] 1#0: start worker process 1408')).to.equal(undefined);
      expect(bad(kongErrorLine('init.lua:750: [postgres] connected to 172.18.0.5:5432', 'notice'))).to.equal(undefined);
      // the routine debug line of the same poll
      expect(bad('2026/11/23 10:00:01 [debug] 1408#0: *12 [lua] init.lua:273: [cluster_events] polling events from: 1763892000.1, context: ngx.timer')).to.equal(undefined);
      // a timer failing for another reason
      expect(bad(kongErrorLine('init.lua:362: [cluster_events] failed to start recurring polling timer: process exiting', 'crit'))).to.equal(undefined);
    });
  });
});
