import { expect } from 'chai';
import { UserError } from '../../harness/errors.ts';
import { helmReleases, merge, type Values } from '../../harness/kong/values.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario from '../../scenarios/publish-service-missing.ts';
import { callsIn, expectJudged, logLine, routeAnswer, runFake, streamState, type Call, type FakeRunOptions, type WorldView } from '../support/fake-context.ts';
import { holds, ingressStatus, kicJson } from '../support/scenarios-control.ts';

const TARGET = { mode: 'postgres', topology: 'hybrid' };
const NS = 'chaos-publish';
const CP_POD = 'kong-cp-kong-5d7f8c9b6-h2x7p';
const DP_PROXY_IP = '10.96.142.17';
const DP_PROXY = 'kong/kong-dp-kong-proxy';
/** how long the fixed KIC takes to reconcile the Ingress and write its status */
const PUBLISH_MS = 5_000;

/** What the CP's KIC publishes after the scenario's upgrades: the harness installs it publishing the DP proxy. */
function publishService(calls: readonly Call[]): string | null {
  const last = calls.findLast((c) => c.op === 'upgrade');
  if (last?.op !== 'upgrade') return DP_PROXY;
  const env = (last.change.values?.['kong-cp'] as { ingressController?: { env?: { publish_service?: string | null } } } | undefined)?.ingressController?.env;
  return env?.publish_service === undefined ? DP_PROXY : env.publish_service;
}

function reconcilerError(at: number): string {
  return kicJson(at, { logger: 'controllers.Ingress.netv1', msg: 'Reconciler error', reconcileID: '6f1c0b9e-2d4a-4e8b-9a51-3c7d2e8f0a14', error: 'Service "kong-cp-kong-proxy" not found' });
}

interface Kic {
  /** the KIC publishes an address even without its publish Service (a fix nobody has shipped) */
  copes?: boolean;
  /** the README's publish_service does not help */
  fixFails?: boolean;
}

/**
 * KIC on the CP writes an Ingress's status only while its publish Service exists; a broken one
 * logs `Reconciler error` for every Ingress it reconciles. The Ingress published before the
 * misconfiguration keeps its address.
 */
function system({ copes = false, fixFails = false }: Kic = {}): Pick<FakeRunOptions, 'world'> {
  return {
    world: ({ now, calls, since }: WorldView) => {
      const publishing = publishService(calls);
      const broken = publishing === null && !copes;
      const fixedAt = calls.findLast((c) => c.op === 'upgrade')?.at ?? 0;
      const late = holds(calls, 'Ingress', 'late')
        ? [ingressStatus(NS, 'late', !broken && !(fixFails && since('upgrade') !== undefined) && now - fixedAt >= PUBLISH_MS ? DP_PROXY_IP : undefined)]
        : [];
      return [
        routeAnswer('/echo', 200),
        ingressStatus(NS, 'echo', DP_PROXY_IP),
        ...late,
        ...((broken || fixFails) && since('upgrade') !== undefined ? [logLine('controller', reconcilerError(now), CP_POD)] : []),
      ];
    },
  };
}

describe('scenario publish-service-missing', () => {
  it('reproduces when the upgrade drops publish_service: the new Ingress is never published and KIC logs the missing Service', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system() });

    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
    expect(callsIn(run, 'fault')).to.deep.equal([
      'upgrade values={"kong-cp":{"ingressController":{"env":{"publish_service":null}}}}',
      `apply Ingress/${NS}/late`,
    ]);
    expect(run.judgement.symptoms.map((s) => `${s.signature} ${s.subject}`)).to.have.members(['ingress-not-published Ingress/late', 'publish-service-not-found controller']);
  });

  it('is cleared by the remediation, the README fix: the new Ingress gets the DP proxy address', async () => {
    const run = await runFake(scenario, { kic: '3.4.20', ...TARGET, ...system() });

    expect(callsIn(run, 'remediate')).to.deep.equal([`upgrade values={"kong-cp":{"ingressController":{"env":{"publish_service":"${DP_PROXY}"}}}}`]);
    expect(run.judgement.remediation).to.equal('cleared');
    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
  });

  it('judges the remediation not-cleared when the Ingress stays unpublished after the fix', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system({ fixFails: true }) });

    expect(run.judgement.remediation).to.equal('not-cleared');
  });

  it('reads a KIC that publishes without its Service as fixed: the new Ingress is unpublished only until its first reconcile', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system({ copes: true }) });

    // unpublished for one reconcile: a blip under the judge's 15 s persistence
    expectJudged(run, { outcome: 'not-reproduced', verdict: 'fixed' });
    expect(callsIn(run, 'remediate')).to.deep.equal([]);
  });

  it('is inconclusive when no Ingress is published before the fault (the misconfiguration was there from the install)', async () => {
    const run = await runFake(scenario, {
      kic: '3.5.13',
      ...TARGET,
      world: ({ now }) => [routeAnswer('/echo', 200), ingressStatus(NS, 'echo'), logLine('controller', reconcilerError(now), CP_POD)],
    });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.match(/^steady-state failed: steady state not reached: Ingress\/echo Published=False reason=NoAddress/);
    expect(run.calls.map((c) => c.op)).not.to.include('upgrade');
  });

  it('is inconclusive when the KIC log stream breaks for good during the window', async () => {
    const stream = `log stream kong/${CP_POD}/ingress-controller`;
    const run = await runFake(scenario, {
      kic: '3.5.13',
      ...TARGET,
      ...system(),
      happenings: [{ at: { after: 'apply', ms: 0 }, entry: streamState(stream, 'open') }, { at: { after: 'upgrade', ms: 30_000 }, entry: streamState(stream, 'dropped', 'unexpected EOF') }],
    });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
  });

  it('changes only the publish service: Helm gets null (dropping the key, so the chart default applies), then the DP proxy', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system() });
    const versions = loadVersions();
    // as KongInstallation.upgrade keeps each change's overrides for the next
    const kept: Values[] = [];
    let overrides: Values = {};
    for (const c of run.calls) {
      if (c.op !== 'upgrade') continue;
      overrides = merge(overrides, c.change.values?.['kong-cp'] ?? {});
      kept.push(helmReleases({ target: run.target, versions, overrides: { 'kong-cp': overrides } })[0]!.values);
    }
    const env = (v: Values) => (v['ingressController'] as { env: Record<string, unknown> }).env;

    expect(kept).to.have.length(2);
    expect(env(kept[0]!)).to.deep.equal({ log_format: 'json', publish_service: null });
    expect(env(kept[1]!)).to.deep.equal({ log_format: 'json', publish_service: DP_PROXY });
    expect(scenario.install(run.target, undefined)).to.deep.equal({});
  });

  it('needs the hybrid topology', () => {
    expect(() => resolveTarget(loadVersions(), scenario.requires, { mode: 'postgres', topology: 'single' }, scenario.id)).to.throw(UserError, /needs hybrid/);
  });
});
