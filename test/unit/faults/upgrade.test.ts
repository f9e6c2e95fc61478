import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { kongCrd } from '../../../harness/faults/crds.ts';
import { withoutMigrations } from '../../../harness/faults/upgrade.ts';
import { componentNames } from '../../../harness/kong/names.ts';
import { helmReleases, merge, type Values } from '../../../harness/kong/values.ts';
import { resolveTarget } from '../../../harness/targets/target.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';
import { crdDir, KONG_CRDS } from '../../support/crd-files.ts';

const versions = loadVersions();
const single = resolveTarget(versions, { modes: ['postgres'], topologies: ['single'] }, { topology: 'single', mode: 'postgres', kic: '3.4.3', gateway: '3.9.1' }, 'upgrade-test');
const KONG_CRDS_FILE = join(crdDir(), KONG_CRDS.path);

interface Crd {
  kind: string;
  metadata: { name: string };
  spec: { group: string; names: { plural: string } };
}

describe('faults/upgrade withoutMigrations', () => {
  // pending-migrations upgrades with { values: { kong: withoutMigrations() } }
  const release = componentNames('single').gateway.release;
  const [plain] = helmReleases({ target: single, versions });
  const [unmigrated] = helmReleases({ target: single, versions, overrides: { [release]: withoutMigrations() } });

  it('the override lands on the kong/kong release of the single topology', () => {
    expect(release).to.equal('kong');
    expect(unmigrated).to.include({ release: 'kong', chart: 'kong/kong' });
  });

  it('turns off both the pre-upgrade and the post-upgrade migration jobs', () => {
    // kong/kong renders the Jobs only when `.Values.migrations.preUpgrade` / `.postUpgrade` are
    // true (Kong/charts kong-3.4.1, charts/kong/templates/migrations-{pre,post}-upgrade.yaml)
    expect(unmigrated!.values['migrations']).to.deep.equal({ preUpgrade: false, postUpgrade: false });
    expect(plain!.values).to.not.have.property('migrations');
  });

  it('keeps every other value of the release as it was', () => {
    const { migrations: _dropped, ...rest } = unmigrated!.values;
    expect(rest).to.deep.equal(plain!.values);
    expect(unmigrated!.values['env']).to.include({ database: 'postgres' });
  });

  it('merged over earlier overrides of the same release, keeps their other migration keys', () => {
    const earlier: Values = { migrations: { init: true, preUpgrade: true }, podAnnotations: { a: 'b' } };
    expect(merge(earlier, withoutMigrations())).to.deep.equal({ migrations: { init: true, preUpgrade: false, postUpgrade: false }, podAnnotations: { a: 'b' } });
  });
});

describe('faults/crds kongCrd', () => {
  const crds = parseAllDocuments(readFileSync(KONG_CRDS_FILE, 'utf8'))
    .map((d) => d.toJS() as Crd | null)
    .filter((d): d is Crd => d?.kind === 'CustomResourceDefinition');

  it('is a cluster-scoped reference to a CustomResourceDefinition named <plural>.configuration.konghq.com', () => {
    expect(kongCrd('kongingresses')).to.deep.equal({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'kongingresses.configuration.konghq.com' },
    });
  });

  for (const plural of ['kongingresses', 'kongplugins', 'kongconsumers']) {
    it(`names a CRD the Kong chart installs: ${plural}`, () => {
      const crd = crds.find((c) => c.metadata.name === kongCrd(plural).metadata.name);
      expect(crd, `${kongCrd(plural).metadata.name} in ${KONG_CRDS_FILE}`).to.not.equal(undefined);
      expect(crd!.spec.names.plural).to.equal(plural);
      expect(crd!.spec.group).to.equal('configuration.konghq.com');
    });
  }
});
