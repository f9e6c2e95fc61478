import { expect } from 'chai';
import { bisect } from '../../../harness/cli/bisect.ts';
import { gate, planGate } from '../../../harness/cli/gate.ts';
import { matrix } from '../../../harness/cli/matrix.ts';
import { UserError } from '../../../harness/errors.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';
import { scenarios } from '../../../scenarios/index.ts';

/** Runs an offline command, capturing what it prints on stdout. */
async function captured(run: () => Promise<number>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const { log } = console;
  console.log = (...a: unknown[]) => void lines.push(a.map(String).join(' '));
  try {
    return { code: await run(), out: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

describe('matrix, gate and bisect offline (dry runs)', () => {
  it('matrix --emit-github-matrix: include entries for every non-empty shard', async () => {
    const r = await captured(() => matrix({ out: 'runs', emitGithubMatrix: true, shards: '3' }));
    expect(r.code).to.equal(0);
    const m = JSON.parse(r.out) as { include: { shard: string; cases: number }[] };
    expect(m.include.map((e) => e.shard)).to.deep.equal(['1/3', '2/3', '3/3'].slice(0, m.include.length));
    expect(m.include.every((e) => e.cases > 0)).to.equal(true);
  });

  it('matrix --dry-run --json: the shard holds its share, with cluster groups', async () => {
    const whole = JSON.parse((await captured(() => matrix({ out: 'runs', dryRun: true, json: true }))).out);
    const parts = await Promise.all(['1/2', '2/2'].map(async (shard) => JSON.parse((await captured(() => matrix({ out: 'runs', dryRun: true, json: true, shard }))).out)));
    const keys = (p: any) => p.shards.flatMap((s: any) => s.groups.flatMap((g: any) => g.cases.map((c: any) => c.key)));
    expect([...keys(parts[0]), ...keys(parts[1])].sort()).to.deep.equal(keys(whole).sort());
    for (const g of whole.shards[0].groups) expect(g.cluster).to.match(/^k8s1\.\d+\//);
  });

  it('matrix --k8s/--kic: a line and its pinned patch are one target, not two; an unpinned patch is refused', async () => {
    const keys = async (flags: { k8s?: string; kic?: string }) => {
      const p = JSON.parse((await captured(() => matrix({ out: 'runs', dryRun: true, json: true, scenarios: 'gateway-listener-stuck', modes: 'dbless', ...flags }))).out);
      return p.shards.flatMap((s: any) => s.groups.flatMap((g: any) => g.cases.map((c: any) => c.key))) as string[];
    };
    expect(await keys({ k8s: '1.33,1.33.7', kic: '3.4.3,v3.4.3' })).to.deep.equal(await keys({ k8s: '1.33', kic: '3.4.3' }));
    expect(await keys({ kic: '3.4' })).to.deep.equal(await keys({ kic: '3.4.20' }));
    await matrix({ out: 'runs', dryRun: true, k8s: '1.33.1' }).then(() => expect.fail('1.33.1 is not pinned'), (e) => expect(e).to.be.instanceOf(UserError));
  });

  it('refuses bad input with a UserError', async () => {
    for (const flags of [{ shard: '3/2' }, { repeat: '0' }, { modes: 'mysql' }, { kic: '1.0.0' }]) {
      await matrix({ out: 'runs', dryRun: true, ...flags }).then(() => expect.fail(JSON.stringify(flags)), (e) => expect(e, JSON.stringify(flags)).to.be.instanceOf(UserError));
    }
    await gate({ from: '3.4.4', to: '3.4.4', out: 'runs', dryRun: true }).then(() => expect.fail('same versions'), (e) => expect(e).to.be.instanceOf(UserError));
    await gate({ from: '3.4.4', to: '3.9.1', component: 'both', out: 'runs', dryRun: true }).then(() => expect.fail('both needs KIC/KONG'), (e) => expect(e).to.be.instanceOf(UserError));
  });

  it('gate --dry-run names the versions and the scenarios that apply to B', async () => {
    const r = await captured(() => gate({ from: '3.4.4', to: '3.4.6', mode: 'postgres', out: 'runs', dryRun: true }));
    expect(r.code).to.equal(0);
    expect(r.out).to.contain('kic 3.4.4 → 3.4.6').and.contain('plugin-id-drift');
    expect(r.out).to.contain('gateway-listener-stuck');
  });

  it('gate from KIC 3.5.4 to 3.5.5 on Kong 3.9 plans sni-certificate-backref on 3.5.5, DB-less and split', () => {
    const p = planGate({ from: '3.5.4', to: '3.5.5', out: 'runs' }, loadVersions(), scenarios);
    const sni = p.catalog.filter((c) => c.scenario.id === 'sni-certificate-backref');
    expect(sni.map((c) => [c.target.kic, c.target.gateway, c.target.mode, c.target.topology])).to.deep.equal([['3.5.5', '3.9.3', 'dbless', 'split']]);
    // the case starts from the release before the change, whatever the gate's --from
    expect(sni[0]!.scenario.install(sni[0]!.target, undefined).initialKic).to.equal('3.5.4');
  });

  it('gate to Kong Gateway 3.14 Enterprise leaves sni-certificate-backref out, and says why', () => {
    const p = planGate({ from: '3.9.3', to: '3.14', component: 'gateway', out: 'runs' }, loadVersions(), scenarios);
    expect(p.catalog.map((c) => c.scenario.id)).not.to.include('sni-certificate-backref');
    expect(p.omitted).to.deep.include({ scenario: 'sni-certificate-backref', reason: 'needs Kong Gateway <3.10.0; none of 3.14.0.10 qualifies' });
  });

  it('bisect --dry-run over sni-certificate-backref walks KIC 3.5.4 to 3.5.5 on Kong 3.9, split', async () => {
    const plan = JSON.parse((await captured(() => bisect('sni-certificate-backref', { good: '3.5.4', bad: '3.5.5', out: 'runs', dryRun: true, json: true }))).out);
    expect(plan.versions).to.deep.equal(['3.5.4', '3.5.5']);
    expect(plan.target).to.contain('Kong 3.9.3').and.contain('dbless · split');
    await bisect('sni-certificate-backref', { good: '3.5.4', bad: '3.5.5', gateway: '3.14', out: 'runs', dryRun: true }).then(
      () => expect.fail('Kong 3.14 is outside the scenario range'),
      (e) => expect(e).to.be.instanceOf(UserError),
    );
  });

  it('bisect --dry-run lists the ordered versions and the first probes', async () => {
    const r = await captured(() => bisect('gateway-listener-stuck', { good: '3.4.1', bad: '3.4.8', out: 'runs', dryRun: true, json: true }));
    const plan = JSON.parse(r.out);
    expect(plan.versions).to.deep.equal(['3.4.1', '3.4.2', '3.4.3', '3.4.4', '3.4.5', '3.4.6', '3.4.7', '3.4.8']);
    expect(plan.first).to.deep.equal(['3.4.1', '3.4.8']);
    expect(plan.middle).to.equal('3.4.4');
    expect(plan.maxRuns).to.equal(5);
    await bisect('plugin-id-drift', { good: '3.4.1', bad: '3.4.8', out: 'runs', dryRun: true }).then(() => expect.fail('outside the KIC range'), (e) => expect(e).to.be.instanceOf(UserError));
  });
});
