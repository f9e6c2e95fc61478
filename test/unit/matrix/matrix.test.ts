import { expect } from 'chai';
import fc from 'fast-check';
import { UserError } from '../../../harness/errors.ts';
import type { Outcome } from '../../../harness/judge/outcome.ts';
import { bisect, firstProbes, versionsBetween } from '../../../harness/matrix/bisect.ts';
import { caseSeconds, COLD_CLUSTER_SECONDS } from '../../../harness/matrix/cost.ts';
import { defaultKicVersions, expandMatrix, type MatrixCase } from '../../../harness/matrix/expand.ts';
import { classify, isCaseSuccess } from '../../../harness/matrix/flake.ts';
import { coldReason, groupCases } from '../../../harness/matrix/groups.ts';
import { assignShards, parseShard } from '../../../harness/matrix/shard.ts';
import { defineScenario, type Scenario } from '../../../harness/runner/scenario.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';
import sniCertificateBackref from '../../../scenarios/sni-certificate-backref.ts';

const versions = loadVersions();
const noop = { describe: 'nothing', run: async () => undefined };

function scenario(id: string, over: Partial<Scenario> = {}): Scenario {
  return defineScenario({
    id,
    title: id,
    sources: [],
    namespace: 'ns',
    requires: { modes: ['dbless', 'postgres'], topologies: ['single', 'split'] },
    signatures: [],
    expectations: { '*': 'observe' },
    probes: {},
    window: { observeMs: 60_000 },
    manifests: () => [],
    setup: noop,
    fault: noop,
    ...over,
  });
}

const splitOnly = scenario('split-only', { requires: { modes: ['dbless', 'postgres'], topologies: ['split'] } });
const pgOnly = scenario('pg-only', { requires: { modes: ['postgres'], topologies: ['single'], kic: '>=3.4.5' }, expectations: { '3.4.5': 'reproduced', '>=3.4.6': 'not-reproduced' } });
const withNodeVariant = scenario('nodes', {
  variants: { kill: { description: 'kill a node', shape: 'multi-node', requires: { modes: ['postgres'] } } },
});
const all = [splitOnly, pgOnly, withNodeVariant];
/** as scenarios/missing-crds.ts: the default installs with --skip-crds, a variant deletes a CRD */
const crdless = scenario('crdless', {
  install: (_t, variant) => (variant === 'delete' ? { deletesCrds: true } : variant === 'plain' ? {} : { skipCrds: true }),
  variants: { delete: { description: 'delete a CRD' }, plain: { description: 'CRDs untouched' } },
});

describe('matrix expansion', () => {
  const { cases, omitted } = expandMatrix(all, versions, {});

  it('never runs a split-only scenario in single, nor a postgres-only one DB-less', () => {
    expect(cases.filter((c) => c.scenario.id === 'split-only').map((c) => c.target.topology)).to.satisfy((t: string[]) => t.length > 0 && t.every((x) => x === 'split'));
    expect(cases.filter((c) => c.scenario.id === 'pg-only').map((c) => c.target.mode)).to.satisfy((m: string[]) => m.length > 0 && m.every((x) => x === 'postgres'));
  });

  it("narrows by a variant's requirements and takes the variant's shape", () => {
    const kill = cases.filter((c) => c.variant === 'kill');
    expect(kill.length).to.be.greaterThan(0);
    for (const c of kill) expect([c.target.mode, c.shape]).to.deep.equal(['postgres', 'multi-node']);
  });

  it('default KIC versions: newest of each line plus both sides of every expectation boundary, within the requirement', () => {
    const kics = [...new Set(cases.filter((c) => c.scenario.id === 'pg-only').map((c) => c.target.kic))];
    expect(kics).to.deep.equal(['3.4.5', '3.4.6', '3.4.20', '3.5.13']);
    expect(defaultKicVersions(versions, [{ '*': 'observe' }])).to.deep.equal(['3.4.20', '3.5.13']);
    expect(defaultKicVersions(versions, [{ '<=3.4.3': 'reproduced', '>=3.4.4': 'not-reproduced' }])).to.deep.equal(['3.4.3', '3.4.4', '3.4.20', '3.5.13']);
  });

  it('--modes dbless leaves postgres-only scenarios out and says why', () => {
    const e = expandMatrix(all, versions, { modes: ['dbless'] });
    expect(e.cases.every((c) => c.target.mode === 'dbless')).to.equal(true);
    expect(e.omitted.map((o) => `${o.scenario}[${o.variant ?? ''}]`)).to.include.members(['pg-only[]', 'nodes[kill]']);
  });

  it('an explicit KIC list is filtered by each requirement; unknown versions, modes, scenarios and k8s are refused', () => {
    const e = expandMatrix([pgOnly], versions, { kic: ['3.4.1', '3.4.5'] });
    expect(e.cases.map((c) => c.target.kic)).to.deep.equal(['3.4.5']);
    expect(() => expandMatrix(all, versions, { kic: ['9.9.9'] })).to.throw(UserError, /unknown KIC version/);
    expect(() => expandMatrix(all, versions, { modes: ['mysql'] })).to.throw(UserError, /unknown mode/);
    expect(() => expandMatrix(all, versions, { scenarios: ['nope'] })).to.throw(UserError, /unknown scenario/);
    expect(() => expandMatrix(all, versions, { k8s: ['1.2'] })).to.throw(UserError, /unknown Kubernetes version/);
  });

  it('keys are unique and cover k8s × KIC', () => {
    const e = expandMatrix([splitOnly], versions, { k8s: ['1.32', '1.33'], kic: ['3.4.3', '3.5.13'], modes: ['dbless'] });
    expect(e.cases).to.have.length(4);
    expect(new Set(e.cases.map((c) => c.key)).size).to.equal(4);
    expect(omitted).to.deep.equal([]);
  });
});

