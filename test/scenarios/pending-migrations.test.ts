import { expect } from 'chai';
import { read, type Signature } from '../../harness/judge/signatures.ts';
import type { Observation } from '../../harness/evidence/types.ts';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario from '../../scenarios/pending-migrations.ts';
import { callsIn, expectJudged, FakeContext, logLine, routeAnswer, runFake, type Call, type FakeRunOptions, type Sighting } from '../support/fake-context.ts';
import { deploymentCondition } from '../support/scenarios-infra.ts';

const TARGET = { kic: '3.5.13', mode: 'postgres', topology: 'single' };
const DEPLOYMENT = { namespace: 'kong', name: 'kong-kong' };
const NEW_POD = 'kong-kong-5d7f8c9b6-x7k2p';
// `kong start` in the chart's wait-for-db init container, Kong 3.9 on a 3.8 schema (kong/cmd/utils/migrations.lua)
const NEW_MIGRATIONS = "Error: /usr/local/share/lua/5.1/kong/cmd/utils/migrations.lua:20: New migrations available; run 'kong migrations up' to proceed";
const DEADLINE_MS = 90_000;
/** how long the chart's migration jobs plus a rollout take */
const MIGRATE_MS = 20_000;

const migrationsOn = (c: Call) => c.op === 'upgrade' && (c.change.values?.['kong'] as { migrations?: { preUpgrade?: boolean } } | undefined)?.migrations?.preUpgrade !== false;

interface Kong {
  /** the new Kong starts on the old schema anyway (no migrations needed between the pair) */
  startsUnmigrated?: boolean;
  /** the upgrade returns only after the migration jobs and the rollout (helm --wait) */
  migratedAtOnce?: boolean;
  /** the new Kong fails even after its migrations ran */
  failsMigrated?: boolean;
}

/** The chart's Deployment: old pod serving throughout, new pods Ready only on a migrated schema. */
function system(k: Kong = {}): Pick<FakeRunOptions, 'world'> {
  return {
    world: ({ calls, now }) => {
      const upgrades = calls.filter((c) => c.op === 'upgrade');
      const migrated = upgrades.find(migrationsOn);
      const rolledOut = upgrades.length > 0 && !k.failsMigrated && (k.startsUnmigrated || (migrated !== undefined && (k.migratedAtOnce || now - migrated.at >= MIGRATE_MS)));
      const stuckFor = upgrades.length > 0 && !rolledOut ? now - upgrades[0]!.at : undefined;
      const out: Sighting[] = [routeAnswer('/echo', 200), deploymentCondition(DEPLOYMENT, 'Available', 'True', 'MinimumReplicasAvailable')];
      if (stuckFor === undefined) {
        out.push(deploymentCondition(DEPLOYMENT, 'Progressing', 'True', 'NewReplicaSetAvailable'));
      } else {
        out.push(
          stuckFor >= DEADLINE_MS
            ? deploymentCondition(DEPLOYMENT, 'Progressing', 'False', 'ProgressDeadlineExceeded', 'ReplicaSet "kong-kong-5d7f8c9b6" has timed out progressing.')
            : deploymentCondition(DEPLOYMENT, 'Progressing', 'True', 'ReplicaSetUpdated'),
        );
        out.push(logLine('gateway', NEW_MIGRATIONS, NEW_POD));
      }
      return out;
    },
  };
}

const symptomsOf = (run: Awaited<ReturnType<typeof runFake>>) => [...new Set(run.judgement.symptoms.map((s) => s.signature))];

