import { expect } from 'chai';
import { UserError } from '../../harness/errors.ts';
import { helmReleases, merge, type Values } from '../../harness/kong/values.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario from '../../scenarios/publish-service-missing.ts';
import { callsIn, expectJudged, logLine, routeAnswer, runFake, streamState, type Call, type FakeRunOptions, type WorldView } from '../support/fake-context.ts';
import { controllerEnv, coalesce, kicAcceptsPublishService, KONG_CHART_DEFAULTS } from '../support/kong-chart.ts';
import { holds, ingressStatus, kicJson } from '../support/scenarios-control.ts';

const TARGET = { mode: 'postgres', topology: 'hybrid' };
const NS = 'chaos-publish';
const CP_POD = 'kong-cp-kong-5d7f8c9b6-h2x7p';
const DP_PROXY_IP = '10.96.142.17';
const DP_PROXY = 'kong/kong-dp-kong-proxy';
/** what the chart computes for the CP release when nothing overrides it */
const CP_PROXY = 'kong/kong-cp-kong-proxy';
/** how long the fixed KIC takes to reconcile the Ingress and write its status */
const PUBLISH_MS = 5_000;

/** What the CP's KIC publishes after the scenario's upgrades: the harness installs it publishing the DP proxy. */
function publishService(calls: readonly Call[]): string {
  const last = calls.findLast((c) => c.op === 'upgrade');
  if (last?.op !== 'upgrade') return DP_PROXY;
  const env = (last.change.values?.['kong-cp'] as { ingressController?: { env?: { publish_service?: string } } } | undefined)?.ingressController?.env;
  return env?.publish_service ?? DP_PROXY;
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
      const broken = publishing !== DP_PROXY && !copes;
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
  it('reproduces when the upgrade loses the publish_service override: the new Ingress is never published and KIC logs the missing Service', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system() });

    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
    expect(callsIn(run, 'fault')).to.deep.equal([
      `upgrade values={"kong-cp":{"ingressController":{"env":{"publish_service":"${CP_PROXY}"}}}}`,
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

  /** The kong-cp values Helm gets at each upgrade, kept from one change to the next as KongInstallation.upgrade keeps them. */
  function upgradeValues(run: { calls: readonly Call[]; target: Parameters<typeof helmReleases>[0]['target'] }): Values[] {
    const versions = loadVersions();
    const sent: Values[] = [];
    let overrides: Values = {};
    for (const c of run.calls) {
      if (c.op !== 'upgrade') continue;
      overrides = merge(overrides, c.change.values?.['kong-cp'] ?? {});
      sent.push(helmReleases({ target: run.target, versions, overrides: { 'kong-cp': overrides } })[0]!.values);
    }
    return sent;
  }

  it('changes only the publish service: Helm gets the chart\'s own default for the CP, then the DP proxy', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system() });
    const sent = upgradeValues(run);
    const env = (v: Values) => (v['ingressController'] as { env: Record<string, unknown> }).env;

    expect(sent).to.have.length(2);
    expect(env(sent[0]!)).to.deep.equal({ log_format: 'json', publish_service: CP_PROXY });
    expect(env(sent[1]!)).to.deep.equal({ log_format: 'json', publish_service: DP_PROXY });
    expect(scenario.install(run.target, undefined)).to.deep.equal({});
  });

  it('renders, with the chart\'s rules, a KIC that starts and publishes the missing CP proxy, then the DP proxy', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system() });
    const rendered = upgradeValues(run).map((v) => controllerEnv(coalesce(v, KONG_CHART_DEFAULTS), { name: 'kong-cp', namespace: 'kong' }));

    expect(rendered.map((e) => e['CONTROLLER_PUBLISH_SERVICE'])).to.deep.equal([CP_PROXY, DP_PROXY]);
    expect(rendered.every((e) => kicAcceptsPublishService(e['CONTROLLER_PUBLISH_SERVICE']!))).to.equal(true);
    expect(rendered.map((e) => e['CONTROLLER_LOG_FORMAT'])).to.deep.equal(['json', 'json']);
  });

  it('the same rules turn a null publish_service into an empty variable that KIC refuses (why the fault names the value)', () => {
    const [cp] = helmReleases({ target: resolveTarget(loadVersions(), scenario.requires, TARGET, scenario.id), versions: loadVersions() });
    const withNull = merge(cp!.values, { ingressController: { env: { publish_service: null } } });
    const env = controllerEnv(coalesce(withNull, KONG_CHART_DEFAULTS), { name: 'kong-cp', namespace: 'kong' });

    expect(env['CONTROLLER_PUBLISH_SERVICE']).to.equal('');
    expect(kicAcceptsPublishService(env['CONTROLLER_PUBLISH_SERVICE']!)).to.equal(false);
    // a null for a key the chart's defaults hold is dropped, and the default applies
    const skipVerify = controllerEnv(coalesce(merge(cp!.values, { ingressController: { env: { kong_admin_tls_skip_verify: null } } }), KONG_CHART_DEFAULTS), { name: 'kong-cp', namespace: 'kong' });
    expect(skipVerify['CONTROLLER_KONG_ADMIN_TLS_SKIP_VERIFY']).to.equal('true');
  });

  it('needs the hybrid topology', () => {
    expect(() => resolveTarget(loadVersions(), scenario.requires, { mode: 'postgres', topology: 'single' }, scenario.id)).to.throw(UserError, /needs hybrid/);
  });
});
