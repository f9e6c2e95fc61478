import { expect } from 'chai';
import { ingress } from '../../harness/manifests/kong.ts';
import { httpRoute } from '../../harness/manifests/gateway-api.ts';
import { UserError } from '../../harness/errors.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario, { lastUnchanged } from '../../scenarios/secure-by-default-protocols.ts';
import { callsIn, expectJudged, routeAnswer, runFake, type FakeRunOptions, type WorldView } from '../support/fake-context.ts';
import { loadCrdSchemas } from '../support/crd-schemas.ts';
import { holds, objectsOf } from '../support/scenarios-control.ts';
import { SYNC_MS } from '../support/scenarios-config.ts';

const NS = 'chaos-protocols';
const INGRESS_ROUTE = `${NS}.sbd-ingress.echo..80`;
const HTTPROUTE_ROUTE = `httproute.${NS}.sbd-httproute.0.0`;

/**
 * Kong as the scenario meets it. Before the upgrade KIC (3.4.13 / 3.5.6) sends `http,https` on
 * both routes; after it, the Ingress route carries no protocols and takes `kongDefault`, the
 * HTTPRoute `http` from its listener (internal/dataplane/translator/subtranslator/*.go@v3.5.7).
 * Kong answers 426 where a route holds `https` and not `http` (kong/runloop/handler.lua@3.9.3).
 * An Ingress annotated with konghq.com/protocols gets those protocols instead, one sync after the apply.
 */
interface Kong {
  kongDefault: string[];
  /** the Ingress route answers this before the upgrade (the route never came up: 404) */
  before?: number;
}

function ingressProtocols({ now, since, calls }: WorldView, kongDefault: string[]): string[] {
  if (since('upgrade') === undefined) return ['http', 'https'];
  // a changed Ingress reaches Kong with KIC's next sync
  const annotated = calls.findLast((c) => c.op === 'apply' && c.at <= now - SYNC_MS && c.objects.some((o) => o.kind === 'Ingress'));
  const annotation = annotated && 'objects' in annotated ? annotated.objects.find((o) => o.kind === 'Ingress')!.metadata.annotations?.['konghq.com/protocols'] : undefined;
  return annotation?.split(',') ?? kongDefault;
}

const answerFor = (protocols: string[]) => (protocols.includes('https') && !protocols.includes('http') ? 426 : 200);

function kong({ kongDefault, before = 200 }: Kong): Pick<FakeRunOptions, 'world' | 'entities'> {
  // what the Admin API lists: this fake's routes hold the protocols of the upgraded KIC
  const routes = [
    { id: '3eee2c18-8fcc-5661-8f84-5c89adfa404f', name: INGRESS_ROUTE, tags: ['k8s-name:sbd-ingress', `k8s-namespace:${NS}`, 'k8s-kind:Ingress'], protocols: kongDefault },
    { id: 'a1f0c9e2-7b3d-5e4f-9a8b-2c1d0e9f8a7b', name: HTTPROUTE_ROUTE, tags: ['k8s-name:sbd-httproute', `k8s-namespace:${NS}`, 'k8s-kind:HTTPRoute'], protocols: ['http'] },
    { id: '0c9b8a7d-6e5f-4d3c-8b2a-1f0e9d8c7b6a', name: 'kong-chaos.other.echo..80', tags: ['k8s-name:other', 'k8s-namespace:kong-chaos'], protocols: ['http'] },
  ];
  return {
    entities: { '/routes': routes },
    world: (w) => {
      const upgraded = w.since('upgrade') !== undefined;
      return [routeAnswer('/sbd-ingress', upgraded ? answerFor(ingressProtocols(w, kongDefault)) : before), routeAnswer('/sbd-httproute', 200)];
    },
  };
}

const OSS_39 = ['http', 'https']; // kong/db/schema/entities/routes.lua@3.9.3
const HTTPS_ONLY = ['https']; // reported for Kong Gateway 3.14 (https://github.com/Kong/developer.konghq.com/issues/4383)

