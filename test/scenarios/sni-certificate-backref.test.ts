import { expect } from 'chai';
import { UserError } from '../../harness/errors.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario, { startingKic } from '../../scenarios/sni-certificate-backref.ts';
import { loadCrdSchemas } from '../support/crd-schemas.ts';
import { callsIn, expectJudged, logLine, routeAnswer, runFake, type FakeRunOptions, type Sighting, type WorldView } from '../support/fake-context.ts';
import { kicJsonLine, ingressStatus } from '../support/scenarios-infra.ts';
import { appliedAt, everySync, kicEvent, SYNC_MS } from '../support/scenarios-config.ts';

const NS = 'chaos-sni';
const TLS_ROUTE = 'https://sni.chaos.test/tls-echo';
const versions = loadVersions();
// the KIC Pod of the split topology (kong/ingress chart: release kong, controller Deployment kong-controller)
const KIC_POD = { kind: 'Pod', namespace: 'kong', name: 'kong-controller-7d9c8b6f4-x2m9p' };
const GATEWAY_ADMIN = 'https://10-244-0-12.kong-gateway-admin.kong.svc:8444';

// Kong 3.9's answer to the configuration of KIC 3.5.5, as KIC reports it on its Pod
const SNI_REJECTED = kicEvent(
  'KongConfigurationApplyFailed',
  `failed to apply Kong configuration to ${GATEWAY_ADMIN}: HTTP status 400 (message: "declarative config is invalid: {certificates={{snis={{certificate=\\"required field missing\\"}}}}}")`,
  KIC_POD,
);
const SNI_UNTAGGED = logLine(
  'controller',
  kicJsonLine({
    msg: "API error returned from the gateway for an entity is missing Kubernetes metadata in tags, Kubernetes Event won't be created",
    name: 'sni.chaos.test',
    id: '',
    tags: null,
    type: 'sni',
    raw_error: { entity_name: 'sni.chaos.test', entity_type: 'sni', errors: [{ field: 'certificate', message: 'required field missing', type: 'field' }] },
    error: 'resource error has no name tag',
  }),
  KIC_POD.name,
);

/**
 * Kong in front of Ingresses `echo` and `tls-echo`, both answering; KIC publishes the canary one
 * sync after it exists, unless KIC's pushes fail from the upgrade on (`rejects`). `tls` is what
 * HTTPS to the TLS host answers (0: the handshake fails).
 */
function world({ rejects, tls = () => 200 }: { rejects: boolean; tls?: (w: WorldView) => number }) {
  return (w: WorldView): Sighting[] => {
    const tlsStatus = tls(w);
    const sightings: Sighting[] = [
      routeAnswer('/echo', 200),
      tlsStatus ? routeAnswer(TLS_ROUTE, tlsStatus) : { kind: 'route', route: TLS_ROUTE, ok: false, error: 'tls', latencyMs: 3 },
      ingressStatus(NS, 'echo', true),
      ingressStatus(NS, 'tls-echo', true),
    ];
    const created = appliedAt(w.calls, 'Ingress', 'canary');
    if (created !== undefined) sightings.push(ingressStatus(NS, 'canary', !rejects && w.now - created >= SYNC_MS));
    return sightings;
  };
}

function rejected(): Pick<FakeRunOptions, 'world' | 'happenings'> {
  return { world: world({ rejects: true }), happenings: [everySync(SNI_REJECTED, 'upgrade'), everySync(SNI_UNTAGGED, 'upgrade')] };
}

const accepted = (): Pick<FakeRunOptions, 'world'> => ({ world: world({ rejects: false }) });