describe('Kong Gateway requirements in the matrix', () => {
  const oss39 = scenario('kong-3-9-only', { requires: { modes: ['dbless'], topologies: ['single'], gateway: '<3.10.0' } });
  const enterprise = scenario('enterprise-only', { requires: { modes: ['dbless'], topologies: ['single'], gateway: '>=3.10.0', license: false } });
  const gatewaysOf = (cases: MatrixCase[], id: string) => [...new Set(cases.filter((c) => c.scenario.id === id).map((c) => c.target.gateway))];

  it('runs a scenario on the default Kong when its range admits it, else on the newest release of every admitted line', () => {
    const { cases } = expandMatrix([oss39, enterprise], versions, { kic: ['3.5.13'] });
    expect(gatewaysOf(cases, 'kong-3-9-only')).to.deep.equal([versions.gateway.default]);
    expect(gatewaysOf(cases, 'enterprise-only')).to.have.members(['3.10.0.9', '3.14.0.10', '3.15.0.3']);
  });

  it('leaves out, with the reason, a scenario whose range admits none of the versions named', () => {
    const { cases, omitted } = expandMatrix([oss39, enterprise], versions, { kic: ['3.5.13'], gateway: ['3.14'] });
    expect(gatewaysOf(cases, 'enterprise-only')).to.deep.equal(['3.14.0.10']);
    expect(omitted).to.deep.equal([{ scenario: 'kong-3-9-only', variant: undefined, reason: 'needs Kong Gateway <3.10.0; none of 3.14.0.10 qualifies' }]);
  });
});

describe('the matrix of sni-certificate-backref', () => {
  it('runs both affected releases and their neighbours on Kong 3.9, DB-less and split, and each line\'s newest', () => {
    const { cases } = expandMatrix([sniCertificateBackref], versions, {});
    expect(cases.map((c) => c.target.kic).sort()).to.deep.equal(['3.4.11', '3.4.12', '3.4.13', '3.4.20', '3.5.13', '3.5.4', '3.5.5', '3.5.6']);
    expect(new Set(cases.map((c) => `${c.target.gateway} ${c.target.mode} ${c.target.topology}`))).to.deep.equal(new Set(['3.9.3 dbless split']));
  });
});

