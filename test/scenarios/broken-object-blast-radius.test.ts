import { expect } from 'chai';
import { UserError } from '../../harness/errors.ts';
import { helmReleases, type Values } from '../../harness/kong/values.ts';
import { requirementsOf } from '../../harness/runner/plan.ts';
import { resolveTarget, type Target } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario, { brokenVault } from '../../scenarios/broken-object-blast-radius.ts';
import { loadCrdSchemas } from '../support/crd-schemas.ts';
import { callsIn, expectJudged, logLine, runFake, streamState, type FakeRunOptions } from '../support/fake-context.ts';
import { kicJsonLine } from '../support/scenarios-infra.ts';
import { applyFailedOnPod, canaryWorld, everySync, kicEvent, KIC_POD } from '../support/scenarios-config.ts';

const NS = 'chaos-blast-radius';
const versions = loadVersions();
const targetOf = (flags: { mode?: string; topology?: string; featureGates?: string }): Target => resolveTarget(versions, scenario.requires, flags, scenario.id);

// Kong's answer to the declarative config with the bad vault, as KIC reports it on the KongVault and on its Pod
const VAULT_REJECTED = kicEvent('KongConfigurationApplyFailed', 'invalid config.prefix: invalid value: not a valid prefix!', { kind: 'KongVault', name: 'chaos-broken' });
const PUSH_REJECTED = applyFailedOnPod('HTTP status 400 (message: "failed posting new config to /config")');
const COULD_NOT_UPDATE = logLine(
  'controller',
  kicJsonLine({ logger: 'dataplane-synchronizer', msg: 'Could not update kong admin', error: 'performing update for https://10.244.0.9:8444 failed: failed posting new config to /config: got status code 400' }),
);
const FALLBACK_APPLIED = { ...kicEvent('FallbackKongConfigurationSucceeded', 'successfully applied fallback Kong configuration to https://10.244.0.9:8444', KIC_POD), type: 'Normal' };

/**
 * Kong rejects the vault on every sync from the fault on, in both variants; `contained` says
 * whether KIC still pushes the rest (a fallback configuration without the vault).
 */
function rejected({ contained, remediable = true }: { contained: boolean; remediable?: boolean }): Pick<FakeRunOptions, 'world' | 'happenings'> {
  const until = remediable ? ('remove' as const) : undefined;
  const syncs = [VAULT_REJECTED, PUSH_REJECTED, COULD_NOT_UPDATE, ...(contained ? [FALLBACK_APPLIED] : [])];
  return {
    world: canaryWorld({ namespace: NS, ...(contained ? {} : { blockedBy: { kind: 'KongVault', name: 'chaos-broken' } }), ...(remediable ? { healedBy: 'remove' as const } : {}) }),
    // the setup, the steady state and the fault all happen at the first virtual instant, so a
    // sync 1.5 s after the first apply is already after the fault
    happenings: syncs.map((entry) => everySync(entry, 'apply', until)),
  };
}

const controllerEnv = (values: Values, topology: string): Values => {
  const root = topology === 'split' ? (values['controller'] as Values) : values;
  return (root['ingressController'] as Values)['env'] as Values;
};

describe('scenario broken-object-blast-radius', () => {
  it('runs the fallback-on variant from KIC 3.4.4 on: before it a fallback push publishes nothing (#7306)', () => {
    const fallback = requirementsOf(scenario, 'fallback-on');
    expect(() => resolveTarget(versions, fallback, { kic: '3.4.3' }, scenario.id)).to.throw(UserError, /needs KIC >=3\.4\.4; 3\.4\.3 does not qualify/);
    expect(resolveTarget(versions, fallback, { kic: '3.4.4' }, scenario.id).kic).to.equal('3.4.4');
    // the gate-off default still runs on every pinned KIC
    expect(resolveTarget(versions, requirementsOf(scenario, undefined), { kic: '3.4.1' }, scenario.id).kic).to.equal('3.4.1');
  });


  it('applies the bad KongVault, then the canary Ingress, and remediates by deleting the vault', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...rejected({ contained: false }) });

    expect(callsIn(run, 'fault')).to.deep.equal(['apply KongVault/chaos-broken', `apply Ingress/${NS}/canary`]);
    expect(callsIn(run, 'remediate')).to.deep.equal(['remove KongVault/chaos-broken']);
  });

  it('gate off: the canary stays unpublished while Kong rejects the vault (observed); deleting the vault clears it', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...rejected({ contained: false }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.symptoms.map((s) => s.subject)).to.deep.equal(['Ingress/canary']);
    expect(run.judgement.remediation).to.equal('cleared');
  });

  it('gate off, DB mode: the remediation is not-cleared when the canary stays unpublished after the delete', async () => {
    const run = await runFake(scenario, { kic: '3.4.20', mode: 'postgres', ...rejected({ contained: false, remediable: false }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.remediation).to.equal('not-cleared');
  });

  it('gate on: the canary is published within a sync although Kong keeps rejecting the vault; no remediation runs', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', variant: 'fallback-on', ...rejected({ contained: true }) });

    // the rejection Events and log lines go on, and are not the blast radius
    expect(run.entries.filter((e) => e.kind === 'event' && e.reason === 'KongConfigurationApplyFailed')).to.have.length.above(10);
    // the canary is unpublished only until KIC's next sync: a blip under the judge's 15 s persistence, no symptom
    expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
    expect(run.judgement.reason).to.match(/^no symptom lasted; only blips that cleared by themselves: Ingress\/canary Published=False reason=NoAddress for \d+s$/);
    expect(callsIn(run, 'remediate')).to.deep.equal([]);
  });

  it('is inconclusive when the Event stream breaks during the window', async () => {
    const script = rejected({ contained: false });
    const dropped = { at: { after: 'apply' as const, ms: 40_000 }, entry: streamState(`events ${NS}`, 'dropped', 'watch closed: too old resource version') };
    const run = await runFake(scenario, { kic: '3.5.13', ...script, happenings: [...script.happenings!, dropped] });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(callsIn(run, 'remediate')).to.deep.equal([]);
  });

  it('installs KIC with FallbackConfiguration and last-valid-config fallback in the fallback-on variant only, in either chart', () => {
    for (const topology of ['single', 'split']) {
      const target = targetOf({ topology, featureGates: 'GatewayAlpha=true,FallbackConfiguration=false' });
      const install = scenario.install(target, 'fallback-on');
      const [release] = helmReleases({ target, versions, overrides: install.values });
      expect(controllerEnv(release!.values, topology), topology).to.deep.equal({
        log_format: 'json',
        feature_gates: 'GatewayAlpha=true,FallbackConfiguration=true',
        use_last_valid_config_for_fallback: true,
      });
      expect(scenario.install(target, undefined), topology).to.deep.equal({});
    }
  });

  it('runs in both modes', () => {
    expect(targetOf({ mode: 'postgres' }).mode).to.equal('postgres');
    expect(targetOf({}).mode).to.equal('dbless');
  });

  it('builds a bad vault the CRD accepts but whose env config Kong refuses', () => {
    const crds = loadCrdSchemas();
    for (const o of scenario.manifests(targetOf({}), undefined)) expect(crds.validate(o).result, `${o.kind}/${o.metadata.name}`).not.to.equal('invalid');
    const config = (brokenVault()['spec'] as { config: { prefix: string } }).config;
    // kong/vaults/env/schema.lua: config.prefix must match ^[%a_-][%a%d_-]*$
    expect(/^[A-Za-z_-][A-Za-z0-9_-]*$/.test(config.prefix)).to.equal(false);
  });
});