describe('scenario secure-by-default-protocols', () => {
  it('starts from the last KIC of the target line that still set http,https, and needs a target past the change', () => {
    expect(lastUnchanged('3.4.14')).to.equal('3.4.13');
    expect(lastUnchanged('3.4.20')).to.equal('3.4.13');
    expect(lastUnchanged('3.5.7')).to.equal('3.5.6');
    expect(lastUnchanged('3.5.13')).to.equal('3.5.6');
    const target = resolveTarget(loadVersions(), scenario.requires, { kic: '3.4.20' }, scenario.id);
    expect(scenario.install(target, undefined)).to.deep.equal({ initialKic: '3.4.13', gatewayApi: true });
    for (const kic of ['3.4.13', '3.5.0', '3.5.6']) {
      expect(() => resolveTarget(loadVersions(), scenario.requires, { kic }, scenario.id), kic).to.throw(UserError, /needs KIC >=3\.4\.14 <3\.5\.0 \|\| >=3\.5\.7/);
    }
    for (const kic of ['3.4.14', '3.5.7', '3.5.13']) expect(resolveTarget(loadVersions(), scenario.requires, { kic }, scenario.id).kic).to.equal(kic);
  });

  it('applies an Ingress and an HTTPRoute without konghq.com/protocols, the HTTPRoute on a Gateway with one HTTP listener', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...kong({ kongDefault: OSS_39 }) });
    const applied = objectsOf(run.calls, 'apply');
    const annotationsOf = (kind: string) => applied.find((o) => o.kind === kind)!.metadata.annotations ?? {};

    expect(annotationsOf('Ingress')).to.not.have.property('konghq.com/protocols');
    expect(annotationsOf('HTTPRoute')).to.not.have.property('konghq.com/protocols');
    expect((applied.find((o) => o.kind === 'Gateway')!.spec as { listeners: { protocol: string }[] }).listeners.map((l) => l.protocol)).to.deep.equal(['HTTP']);
    // every other scenario's probe routes stay pinned to plain HTTP
    expect(ingress({ namespace: NS, name: 'x', path: '/x', service: 'echo' }).metadata.annotations).to.include({ 'konghq.com/protocols': 'http' });
    expect(httpRoute({ namespace: NS, name: 'x', gateway: 'kong', path: '/x', service: 'echo' }).metadata.annotations).to.include({ 'konghq.com/protocols': 'http' });
  });

  it('has custom resources that the Gateway API CRDs accept', () => {
    const crds = loadCrdSchemas();
    const target = resolveTarget(loadVersions(), scenario.requires, {}, scenario.id);
    const results = scenario.manifests(target, undefined).map((o) => ({ kind: o.kind, ...crds.validate(o) }));

    expect(results.filter((r) => r.result === 'invalid')).to.deep.equal([]);
    expect(results.filter((r) => r.result === 'valid').map((r) => r.kind)).to.have.members(['GatewayClass', 'Gateway', 'HTTPRoute']);
  });

  it("reproduces where Kong's default route protocols are HTTPS only: the Ingress answers 426, the HTTPRoute keeps answering; the annotation brings the Ingress back", async () => {
    const run = await runFake(scenario, { kic: '3.5.7', ...kong({ kongDefault: HTTPS_ONLY }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.symptoms.map((s) => [s.signature, s.summary])).to.deep.equal([['ingress-answers-426', '/sbd-ingress -> 426']]);
    expect(callsIn(run, 'fault')).to.deep.equal(['list /routes', 'upgrade kic=3.5.7', 'list /routes']);
    expect(callsIn(run, 'remediate')).to.deep.equal([`apply Ingress/${NS}/sbd-ingress`]);
    expect(objectsOf(run.calls.filter((c) => c.phase === 'remediate'), 'apply')[0]!.metadata.annotations).to.include({ 'konghq.com/protocols': 'http,https' });
    expect(run.judgement.remediation).to.equal('cleared');
  });

  it('records the protocols Kong holds for its own routes before and after the upgrade', async () => {
    const run = await runFake(scenario, { kic: '3.4.14', ...kong({ kongDefault: HTTPS_ONLY }) });
    const facts = Object.fromEntries(run.entries.flatMap((e) => (e.kind === 'fact' ? [[e.name, e.value]] : [])));

    expect(facts).to.deep.equal({
      'route-protocols-before-upgrade': { [INGRESS_ROUTE]: ['https'], [HTTPROUTE_ROUTE]: ['http'] },
      'route-protocols-after-upgrade': { [INGRESS_ROUTE]: ['https'], [HTTPROUTE_ROUTE]: ['http'] },
    });
  });

  it("is not reproduced on Kong OSS 3.9, whose default route protocols are http and https, and runs no remediation", async () => {
    const run = await runFake(scenario, { kic: '3.4.20', mode: 'postgres', topology: 'split', ...kong({ kongDefault: OSS_39 }) });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
    expect(callsIn(run, 'remediate')).to.deep.equal([]);
    expect(holds(run.calls, 'Ingress', 'sbd-ingress')).to.equal(true);
  });

  it('is inconclusive when the Ingress route never answered 200 before the upgrade', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...kong({ kongDefault: HTTPS_ONLY, before: 404 }) });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.match(/steady state not reached: no reading yet for ingress-answers-426/);
    expect(callsIn(run, 'fault')).to.deep.equal([]);
  });
});
