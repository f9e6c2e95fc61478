import { expect } from 'chai';
import { UserError } from '../../harness/errors.ts';
import { read, type Signature } from '../../harness/judge/signatures.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario from '../../scenarios/manual-plugin-conflict.ts';
import pluginIdDrift from '../../scenarios/plugin-id-drift.ts';
import { callsIn, expectJudged, logLine, routeAnswer, runFake, type AdminPlugin, type FakeRunOptions } from '../support/fake-context.ts';
import { kicJsonLine } from '../support/scenarios-infra.ts';
import { applyFailedOnPod, everySync } from '../support/scenarios-config.ts';

const TARGET = { mode: 'postgres', topology: 'single' };
const NS = 'chaos-manual-plugin';
const SERVICE_ID = '6f1c2d3e-4a5b-5c6d-8e7f-90a1b2c3d4e5';
const KIC_TAGS = ['managed-by-ingress-controller', 'k8s-name:echo', `k8s-namespace:${NS}`, 'k8s-kind:Service', 'k8s-version:v1'];
const SERVICES = {
  '/services': [
    { id: '0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d', name: 'kong-chaos.other.80', tags: ['managed-by-ingress-controller', 'k8s-name:other', 'k8s-namespace:kong-chaos'] },
    { id: SERVICE_ID, name: `${NS}.echo.80`, tags: KIC_TAGS },
  ],
};
// another plugin KIC manages: the remediation must leave it alone
const MANAGED: AdminPlugin = { id: '2b7a3f6e-1c79-5d5e-af40-8c3b5d9e1a23', name: 'correlation-id', tags: ['managed-by-ingress-controller', 'k8s-name:other-correlation'] };

// KIC's DB-mode sync (sendconfig/dbmode.go) when Kong answers the plugin INSERT with 409
const CONFLICT_LINE = kicJsonLine({
  msg: 'failed updating gateway entity',
  action: 'create',
  kind: 'plugin',
  name: `response-transformer for service ${SERVICE_ID}`,
  error: `HTTP status 409 (message: "UNIQUE violation detected on '{consumer=null,service={id=\\"${SERVICE_ID}\\"},route=null,name=\\"response-transformer\\"}'")`,
});
const APPLY_FAILED = applyFailedOnPod(
  `1 errors occurred:\n\twhile processing event: Create plugin response-transformer for service ${SERVICE_ID} failed: HTTP status 409 (message: "UNIQUE violation detected on '{...}'")`,
);

/** KIC fails to create its plugin from the KongPlugin on, until the hand-made one is deleted. */
function conflict(remediable = true): Pick<FakeRunOptions, 'world' | 'happenings' | 'entities' | 'plugins'> {
  const until = remediable ? ('deletePlugin' as const) : undefined;
  return {
    entities: SERVICES,
    plugins: [MANAGED],
    world: () => [routeAnswer('/echo', 200)],
    happenings: [everySync(logLine('controller', CONFLICT_LINE), 'createPlugin', until), everySync(APPLY_FAILED, 'createPlugin', until)],
  };
}

