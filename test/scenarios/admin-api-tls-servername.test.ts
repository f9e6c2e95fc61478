import { expect } from 'chai';
import { UserError } from '../../harness/errors.ts';
import { ADMIN_CLIENT_CERT_SECRET, ADMIN_SERVER_CERT_SECRET } from '../../harness/kong/names.ts';
import { PLANNED_ADMIN_TLS } from '../../harness/kong/values.ts';
import { buildPlan, targetFor } from '../../harness/runner/plan.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario, { GATEWAYS_BACK_MS, PENDING_EVIDENCE_MS, RESTART_ATTEMPTS } from '../../scenarios/admin-api-tls-servername.ts';
import { callsIn, expectJudged, logLine, podConfig, routeAnswer, runFake, type FakeRunOptions, type Sighting, type WorldView } from '../support/fake-context.ts';
import { holds, ingressStatus, kicJson } from '../support/scenarios-control.ts';

const TARGET = { mode: 'dbless', topology: 'split' };
const NS = 'chaos-admin-tls';
const CONTROLLER_POD = 'kong-controller-6c9d7b8f4-m5n2k';
const PROXY_IP = '10.96.88.203';
/** the two gateway pods the fake context restarts in place, with their pod IPs */
const PODS = [
  { name: 'kong-gateway-7c9f6d8b5d-4kq2x', ip: '10.244.0.14' },
  { name: 'kong-gateway-7c9f6d8b5d-9wz5t', ip: '10.244.0.15' },
];
/** the pods the remediation's deletion brings, new IPs */
const REPLACEMENTS = ['kong-gateway-7c9f6d8b5d-b8r2m', 'kong-gateway-7c9f6d8b5d-p4n7c'];
// Kong's configuration_hash: the MD5 hex of the body it last accepted (kong/db/declarative/init.lua@3.9.3)
const BEFORE = '9e107d9d372bb6826bd81d3542a419d6';
const WITH_CANARY = 'e4d909c290d0fb1ca068ffaddf22cbd0';
/** KIC's readiness check catches a stopped Kong after this long, re-creates the client after this */
const CAUGHT_MS = 8_000;
const RECREATED_MS = 20_000;

// KIC's debug lines (internal/clients/readiness.go@v3.5.8), logger setup.readiness-checker, `v` 1 for V(1)
const turnedPending = (at: number, ip: string) =>
  kicJson(at, { level: 'debug', logger: 'setup.readiness-checker', msg: 'Already created client is not ready, moving to pending', v: 1, address: `https://${ip}:8444`, reason: `Get "https://${ip}:8444/status": dial tcp ${ip}:8444: connect: connection refused` });
const nameLost = (at: number, ip: string) =>
  kicJson(at, {
    level: 'debug',
    logger: 'setup.readiness-checker',
    msg: 'Pending client is not ready yet',
    v: 1,
    address: `https://${ip}:8444`,
    reason: `client not ready: Get "https://${ip}:8444/status": tls: failed to verify certificate: x509: cannot validate certificate for ${ip} because it doesn't contain any IP SANs`,
  });

interface Kic {
  /** KIC keeps the server name of a client turned pending (3.4.16, 3.5.9) */
  fixed: boolean;
  /** how many of the restarted pods KIC's readiness check catches while Kong is down */
  caught?: number;
}

/**
 * Two gateway pods behind gateway discovery with an mTLS Admin API. Stopping Kong in place makes
 * KIC's readiness check move the caught clients to pending; an affected KIC re-creates them
 * without the server name and fails TLS verification for good, a fixed one reaches them again.
 * Kong keeps serving what it had (persisted LMDB). The canary reaches every pod whose client
 * works; its Ingress is published once some pod took it. Deleting the pods (the remediation)
 * brings new pods that KIC discovers afresh.
 */
function system({ fixed, caught = PODS.length }: Kic): Pick<FakeRunOptions, 'world'> {
  return {
    world: ({ now, calls, since }: WorldView) => {
      const restarted = since('restartGatewayContainers');
      const replaced = since('deletePods') !== undefined;
      const lost = (i: number) => !fixed && !replaced && restarted !== undefined && restarted >= RECREATED_MS && i < caught;
      const canary = holds(calls, 'Ingress', 'canary');
      const reached = (i: number) => canary && (replaced || !lost(i));
      const pods = replaced ? REPLACEMENTS.map((name) => ({ name, took: canary })) : PODS.map((p, i) => ({ name: p.name, took: reached(i) }));
      const logs: Sighting[] = [];
      PODS.forEach((p, i) => {
        if (i >= caught || restarted === undefined) return;
        if (restarted >= CAUGHT_MS && restarted < CAUGHT_MS + 2_000) logs.push(logLine('controller', turnedPending(now, p.ip), CONTROLLER_POD));
        if (lost(i)) logs.push(logLine('controller', nameLost(now, p.ip), CONTROLLER_POD));
      });
      return [
        routeAnswer('/echo', 200),
        ingressStatus(NS, 'echo', PROXY_IP),
        ...(canary ? [ingressStatus(NS, 'canary', pods.some((p) => p.took) ? PROXY_IP : undefined)] : []),
        ...pods.map((p) => podConfig(p.name, p.took ? WITH_CANARY : BEFORE, { '/echo': { status: 200, ok: true } })),
        ...logs,
      ];
    },
  };
}

