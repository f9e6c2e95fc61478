import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { loadVersions } from '../../../harness/targets/versions.ts';
import { CRD_FILES, CRD_PINS, crdDir } from '../../support/crd-files.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every file under the given tree, skipping dot-directories and node_modules. */
function filesUnder(path: string): string[] {
  return readdirSync(join(ROOT, path), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !/(^|\/)(\.|node_modules)/.test(relative(ROOT, e.parentPath)))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

describe('the repository stands alone', () => {
  it('no code, test, script or build file reads files beside the checkout (only .ci/run may point at an offline copy)', () => {
    const outside = ['..', 'shared'].join('/');
    const files = [...['harness', 'scenarios', 'test', 'bench', 'scripts', 'bin'].flatMap(filesUnder), 'Makefile', 'package.json', '.mocharc.json'];
    const naming = files.filter((f) => readFileSync(join(ROOT, f), 'utf8').includes(outside));
    expect(naming).to.deep.equal([]);
  });

  it('fetches the CRDs of the versions that versions.yaml pins as defaults for real runs', () => {
    const versions = loadVersions();
    expect({ kongChart: versions.charts.kong.version, gatewayApi: `v${versions.gatewayApi.default}` }).to.deep.equal({
      kongChart: CRD_PINS.kongChart,
      gatewayApi: CRD_PINS.gatewayApi,
    });
  });

  it('has CRD files that say which upstream version they are', () => {
    const annotations = CRD_FILES.flatMap((f) =>
      parseAllDocuments(readFileSync(join(crdDir(), f.path), 'utf8')).map((d) => (d.toJS() as { metadata: { annotations: Record<string, string> } }).metadata.annotations),
    );
    const kong = annotations.filter((a) => 'kubernetes-configuration.konghq.com/version' in a);
    const gatewayApi = annotations.filter((a) => 'gateway.networking.k8s.io/bundle-version' in a);
    expect(kong.length + gatewayApi.length).to.equal(annotations.length);
    expect(new Set(kong.map((a) => a['kubernetes-configuration.konghq.com/version']))).to.deep.equal(new Set([CRD_PINS.kubernetesConfiguration]));
    expect(new Set(gatewayApi.map((a) => `${a['gateway.networking.k8s.io/bundle-version']} ${a['gateway.networking.k8s.io/channel']}`))).to.deep.equal(new Set([`${CRD_PINS.gatewayApi} standard`]));
  });
});
