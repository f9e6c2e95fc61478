import semver from 'semver';
import { expect } from 'chai';
import type { FactEntry } from '../../harness/evidence/types.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario, { ADMISSIONS_FACT, RACERS } from '../../scenarios/credential-webhook-race.ts';
import { loadCrdSchemas } from '../support/crd-schemas.ts';
import { callsIn, expectJudged, runFake, type FakeRunOptions, type Operation } from '../support/fake-context.ts';
import { applyFailedOnPod, canaryWorld, everySync, kicEvent, objectsOf } from '../support/scenarios-config.ts';

const NS = 'chaos-credentials';
const consumers = Array.from({ length: RACERS }, (_, i) => `KongConsumer/${NS}/race-${i + 1}`);
const secrets = Array.from({ length: RACERS }, (_, i) => `Secret/${NS}/race-credential-${i + 1}`);
const vaults = Array.from({ length: RACERS }, (_, i) => `KongVault/chaos-race-${i + 1}`);
const BASE = ['Namespace/chaos-credentials', 'Deployment/chaos-credentials/echo', 'Service/chaos-credentials/echo', 'Ingress/chaos-credentials/echo'];

// What KIC ≥3.4.0 records on each conflicting Secret when it leaves the consumers out (#6585).
const CONTAINED_JWT = kicEvent(
  'KongConfigurationTranslationFailed',
  `Secret has conflicting credential: conflict detected in "jwt-auth on 'key'" index`,
  { kind: 'Secret', namespace: NS, name: 'race-credential-2' },
);
// Kong's rejection of the whole declarative config when two jwt credentials share a key (#6577).
const JWT_REJECTED = applyFailedOnPod(
  `HTTP status 400 (message: "declarative config is invalid: {jwt_secrets={\\"uniqueness violation: 'jwt_secrets' entity with key set to 'kong-chaos-race-key' already declared\\"}}")`,
);
const USERNAME_REJECTED = applyFailedOnPod(
  `HTTP status 400 (message: "declarative config is invalid: {consumers={\\"uniqueness violation: 'consumers' entity with username set to 'kong-chaos-race' already declared\\"}}")`,
);

/** Kong refuses every push from the race until the remediation's deletes reach it. */
function blastRadius(rejection: typeof JWT_REJECTED, healable = true): Pick<FakeRunOptions, 'world' | 'happenings'> {
  const healedBy: Operation | undefined = healable ? 'remove' : undefined;
  return {
    world: canaryWorld({ namespace: NS, blockedBy: 'createConcurrently', ...(healedBy ? { healedBy } : {}) }),
    happenings: [everySync(rejection, 'createConcurrently', healedBy)],
  };
}

/** KIC leaves the conflicting consumers out and keeps pushing the rest. */
const contained: Pick<FakeRunOptions, 'world' | 'happenings'> = {
  world: canaryWorld({ namespace: NS }),
  happenings: [everySync(CONTAINED_JWT, 'createConcurrently')],
};

function admissionsOf(run: { entries: readonly unknown[] }): FactEntry['value'] {
  return (run.entries as FactEntry[]).find((e) => e.kind === 'fact' && e.name === ADMISSIONS_FACT)?.value;
}