describe('scenario admin-api-tls-servername', () => {
  it('reproduces on KIC 3.5.8: the restarted pods never get the canary, KIC fails TLS verification against their IPs; deleting the pods clears it', async () => {
    const run = await runFake(scenario, { kic: '3.5.8', ...TARGET, ...system({ fixed: false }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
    expect(callsIn(run, 'fault')).to.deep.equal(['restartGatewayContainers', `apply Ingress/${NS}/canary`]);
    expect(run.judgement.symptoms.map((s) => s.signature)).to.have.members(['admin-tls-name-lost', 'canary-not-applied']);
    expect(callsIn(run, 'remediate')).to.deep.equal(['deletePods gateway']);
    expect(run.judgement.remediation).to.equal('cleared');
  });

  it('reproduces on the LTS line before 3.4.16 (3.4.15), in DB mode too', async () => {
    const run = await runFake(scenario, { kic: '3.4.15', mode: 'postgres', topology: 'split', ...system({ fixed: false }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
  });

  it('shows the pod left behind when KIC lost only one client: the other took the canary, the Ingress is published', async () => {
    const run = await runFake(scenario, { kic: '3.5.0', ...TARGET, ...system({ fixed: false, caught: 1 }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
    const symptoms = run.judgement.symptoms.map((s) => `${s.signature} ${s.subject}`);
    expect(symptoms).to.include('admin-tls-name-lost controller');
    expect(symptoms.some((s) => s.startsWith('gateway-pods-diverged pod/'))).to.equal(true);
    expect(symptoms.some((s) => s.startsWith('canary-not-applied'))).to.equal(false);
  });

  for (const kic of ['3.5.9', '3.4.16', '3.5.13']) {
    it(`is not reproduced on KIC ${kic}, which keeps the server name: the canary reaches both pods`, async () => {
      const run = await runFake(scenario, { kic, ...TARGET, ...system({ fixed: true }) });

      expectJudged(run, { outcome: 'not-reproduced', verdict: 'pass' });
      expect(callsIn(run, 'remediate')).to.deep.equal([]);
    });
  }

  it('expects nothing lost before 3.4.3, where every client verifies the --kong-admin-tls-server-name the install sets', async () => {
    const run = await runFake(scenario, { kic: '3.4.2', ...TARGET, ...system({ fixed: true }) });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'pass' });
  });

  it('waits for a client turned pending, then for the gateways, before the canary', async () => {
    const run = await runFake(scenario, { kic: '3.5.8', ...TARGET, ...system({ fixed: false }) });
    const restart = run.calls.find((c) => c.op === 'restartGatewayContainers')!;
    const canary = run.calls.find((c) => c.op === 'apply' && c.objects.some((o) => o.metadata.name === 'canary'))!;
    const pending = run.entries.find((e) => e.kind === 'log' && e.line.includes('moving to pending'))!;

    expect(pending.at).to.be.at.least(restart.at);
    expect(canary.at - pending.at).to.be.at.least(GATEWAYS_BACK_MS);
  });

  it('stops Kong again when KIC missed the restart, and is inconclusive, never not-reproduced, when it misses every one', async () => {
    const run = await runFake(scenario, { kic: '3.5.8', ...TARGET, ...system({ fixed: false, caught: 0 }) });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.include(`KIC moved no gateway client to pending within ${PENDING_EVIDENCE_MS / 1000} s of any of ${RESTART_ATTEMPTS} restarts`);
    expect(callsIn(run, 'fault')).to.deep.equal(Array(RESTART_ATTEMPTS).fill('restartGatewayContainers'));
  });

  it('is inconclusive when /echo is not routable before the fault', async () => {
    const run = await runFake(scenario, { kic: '3.5.8', ...TARGET, world: () => [routeAnswer('/echo', 503), ingressStatus(NS, 'echo', PROXY_IP)] });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(callsIn(run, 'fault')).to.deep.equal([]);
  });

  it('delete-pods: new pods are discovered with their server name, nothing is lost even on 3.5.8', async () => {
    const run = await runFake(scenario, { kic: '3.5.8', ...TARGET, variant: 'delete-pods', ...system({ fixed: false }) });

    expect(callsIn(run, 'fault')).to.deep.equal(['deletePods gateway', `apply Ingress/${NS}/canary`]);
    expectJudged(run, { outcome: 'not-reproduced', verdict: 'pass' });
  });

  it('installs an mTLS Admin API, two gateways and debug logging, which the TLS failure needs', () => {
    const target = resolveTarget(loadVersions(), scenario.requires, { kic: '3.5.8', ...TARGET }, scenario.id);
    expect(scenario.install(target, undefined)).to.deep.equal({ adminTls: true, gatewayReplicas: 2, values: { kong: { controller: { ingressController: { env: { log_level: 'debug' } } } } } });
  });

  it('plans the certificates and their Secrets, with a placeholder where the run puts its CA certificate', () => {
    const versions = loadVersions();
    const plan = buildPlan(scenario, versions, targetFor(scenario, versions, { kic: '3.5.8' }));
    const step = plan.steps.find((s) => s.startsWith('make a CA'));
    expect(step).to.include(ADMIN_SERVER_CERT_SECRET).and.include(ADMIN_CLIENT_CERT_SECRET);
    expect(plan.steps.indexOf(step!)).to.be.below(plan.steps.findIndex((s) => s.startsWith('helm upgrade --install')));
    const gateway = (plan.helm[0]!.values as { gateway: { admin: { tls: { client: { caBundle: string } } } } }).gateway;
    expect(gateway.admin.tls.client.caBundle).to.equal(PLANNED_ADMIN_TLS.caCert);
  });

  it('needs the split topology: only gateway discovery names gateways by pod IP', () => {
    expect(() => resolveTarget(loadVersions(), scenario.requires, { topology: 'single' }, scenario.id)).to.throw(UserError, /needs split/);
  });
});