describe('scenario manual-plugin-conflict', () => {
  it('creates a plugin by hand on the Service KIC made, then declares the same plugin type through a KongPlugin', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...conflict() });

    expect(callsIn(run, 'fault')).to.deep.equal([
      'list /services',
      `createPlugin response-transformer at /services/${SERVICE_ID}`,
      `apply KongPlugin/${NS}/echo-headers Service/${NS}/echo`,
    ]);
    const service = run.calls.find((c) => c.op === 'apply' && c.phase === 'fault');
    const annotations = service && 'objects' in service ? service.objects.find((o) => o.kind === 'Service')?.metadata.annotations : undefined;
    expect(annotations).to.deep.equal({ 'konghq.com/plugins': 'echo-headers' });
  });

  it('reproduces the 409 on current versions (observed), and the remediation deletes only the hand-made plugin, which clears it', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...conflict() });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.symptoms.map((s) => s.signature)).to.have.members(['kic-create-conflict', 'config-apply-failed']);
    // the fake names the plugin the scenario created `hand-made-2`; only the tag the scenario gave it finds it
    expect(callsIn(run, 'remediate')).to.deep.equal(['listPlugins', 'deletePlugin hand-made-2']);
    expect(run.progress).to.include('deleted 1 hand-made plugin(s)');
    expect(run.judgement.remediation).to.equal('cleared');
  });

  it('judges the remediation not-cleared when the 409s go on after the delete', async () => {
    const run = await runFake(scenario, { kic: '3.4.20', ...TARGET, ...conflict(false) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.remediation).to.equal('not-cleared');
  });

  it('is not reproduced when KIC takes the plugin over without a conflict, and runs no remediation', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, entities: SERVICES, world: () => [routeAnswer('/echo', 200)] });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
    expect(callsIn(run, 'remediate')).to.deep.equal([]);
  });

  it('is inconclusive when Kong holds no Service for the echo Ingress to put the hand-made plugin on', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, entities: { '/services': SERVICES['/services'].slice(0, 1) }, world: () => [routeAnswer('/echo', 200)] });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.equal(`fault failed: no Kong Service for ${NS}/echo among 1: KIC has not synced the Ingress`);
    expect(run.calls.map((c) => c.op)).not.to.include('createPlugin');
  });

  it('matches the 409 line and not a healthy or an unrelated failed update', () => {
    const signature = scenario.signatures.find((s) => s.id === 'kic-create-conflict')!;
    const at = Date.now();
    const reads = (line: string) => read(signature, { ...logLine('controller', line), at } as never)?.state;
    expect(reads(CONFLICT_LINE)).to.equal('bad');
    expect(reads(kicJsonLine({ level: 'debug', msg: 'updated gateway entity', action: 'create', kind: 'plugin', name: 'response-transformer' }))).to.equal(undefined);
    expect(reads(kicJsonLine({ msg: 'failed updating gateway entity', action: 'create', kind: 'route', error: 'HTTP status 400 (message: "schema violation (paths: should start with: /)")' }))).to.equal(undefined);
  });

  it('tells its 409 from plugin-id-drift\'s by KIC\'s action, while Kong logs the same upsert() line for both', () => {
    const own = (id: string) => scenario.signatures.find((s) => s.id === id)!;
    const drift = (id: string) => pluginIdDrift.signatures.find((s) => s.id === id)!;
    const reads = (signature: Signature, line: string) => read(signature, { ...logLine(signature.kind === 'log' ? signature.component : 'controller', line), at: 0 } as never)?.state;
    // plugin-id-drift on 3.4.5: the reconciler found the plugin under another id and updates it
    const driftLine = kicJsonLine({ msg: 'failed updating gateway entity', action: 'update', kind: 'plugin', name: `response-transformer for service ${SERVICE_ID}`, error: 'HTTP status 409 (message: "UNIQUE violation detected on \'{...}\'")' });
    expect(reads(own('kic-create-conflict'), CONFLICT_LINE)).to.equal('bad');
    expect(reads(own('kic-create-conflict'), driftLine)).to.equal(undefined);
    expect(reads(drift('kic-plugin-update-failed'), driftLine)).to.equal('bad');
    expect(reads(drift('kic-plugin-update-failed'), CONFLICT_LINE)).to.equal(undefined);
    const upsert = '2025/06/10 08:21:33 [notice] 1298#0: *6120 [lua] init.lua:234: upsert(): ERROR: duplicate key value violates unique constraint "plugins_cache_key_key"';
    expect(reads(own('kong-cache-key-violation'), upsert)).to.equal('bad');
    expect(reads(drift('plugin-cache-key-violation'), upsert)).to.equal('bad');
  });

  it('refuses DB-less mode: a hand-made plugin needs a database', () => {
    expect(() => resolveTarget(loadVersions(), scenario.requires, { mode: 'dbless' }, scenario.id)).to.throw(UserError, 'manual-plugin-conflict does not run with mode dbless; it needs postgres');
  });
});