describe('scenario credential-webhook-race', () => {
  it('creates the jwt consumers at once after setting up unreferenced jwt Secrets, and records what the webhook admitted', async () => {
    const run = await runFake(scenario, { kic: '3.4.20', ...contained });

    expect(objectsOf(run.calls.find((c) => c.phase === 'setup'))).to.deep.equal([...BASE, ...secrets]);
    const setupSecrets = run.calls.find((c) => c.phase === 'setup' && c.op === 'apply');
    const labels = setupSecrets && 'objects' in setupSecrets ? setupSecrets.objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.labels?.['konghq.com/credential']) : [];
    expect(labels).to.deep.equal(Array(RACERS).fill('jwt'));
    expect(callsIn(run, 'fault')).to.deep.equal([`createConcurrently ${consumers.join(' ')}`, 'apply Ingress/chaos-credentials/canary']);
    expect(admissionsOf(run)).to.deep.equal({ admitted: RACERS, of: RACERS, refused: [] });
    expect(run.progress).to.include(`admitted ${RACERS} of ${RACERS} conflicting objects`);
  });

  it('passes on KIC 3.4.20 when the conflict is contained: the canary is published one sync later, and no remediation runs', async () => {
    const run = await runFake(scenario, { kic: '3.4.20', ...contained });

    // unpublished for one sync only: a blip, not a symptom
    expectJudged(run, { outcome: 'not-reproduced', verdict: 'pass' });
    // the contained conflict is on the timeline but is not a symptom
    expect(run.entries.some((e) => e.kind === 'event' && e.reason === 'KongConfigurationTranslationFailed')).to.equal(true);
    expect(run.judgement.reason).to.include('Ingress/canary Published=False reason=NoAddress');
    expect(run.judgement.remediation).to.equal('not-run');
  });

  it('is a regression on KIC 3.5.13 when Kong rejects the whole config, and the remediation deletes all but one racer', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...blastRadius(JWT_REJECTED) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'regression' });
    expect(run.judgement.symptoms.map((s) => s.signature)).to.have.members(['config-apply-failed', 'canary-unpublished']);
    expect(callsIn(run, 'remediate')).to.deep.equal([`remove ${[...consumers.slice(1), ...secrets.slice(1)].join(' ')}`]);
    expect(run.judgement.remediation).to.equal('cleared');
  });

  it('judges the remediation not-cleared when the canary stays unpublished after the deletes', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...blastRadius(JWT_REJECTED, false) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'regression' });
    expect(run.judgement.remediation).to.equal('not-cleared');
  });

  it('is inconclusive when the webhook admits only one racer: no conflict reaches KIC', async () => {
    const refusal = 'admission webhook "validations.kong.konghq.com" denied the request: consumer credential failed validation: unique key constraint violated for key';
    const run = await runFake(scenario, {
      kic: '3.4.20',
      ...contained,
      admit: (objects) => objects.map((o, i) => ({ object: `KongConsumer ${NS}/${o.metadata.name}`, admitted: i === 0, ...(i === 0 ? {} : { message: refusal }) })),
    });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.equal(`fault failed: the webhook admitted 1 of ${RACERS} conflicting objects, so no conflict reached KIC (${refusal})`);
    expect(admissionsOf(run)).to.include({ admitted: 1, of: RACERS });
    expect(callsIn(run, 'fault')).to.deep.equal([`createConcurrently ${consumers.join(' ')}`]);
  });

  it('is inconclusive when /echo never serves before the fault', async () => {
    const run = await runFake(scenario, { kic: '3.4.20', world: () => [{ kind: 'route', route: '/echo', ok: false, status: 404, latencyMs: 3 }] });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.calls.filter((c) => c.op === 'createConcurrently')).to.deep.equal([]);
  });

  it('races key-auth credentials in the keyauth-key variant and passes when contained', async () => {
    const run = await runFake(scenario, { kic: '3.4.1', variant: 'keyauth-key', ...contained });

    const setup = run.calls.find((c) => c.phase === 'setup');
    const kinds = setup && 'objects' in setup ? setup.objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.labels?.['konghq.com/credential']) : [];
    expect(kinds).to.deep.equal(Array(RACERS).fill('key-auth'));
    expect(callsIn(run, 'fault')).to.deep.equal([`createConcurrently ${consumers.join(' ')}`, 'apply Ingress/chaos-credentials/canary']);
    expectJudged(run, { outcome: 'not-reproduced', verdict: 'pass' });
  });

  it('races consumers with one username in the consumer-username variant, observed, and remediates by deleting four of them', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', variant: 'consumer-username', ...blastRadius(USERNAME_REJECTED) });

    expect(objectsOf(run.calls.find((c) => c.phase === 'setup'))).to.deep.equal(BASE);
    const raced = run.calls.find((c) => c.op === 'createConcurrently');
    const usernames = raced && 'objects' in raced ? raced.objects.map((o) => o['username']) : [];
    expect(usernames).to.deep.equal(Array(RACERS).fill('kong-chaos-race'));
    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(callsIn(run, 'remediate')).to.deep.equal([`remove ${consumers.slice(1).join(' ')}`]);
    expect(run.judgement.remediation).to.equal('cleared');
  });

  it('has no vault-prefix rule for KICs without KongVault: it arrived in 3.1.0 with the duplicate-prefix drop (KIC CHANGELOG 3.1.0)', () => {
    const table = scenario.variants!['vault-prefix']!.expectations!;
    for (const range of Object.keys(table)) expect(semver.intersects(range === '*' ? '*' : range, '>=3.1.0'), range).to.equal(true);
    expect(Object.values(table).flat()).to.not.include('reproduced');
  });

  it('races KongVaults with one prefix in the vault-prefix variant: not a symptom on 3.4.1, a regression if Kong rejects', async () => {
    const vaultContained = { world: canaryWorld({ namespace: NS }) };
    const passing = await runFake(scenario, { kic: '3.4.1', variant: 'vault-prefix', ...vaultContained });
    expect(callsIn(passing, 'fault')).to.deep.equal([`createConcurrently ${vaults.join(' ')}`, 'apply Ingress/chaos-credentials/canary']);
    expectJudged(passing, { outcome: 'not-reproduced', verdict: 'pass' });

    const failing = await runFake(scenario, { kic: '3.4.1', variant: 'vault-prefix', ...blastRadius(applyFailedOnPod('HTTP status 400 (message: "declarative config is invalid")')) });
    expectJudged(failing, { outcome: 'reproduced', verdict: 'regression' });
    expect(callsIn(failing, 'remediate')).to.deep.equal([`remove ${vaults.slice(1).join(' ')}`]);
  });

  it('runs in DB-less and Postgres mode, single or split', () => {
    const versions = loadVersions();
    for (const mode of ['dbless', 'postgres']) {
      for (const topology of ['single', 'split']) {
        expect(resolveTarget(versions, scenario.requires, { mode, topology }, scenario.id)).to.include({ mode, topology });
      }
    }
  });

  it('builds manifests the CRD schemas accept, for every race', () => {
    const crds = loadCrdSchemas();
    const target = resolveTarget(loadVersions(), scenario.requires, {}, scenario.id);
    for (const variant of [undefined, ...Object.keys(scenario.variants)]) {
      const invalid = scenario.manifests(target, variant).map((o) => ({ o: `${o.kind}/${o.metadata.name}`, v: crds.validate(o) })).filter((r) => r.v.result === 'invalid');
      expect(invalid, variant ?? 'default').to.deep.equal([]);
    }
  });
});
