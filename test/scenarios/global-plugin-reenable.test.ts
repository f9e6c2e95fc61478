import { expect } from 'chai';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario, { GLOBAL_PLUGIN, MAX_DISABLE_READS } from '../../scenarios/global-plugin-reenable.ts';
import { loadCrdSchemas } from '../support/crd-schemas.ts';
import { callsIn, expectJudged, runFake, type AdminPlugin, type FakeRunOptions, type Sighting, type WorldView } from '../support/fake-context.ts';
import { SYNC_MS } from '../support/scenarios-config.ts';

const KIC_TAGS = ['managed-by-ingress-controller', `k8s-name:${GLOBAL_PLUGIN}`, 'k8s-kind:KongClusterPlugin', 'k8s-group:configuration.konghq.com', 'k8s-version:v1'];

/**
 * The global key-auth row as the Admin API lists it: `enabled` turns false after `reads` reads,
 * i.e. once KIC has pushed `disabled: true` (never, without `reads`).
 */
function globalKeyAuthRow(reads?: number): AdminPlugin {
  let seen = 0;
  const row = { id: '7e1f0a2b-3c4d-5e6f-8a9b-0c1d2e3f4a5b', name: 'key-auth', tags: KIC_TAGS };
  return Object.defineProperty(row, 'enabled', { enumerable: true, get: () => reads === undefined || ++seen < reads });
}

/** When the fault applied `disabled: false` (the last apply of the fault), if it did. */
function reenabledAt(calls: WorldView['calls']): number | undefined {
  const applies = calls.filter((c) => c.op === 'apply' && c.phase === 'fault');
  return applies.length === 2 ? applies[1]!.at : undefined;
}

/** Kong answers 401 without a key while key-auth is enforced; `enforcedAfterMs` after the re-enable, or never. */
function kong(enforcedAfterMs: number | undefined): FakeRunOptions['world'] {
  return ({ now, calls }) => {
    const disabledAt = calls.find((c) => c.op === 'apply' && c.phase === 'fault')?.at;
    const reenabled = reenabledAt(calls);
    const enforced = disabledAt === undefined || (reenabled !== undefined && enforcedAfterMs !== undefined && now - reenabled >= enforcedAfterMs);
    return [answer(enforced ? 401 : 200)];
  };
}

const READS_UNTIL_DISABLED = 40;

/** The route probe's reading: the scenario expects 401, so only 401 is ok (routeAnswer assumes 200). */
function answer(status: number): Sighting {
  return { kind: 'route', route: '/echo', ok: status === 401, status, latencyMs: 3 };
}

describe('scenario global-plugin-reenable', () => {
  it('disables the global key-auth, waits until Kong shows it disabled, then re-enables it', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', plugins: [globalKeyAuthRow(READS_UNTIL_DISABLED)], world: kong(0) });

    expect(callsIn(run, 'fault')).to.deep.equal([
      `apply KongClusterPlugin/${GLOBAL_PLUGIN}`,
      ...Array(READS_UNTIL_DISABLED).fill('list /plugins'),
      `apply KongClusterPlugin/${GLOBAL_PLUGIN}`,
    ]);
    const toggles = run.calls.filter((c) => c.op === 'apply').map((c) => ('objects' in c ? c.objects.find((o) => o.kind === 'KongClusterPlugin')?.['disabled'] : undefined));
    expect(toggles).to.deep.equal([false, true, false]);
    expect(run.progress).to.include(`Kong holds the disabled plugin after ${READS_UNTIL_DISABLED} Admin API read(s)`);
  });

  it('is not reproduced (observed) when the route answers 401 again right after the re-enable', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', plugins: [globalKeyAuthRow(READS_UNTIL_DISABLED)], world: kong(0) });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
  });

  it('is not reproduced (observed) when a probe catches the 200 before KIC syncs the re-enable: a blip', async () => {
    const run = await runFake(scenario, { kic: '3.4.1', mode: 'postgres', plugins: [globalKeyAuthRow(READS_UNTIL_DISABLED)], world: kong(SYNC_MS) });

    // open for one sync only, under the judge's 15 s persistence (judge/outcome.ts)
    expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
  });

  it('reproduces (observed) when the route keeps answering 200 after the re-enable, the bug of Kong #8436', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', plugins: [globalKeyAuthRow(READS_UNTIL_DISABLED)], world: kong(undefined) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.reason).to.equal('still present at the end of the window: /echo -> 200');
  });

  it('is inconclusive when Kong never shows the plugin disabled, and never re-enables it', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', plugins: [globalKeyAuthRow()], world: kong(0) });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.equal(`fault failed: Kong never showed ${GLOBAL_PLUGIN} disabled in ${MAX_DISABLE_READS} Admin API reads`);
    expect(run.calls.filter((c) => c.op === 'apply')).to.have.length(2);
  });

  it('is inconclusive when key-auth is never enforced before the fault', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', plugins: [globalKeyAuthRow(1)], world: () => [answer(200)] });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(callsIn(run, 'fault')).to.deep.equal([]);
  });

  it('builds a global KongClusterPlugin the CRD schema accepts, enabled and disabled', () => {
    const crds = loadCrdSchemas();
    const target = resolveTarget(loadVersions(), scenario.requires, {}, scenario.id);
    const plugins = scenario.manifests(target, undefined).filter((o) => o.kind === 'KongClusterPlugin');
    expect(plugins.map((p) => [p.metadata.labels?.['global'], p['plugin'], p['disabled']])).to.deep.equal([
      ['true', 'key-auth', false],
      ['true', 'key-auth', true],
    ]);
    for (const p of plugins) expect(crds.validate(p).result).to.equal('valid');
  });
});