describe('cluster groups', () => {
  const { cases } = expandMatrix(all, versions, { k8s: ['1.32', '1.33'] });
  const groups = groupCases(cases);

  it('one shared cluster per Kubernetes version and shape; node-fault cases get their own', () => {
    for (const g of groups) {
      for (const c of g.cases) expect([c.target.k8s.k8s, c.shape]).to.deep.equal([g.k8s.k8s, g.shape]);
      if (g.shape === 'multi-node') expect([g.cold, g.cases.length]).to.deep.equal([true, 1]);
    }
    const shared = groups.filter((g) => !g.cold);
    expect(shared.map((g) => g.key)).to.deep.equal(['k8s1.32/single-node', 'k8s1.33/single-node']);
    expect(groups.flatMap((g) => g.cases).length).to.equal(cases.length);
  });

  it('a case that installs without KIC CRDs or deletes one gets a cluster of its own', () => {
    const crdCases = expandMatrix([crdless], versions, { k8s: ['1.33'] }).cases;
    const crdGroups = groupCases(crdCases);
    const coldness = (variant: string | undefined) => crdGroups.filter((g) => g.cases.some((c) => c.variant === variant)).map((g) => g.cold);
    expect(coldness(undefined), 'skip-crds default').to.have.length.above(0).and.not.include(false);
    expect(coldness('delete'), 'delete variant').to.have.length.above(0).and.not.include(false);
    expect(coldness('plain'), 'a variant that leaves the CRDs alone shares').to.have.length.above(0).and.not.include(true);
    for (const g of crdGroups.filter((x) => x.cold)) expect(g.cases).to.have.lengthOf(1);
  });
});

describe('Gateway API as a matrix dimension', () => {
  // as gateway-listener-stuck and upgrade-gate: the scenario installs the Gateway API CRDs
  const usesGatewayApi = scenario('gwapi', { requires: { modes: ['dbless'], topologies: ['split'] }, install: () => ({ gatewayApi: true }) });
  const plain = scenario('plain', { requires: { modes: ['dbless'], topologies: ['split'] } });
  const selection = { kic: ['3.5.13'], modes: ['dbless'], k8s: ['1.33'], gatewayApi: ['1.3', '1.6.1', '1.5'] };

  it('expands only the scenarios that install Gateway API; the others run once, on the default', () => {
    const { cases } = expandMatrix([usesGatewayApi, plain], versions, selection);
    const apis = (id: string) => cases.filter((c) => c.scenario.id === id).map((c) => c.target.gatewayApi).sort();
    expect(apis('gwapi')).to.deep.equal(['1.3.0', '1.5.1', '1.6.1']);
    expect(apis('plain')).to.deep.equal([versions.gatewayApi.default]);
    expect(new Set(cases.map((c) => c.key)).size).to.equal(cases.length);
    // unnamed: the default (what KIC is built against) and the newest pinned
    expect(expandMatrix([usesGatewayApi], versions, { ...selection, gatewayApi: undefined }).cases.map((c) => c.target.gatewayApi)).to.deep.equal(['1.3.0', '1.6.1']);
    expect(() => expandMatrix([usesGatewayApi], versions, { ...selection, gatewayApi: ['1.4.0'] })).to.throw(UserError, 'unknown Gateway API version "1.4.0"; known: 1.3.0, 1.5.1, 1.6.1');
  });

  it('never runs a 1.3.0 case on a cluster that had Gateway API 1.5+ (its safe-upgrades policy refuses the older CRDs)', () => {
    const groups = groupCases(expandMatrix([usesGatewayApi, plain], versions, selection).cases);
    for (const g of groups) {
      const installed = g.cases.filter((c) => c.scenario.id === 'gwapi').map((c) => c.target.gatewayApi);
      const newer = installed.filter((v) => v !== '1.3.0');
      // a cluster holds one 1.5+ release and nothing that would install or expect the older CRDs
      if (newer.length) expect(g.cases.map((c) => c.target.gatewayApi), g.key).to.deep.equal([newer[0]!]);
    }
    expect(groups.map((g) => [g.key, g.cases.map((c) => `${c.scenario.id} ${c.target.gatewayApi}`)])).to.deep.equal([
      ['k8s1.33/single-node', ['gwapi 1.3.0', 'plain 1.3.0']],
      ['k8s1.33/single-node/gateway-api-1.5.1', ['gwapi 1.5.1']],
      ['k8s1.33/single-node/gateway-api-1.6.1', ['gwapi 1.6.1']],
    ]);
    expect(groups.map((g) => g.gatewayApi)).to.deep.equal([undefined, '1.5.1', '1.6.1']);
  });
});