describe('scenario sni-certificate-backref', () => {
  it('makes the certificate Secret and the configuration, then upgrades KIC to the target and applies the canary', async () => {
    const run = await runFake(scenario, { kic: '3.5.5', ...rejected() });

    expect(callsIn(run, 'setup')).to.deep.equal([
      'tlsSecret chaos-sni/sni-cert sni.chaos.test',
      `apply Namespace/${NS} Deployment/${NS}/echo Service/${NS}/echo Ingress/${NS}/echo Ingress/${NS}/tls-echo Secret/${NS}/sni-consumer-basic-auth KongConsumer/${NS}/sni-consumer`,
    ]);
    expect(callsIn(run, 'fault')).to.deep.equal(['upgrade kic=3.5.5', `apply Ingress/${NS}/canary`]);
  });

  it('KIC 3.5.5 and 3.4.12: Kong rejects the SNI without its certificate and the canary is never published (reproduced)', async () => {
    for (const kic of ['3.5.5', '3.4.12']) {
      const run = await runFake(scenario, { kic, ...rejected() });

      expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
      expect(run.judgement.symptoms.map((s) => s.signature).sort(), kic).to.deep.equal(['canary-unpublished', 'sni-certificate-missing', 'sni-error-untagged']);
    }
  });

  it('the reverted releases and the rest: the canary is published a sync after it exists (not-reproduced)', async () => {
    for (const kic of ['3.5.6', '3.4.13', '3.5.13']) {
      const run = await runFake(scenario, { kic, ...accepted() });
      expectJudged(run, { outcome: 'not-reproduced', verdict: 'pass' });
    }
  });

  it('a pinned release other than 3.4.12 and 3.5.5 that rejects the configuration is a regression', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...rejected() });
    expectJudged(run, { outcome: 'reproduced', verdict: 'regression' });
  });

  it('HTTPS to the TLS host failing after the upgrade is a symptom of its own', async () => {
    const tls = ({ since }: WorldView) => ((since('upgrade') ?? -1) >= 0 ? 0 : 200);
    const run = await runFake(scenario, { kic: '3.5.5', world: world({ rejects: false, tls }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
    expect(run.judgement.symptoms.map((s) => s.signature)).to.deep.equal(['tls-route-unreachable']);
  });

  it('is inconclusive when HTTPS to the TLS host never answers before the upgrade: no steady state', async () => {
    const run = await runFake(scenario, { kic: '3.5.5', world: world({ rejects: true, tls: () => 0 }) });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.match(/steady state/);
    expect(callsIn(run, 'fault')).to.deep.equal([]);
  });

  it('starts from the release before #7853 in its line, or from the previous release for a target before it', () => {
    const cases: [string, string][] = [
      ['3.5.5', '3.5.4'],
      ['3.5.6', '3.5.4'],
      ['3.5.13', '3.5.4'],
      ['3.4.12', '3.4.11'],
      ['3.4.20', '3.4.11'],
      ['3.4.11', '3.4.10'],
      ['3.5.4', '3.5.3'],
    ];
    for (const [target, start] of cases) expect(startingKic(target), target).to.equal(start);
    expect(scenario.install(resolveTarget(versions, scenario.requires, { kic: '3.5.5' }, scenario.id), undefined).initialKic).to.equal('3.5.4');
  });

  it('runs DB-less on the split topology only, on every KIC with a release before it', () => {
    expect(() => resolveTarget(versions, scenario.requires, { mode: 'postgres' }, scenario.id)).to.throw(UserError);
    expect(() => resolveTarget(versions, scenario.requires, { topology: 'single' }, scenario.id)).to.throw(UserError);
    expect(() => resolveTarget(versions, scenario.requires, { kic: '3.4.1' }, scenario.id)).to.throw(UserError, /needs KIC/);
    expect(resolveTarget(versions, scenario.requires, { kic: '3.4.2' }, scenario.id).topology).to.equal('split');
  });

  it('builds an Ingress with tls for the probed host, routable over HTTPS, and manifests the CRDs accept', () => {
    const target = resolveTarget(versions, scenario.requires, {}, scenario.id);
    const objects = scenario.manifests(target, undefined);
    const tlsIngress = objects.find((o) => o.kind === 'Ingress' && o.metadata.name === 'tls-echo')!;
    const spec = tlsIngress['spec'] as { tls: { hosts: string[]; secretName: string }[]; rules: { host?: string }[] };
    expect(spec.tls).to.deep.equal([{ hosts: ['sni.chaos.test'], secretName: 'sni-cert' }]);
    expect(spec.rules[0]!.host).to.equal('sni.chaos.test');
    expect(tlsIngress.metadata.annotations!['konghq.com/protocols']).to.equal('http,https');
    const probe = scenario.probes.routes!.find((r) => r.tls)!;
    expect(probe).to.include({ host: 'sni.chaos.test', path: '/tls-echo', route: TLS_ROUTE });
    const crds = loadCrdSchemas();
    for (const o of objects) expect(crds.validate(o).result, `${o.kind}/${o.metadata.name}`).not.to.equal('invalid');
  });
});
