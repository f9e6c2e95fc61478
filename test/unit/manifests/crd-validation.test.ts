import { expect } from 'chai';
import { gateway, httpRoute } from '../../../harness/manifests/gateway-api.ts';
import { kongPlugin } from '../../../harness/manifests/kong.ts';
import type { KubeObject } from '../../../harness/manifests/types.ts';
import type { Scenario } from '../../../harness/runner/scenario.ts';
import { resolveTarget, type Target } from '../../../harness/targets/target.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';
import { scenarios } from '../../../scenarios/index.ts';
import { loadCrdSchemas, type CrdSchemas } from '../../support/crd-schemas.ts';

interface ManifestCase {
  label: string;
  objects: KubeObject[];
}

/** Every scenario × variant × allowed mode × allowed topology, with the objects it would apply. */
function manifestCases(): ManifestCase[] {
  const versions = loadVersions();
  return scenarios.flatMap((scenario: Scenario) =>
    [undefined, ...Object.keys(scenario.variants)].flatMap((variant) => {
      const requires = { ...scenario.requires, ...(variant ? scenario.variants[variant]!.requires : {}) };
      return requires.modes.flatMap((mode) =>
        requires.topologies.map((topology) => {
          const target: Target = resolveTarget(versions, requires, { mode, topology }, scenario.id);
          return { label: `${scenario.id}${variant ? `[${variant}]` : ''} ${mode}/${topology}`, objects: scenario.manifests(target, variant) };
        }),
      );
    }),
  );
}

describe('scenario manifests against the CRD schemas', () => {
  let crds: CrdSchemas;
  const cases = manifestCases();

  before(() => {
    crds = loadCrdSchemas();
  });

  for (const { label, objects } of cases) {
    it(`${label}: every custom resource is valid`, () => {
      const problems = objects.flatMap((o) => {
        const v = crds.validate(o);
        return v.result === 'invalid' ? v.errors.map((e) => `${o.kind}/${o.metadata.name}: ${e}`) : [];
      });
      expect(problems).to.deep.equal([]);
    });
  }

  it('checks the custom resources of every scenario, not only core kinds', () => {
    const validated = cases.flatMap((c) => c.objects).filter((o) => crds.validate(o).result === 'valid');
    // every kind of custom resource the catalog's scenarios apply; a new one must be added here on purpose
    expect(new Set(validated.map((o) => o.kind))).to.deep.equal(
      new Set(['GatewayClass', 'Gateway', 'HTTPRoute', 'KongPlugin', 'KongClusterPlugin', 'KongConsumer', 'KongVault']),
    );
    for (const s of scenarios) {
      const own = cases.filter((c) => c.label.startsWith(s.id)).flatMap((c) => c.objects);
      const custom = own.filter((o) => o.apiVersion.includes('konghq.com') || o.apiVersion.includes('gateway.networking.k8s.io'));
      expect(custom.every((o) => crds.validate(o).result === 'valid'), `${s.id}: its custom resources are checked`).to.equal(true);
    }
  });

  it('leaves only core kinds unchecked', () => {
    const unchecked = cases.flatMap((c) => c.objects).filter((o) => crds.validate(o).result === 'not-a-crd');

    expect(new Set(unchecked.map((o) => `${o.apiVersion} ${o.kind}`))).to.deep.equal(
      new Set(['v1 Namespace', 'apps/v1 Deployment', 'v1 Service', 'networking.k8s.io/v1 Ingress', 'v1 Secret', 'networking.k8s.io/v1 NetworkPolicy']),
    );
  });

  describe('the validator', () => {
    it('serves every version of the fixture CRDs, Gateway API v1.3.0 standard and Kong configuration v1.5.2', () => {
      expect(crds.served).to.have.length(20).and.to.include.members([
        'gateway.networking.k8s.io/v1 GatewayClass',
        'gateway.networking.k8s.io/v1 Gateway',
        'gateway.networking.k8s.io/v1 HTTPRoute',
        'configuration.konghq.com/v1 KongPlugin',
        'configuration.konghq.com/v1 KongClusterPlugin',
      ]);
    });

    it('fails loudly when the fixtures are missing', () => {
      expect(() => loadCrdSchemas('/nonexistent/fixtures/crds')).to.throw(/CRD fixtures missing: \/nonexistent\/fixtures\/crds does not exist/);
    });

    const echoGateway = () => gateway({ namespace: 'ns', name: 'kong', className: 'kong' });
    const echoRoute = () => httpRoute({ namespace: 'ns', name: 'echo', gateway: 'kong', path: '/echo', service: 'echo' });
    const headerPlugin = () => kongPlugin({ namespace: 'ns', name: 'p', plugin: 'response-transformer', config: { add: { headers: ['x-a:1'] } } });

    it('accepts the unmodified builders', () => {
      for (const o of [echoGateway(), echoRoute(), headerPlugin()]) expect(crds.validate(o)).to.deep.equal({ result: 'valid' });
    });

    it('rejects a Gateway listener without a protocol', () => {
      const broken = echoGateway();
      delete (broken.spec as { listeners: Record<string, unknown>[] }).listeners[0]!.protocol;

      expect(crds.validate(broken)).to.deep.equal({ result: 'invalid', errors: ["/spec/listeners/0 must have required property 'protocol'"] });
    });

    it('rejects a KongPlugin without the plugin name', () => {
      const { plugin: _, ...broken } = headerPlugin();

      expect(crds.validate(broken as KubeObject)).to.deep.equal({ result: 'invalid', errors: ["/ must have required property 'plugin'"] });
    });

    it('rejects an HTTPRoute path match of an unknown type', () => {
      const broken = echoRoute();
      const match = (broken.spec as { rules: { matches: { path: { type: string } }[] }[] }).rules[0]!.matches[0]!;
      match.path.type = 'Prefix';

      expect(crds.validate(broken)).to.deep.equal({
        result: 'invalid',
        errors: ['/spec/rules/0/matches/0/path/type must be equal to one of the allowed values'],
      });
    });

    it('rejects a misspelt field, as strict field validation would', () => {
      const { config, ...rest } = headerPlugin();

      expect(crds.validate({ ...rest, confg: config })).to.deep.equal({ result: 'invalid', errors: ['/confg is not a field of KongPlugin'] });
    });

    it('rejects a Gateway API version that the standard channel does not serve', () => {
      expect(crds.validate({ ...echoRoute(), apiVersion: 'gateway.networking.k8s.io/v1alpha2' })).to.deep.equal({
        result: 'invalid',
        errors: ['no CRD serves gateway.networking.k8s.io/v1alpha2 HTTPRoute'],
      });
    });
  });
});