describe('a scenario that moves the Gateway API CRDs itself (gateway-api-crd-upgrade)', () => {
  // as scenarios/gateway-api-crd-upgrade.ts: KIC starts on 1.3.0, the fault moves the CRDs to the target's 1.5+
  const mover = scenario('mover', { requires: { modes: ['dbless'], topologies: ['split'], gatewayApi: '>=1.5.1' }, install: () => ({ gatewayApi: true, initialGatewayApi: '1.3.0' }) });
  const usesGatewayApi = scenario('gwapi', { requires: { modes: ['dbless'], topologies: ['split'] }, install: () => ({ gatewayApi: true }) });
  const selection = { kic: ['3.4.20', '3.5.13'], modes: ['dbless'], k8s: ['1.33'] };

  it('runs only toward releases its range admits, and says so when none is selected', () => {
    expect(expandMatrix([mover], versions, selection).cases.map((c) => c.target.gatewayApi)).to.deep.equal(['1.6.1', '1.6.1']);
    expect(expandMatrix([mover], versions, { ...selection, gatewayApi: ['1.3.0', '1.5.1', '1.6.1'] }).cases.map((c) => c.target.gatewayApi).sort()).to.deep.equal(['1.5.1', '1.5.1', '1.6.1', '1.6.1']);
    const none = expandMatrix([mover], versions, { ...selection, gatewayApi: ['1.3.0'] });
    expect(none.cases).to.deep.equal([]);
    expect(none.omitted).to.deep.equal([{ scenario: 'mover', variant: undefined, reason: 'needs Gateway API >=1.5.1; none of 1.3.0 qualifies' }]);
  });

  it('gives every case a cluster of its own, never shared with a case of the same release', () => {
    const groups = groupCases(expandMatrix([mover, usesGatewayApi], versions, { ...selection, gatewayApi: ['1.3.0', '1.6.1'] }).cases);
    const moverGroups = groups.filter((g) => g.cases.some((c) => c.scenario.id === 'mover'));
    expect(moverGroups).to.have.lengthOf(2);
    for (const g of moverGroups) expect([g.cold, g.cases.length, g.gatewayApi, coldReason(g.cases[0]!)]).to.deep.equal([true, 1, '1.6.1', 'the case moves the Gateway API CRDs from 1.3.0']);
    // the 1.6.1 cases of a scenario that installs 1.6.1 directly still share one cluster
    expect(groups.filter((g) => !g.cold).map((g) => [g.key, g.cases.map((c) => `${c.scenario.id} ${c.target.gatewayApi}`)])).to.deep.equal([
      ['k8s1.33/single-node', ['gwapi 1.3.0', 'gwapi 1.3.0']],
      ['k8s1.33/single-node/gateway-api-1.6.1', ['gwapi 1.6.1', 'gwapi 1.6.1']],
    ]);
  });
});

describe('sharding', () => {
  const { cases } = expandMatrix(all, versions, { k8s: ['1.32', '1.33'] });
  const arbCases = fc.subarray(cases, { minLength: 0 });

  it('parses i/n and refuses anything else', () => {
    expect(parseShard('2/4')).to.deep.equal({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '1-4', '']) expect(() => parseShard(bad), bad).to.throw(UserError);
  });

  it('complete, disjoint, stable under input order, balanced within one case and its cluster', () => {
    fc.assert(
      fc.property(arbCases, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 3 }), (subset, n, repeat) => {
        const shards = assignShards(subset, n, repeat);
        const keys = shards.flatMap((s) => s.cases.map((c) => c.key));
        expect(keys.length).to.equal(subset.length);
        expect(new Set(keys)).to.deep.equal(new Set(subset.map((c) => c.key)));
        const again = assignShards([...subset].reverse(), n, repeat);
        expect(again.map((s) => s.cases.map((c) => c.key))).to.deep.equal(shards.map((s) => s.cases.map((c) => c.key)));
        const loads = shards.map((s) => s.estimateSeconds);
        const worst = Math.max(0, ...subset.map((c: MatrixCase) => caseSeconds(c) * repeat + COLD_CLUSTER_SECONDS[c.shape]));
        expect(Math.max(...loads) - Math.min(...loads)).to.be.at.most(worst);
      }),
      { numRuns: 200 },
    );
  });

  it('cases of one shape stay on one cluster when the shard count allows', () => {
    const single = cases.filter((c) => c.shape === 'single-node' && c.target.k8s.k8s === '1.33');
    const [only] = assignShards(single, 1);
    expect(only!.groups).to.have.length(1);
  });
});