describe('scenario pending-migrations', () => {
  it('installs Kong 3.8.1 first and lowers the progress deadline of the gateway Deployment in setup', async () => {
    const target = resolveTarget(loadVersions(), scenario.requires, TARGET, scenario.id);
    expect(scenario.install(target, undefined)).to.deep.equal({ initialGateway: '3.8.1' });

    const run = await runFake(scenario, { ...TARGET, ...system() });
    expect(callsIn(run, 'setup')).to.deep.equal([
      'apply Namespace/chaos-migrations Deployment/chaos-migrations/echo Service/chaos-migrations/echo Ingress/chaos-migrations/echo Deployment/kong/kong-kong',
    ]);
    const patch = run.calls.find((c) => c.op === 'apply')!;
    expect(patch.op === 'apply' && patch.objects.at(-1)).to.deep.equal({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'kong-kong', namespace: 'kong' }, spec: { progressDeadlineSeconds: 90 } });
  });

  it('reproduces with the migration jobs off: the new pods never become Ready', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system() });

    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
    expect(callsIn(run, 'fault')).to.deep.equal(['upgrade gateway=3.9.3 values={"kong":{"migrations":{"preUpgrade":false,"postUpgrade":false}}} wait=false']);
    expect(symptomsOf(run)).to.have.members(['kong-pending-migrations', 'rollout-stuck']);
    expect(run.judgement.symptoms.find((s) => s.signature === 'rollout-stuck')!.subject).to.equal('Deployment/kong-kong');
  });

  it('remediates by turning the migration jobs back on, which lets the rollout finish', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system() });

    expect(callsIn(run, 'remediate')).to.deep.equal(['upgrade values={"kong":{"migrations":{"preUpgrade":true,"postUpgrade":true}}}']);
    expect(run.judgement.remediation).to.equal('cleared');
  });

  it('judges the remediation not-cleared when the new Kong fails even on a migrated schema', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system({ failsMigrated: true }) });

    expect(run.judgement.remediation).to.equal('not-cleared');
  });

  it('reads as fixed when the new Kong starts on the unmigrated schema (a pair without migrations)', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system({ startsUnmigrated: true }) });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'fixed' });
    expect(run.judgement.remediation).to.equal('not-run');
  });

  it('is inconclusive when helm refuses the upgrade', async () => {
    const run = await runFake(scenario, { ...TARGET, ...system(), fail: { upgrade: new Error('helm upgrade kong: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress') } });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.match(/^fault failed: helm upgrade kong: UPGRADE FAILED/);
  });

  it('refuses to run its fault when the target Kong is the one installed first: there would be no upgrade', async () => {
    const target = resolveTarget(loadVersions(), scenario.requires, { ...TARGET, gateway: '3.8.1' }, scenario.id);
    const ctx = new FakeContext(target, undefined, { entries: [], record: () => undefined }, system());

    let error: unknown;
    await scenario.fault.run(ctx).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('the target Kong must differ from 3.8.1, the version installed first (pass --gateway)');
    expect(ctx.calls).to.deep.equal([]);
  });

  describe('variant with-migrations', () => {
    it("upgrades with the chart's migration jobs and waits for the rollout: not reproduced", async () => {
      const run = await runFake(scenario, { ...TARGET, variant: 'with-migrations', ...system({ migratedAtOnce: true }) });

      expectJudged(run, { outcome: 'not-reproduced', verdict: 'pass' });
      expect(callsIn(run, 'fault')).to.deep.equal(['upgrade gateway=3.9.3']);
      expect(run.judgement.remediation).to.equal('not-run');
    });

    it('is a regression when the rollout still gets stuck with the migrations on', async () => {
      const run = await runFake(scenario, { ...TARGET, variant: 'with-migrations', ...system({ failsMigrated: true }) });

      expectJudged(run, { outcome: 'reproduced', verdict: 'regression' });
    });
  });

  describe('the Kong log signature', () => {
    const signature = scenario.signatures.find((s) => s.id === 'kong-pending-migrations') as Signature;
    const bad = (line: string) => read(signature, { ...logLine('gateway', line), at: 0 } as Observation)?.state;

    it('matches what `kong start` prints at 3.8.1 and 3.9.1 (kong/cmd/utils/migrations.lua `check_state`)', () => {
      expect(bad(NEW_MIGRATIONS)).to.equal('bad');
      expect(bad('Error: /usr/local/share/lua/5.1/kong/cmd/utils/migrations.lua:16: Database needs bootstrapping or is older than Kong 1.0.')).to.equal('bad');
    });

    it('does not match the wording no pinned Kong emits (only in a pending spec of 02-start_stop_spec.lua)', () => {
      expect(bad('Error: the current database schema does not match this version of Kong. Please run `kong migrations up` to update/initialize the database schema.')).to.equal(undefined);
    });

    it('stays silent on a migrated database', () => {
      expect(bad('Database is up-to-date')).to.equal(undefined);
      expect(bad('No pending migrations to finish')).to.equal(undefined);
    });
  });
});