describe('flake classification', () => {
  it('repeats that disagree are flaky, never pass, with the minority share as rate', () => {
    const c = classify([
      { outcome: 'recovered', verdict: 'pass' },
      { outcome: 'not-reproduced', verdict: 'pass' },
      { outcome: 'recovered', verdict: 'pass' },
      { outcome: 'recovered', verdict: 'pass' },
    ]);
    expect(c.verdict).to.equal('flaky');
    expect(c.flakeRate).to.equal(0.25);
    expect(isCaseSuccess(c.verdict)).to.equal(false);
  });

  it('agreeing repeats keep their verdict; an inconclusive repeat makes the case flaky', () => {
    expect(classify([{ outcome: 'reproduced', verdict: 'regression' }, { outcome: 'reproduced', verdict: 'regression' }])).to.deep.include({ verdict: 'regression', flakeRate: 0 });
    expect(classify([{ outcome: 'not-reproduced', verdict: 'pass' }])).to.deep.include({ verdict: 'pass', flakeRate: 0 });
    expect(classify([{ outcome: 'not-reproduced', verdict: 'pass' }, { outcome: 'inconclusive', verdict: 'error' }]).verdict).to.equal('flaky');
  });
});

describe('bisect', () => {
  const known = versions.kic.versions;

  it('orders the versions from good towards bad, both ways', () => {
    expect(versionsBetween(known, '3.4.8', '3.4.11')).to.deep.equal(['3.4.8', '3.4.9', '3.4.10', '3.4.11']);
    expect(versionsBetween(known, '3.5.1', '3.4.19')).to.deep.equal(['3.5.1', '3.5.0', '3.4.20', '3.4.19']);
    expect(() => versionsBetween(known, '3.4.0', '3.4.5')).to.throw(UserError, /unknown KIC version/);
    expect(() => versionsBetween(known, '3.4.5', '3.4.5')).to.throw(UserError);
  });

  it('finds the first change of any monotone sequence in at most ceil(log2(n)) + 2 runs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 64 }), fc.nat(), fc.constantFrom<Outcome[]>(['reproduced', 'not-reproduced'], ['not-reproduced', 'recovered']), async (n, k, [before, after]) => {
        const ordered = Array.from({ length: n }, (_, i) => `1.0.${i}`);
        const change = 1 + (k % (n - 1));
        const ran: string[] = [];
        const r = await bisect(ordered, async (v) => {
          ran.push(v);
          return ordered.indexOf(v) < change ? before! : after!;
        });
        expect(r.firstChanged).to.equal(ordered[change]);
        expect(r.reference).to.equal(before);
        expect(new Set(ran).size).to.equal(ran.length);
        expect(ran.length).to.be.at.most(Math.ceil(Math.log2(n)) + 2);
      }),
      { numRuns: 300 },
    );
  });

  it('says there is no change when good and bad agree, after two runs', async () => {
    const r = await bisect(['a', 'b', 'c', 'd'], async () => 'reproduced');
    expect(r.firstChanged).to.equal(undefined);
    expect(r.probes.map((p) => p.version)).to.deep.equal(['a', 'd']);
  });

  it('skips inconclusive versions and reports them as ambiguous when they sit next to the change', async () => {
    const outcome: Record<string, Outcome> = { a: 'reproduced', b: 'reproduced', c: 'inconclusive', d: 'not-reproduced', e: 'not-reproduced' };
    const r = await bisect(['a', 'b', 'c', 'd', 'e'], async (v) => outcome[v]!);
    expect(r.firstChanged).to.equal('d');
    expect(r.ambiguous).to.deep.equal(['c']);
    await bisect(['a', 'b'], async () => 'inconclusive').then(
      () => expect.fail('an inconclusive good must be refused'),
      (e) => expect(e).to.be.instanceOf(UserError),
    );
  });

  it('the dry-run probe points are the ones the search really runs first', async () => {
    const ordered = Array.from({ length: 9 }, (_, i) => `v${i}`);
    const p = firstProbes(ordered);
    for (const [change, next] of [[7, p.ifMatches], [2, p.ifDiffers]] as const) {
      const ran: string[] = [];
      await bisect(ordered, async (v) => (ran.push(v), ordered.indexOf(v) < change ? 'reproduced' : 'not-reproduced'));
      expect(ran.slice(0, 4)).to.deep.equal([...p.first, p.middle, next]);
    }
  });
});
