import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { UserError } from '../../../harness/errors.ts';
import { loadVersions, parseVersions, VERSIONS_FILE } from '../../../harness/targets/versions.ts';

const TEXT = readFileSync(VERSIONS_FILE, 'utf8');

/** versions.yaml with one change applied to its parsed data, serialized again. */
function edited(change: (data: Record<string, any>) => void): string {
  const data = parse(TEXT) as Record<string, any>;
  change(data);
  return stringify(data);
}

/** The UserError message parseVersions throws, checked to be a single line. */
function refusal(text: string): string {
  let caught: unknown;
  try {
    parseVersions(text);
  } catch (error) {
    caught = error;
  }
  expect(caught, 'parseVersions accepted it').to.be.instanceOf(UserError);
  const message = (caught as UserError).message;
  expect(message.split('\n'), message).to.have.length(1);
  return message;
}

describe('targets/versions', () => {
  it('parses the real versions.yaml', () => {
    const v = loadVersions();
    expect(v.kind.nodeImages.map((n) => n.k8s)).to.include(v.kind.defaultK8s);
    expect(v.kic.versions).to.include(v.kic.default);
    expect(v.kic.versions).to.include.members(['3.4.3', '3.4.4', '3.4.5']);
    expect(v.kic.versions).not.to.include('3.4.0');
    expect(v.gateway.versions).to.include(v.gateway.default);
    expect(v.kicImage).to.equal('kong/kubernetes-ingress-controller');
    expect(v.gateway.image).to.equal('kong');
    for (const n of v.kind.nodeImages) {
      expect(n.digest).to.match(/^sha256:[0-9a-f]{64}$/);
      expect(n.image).to.equal(`kindest/node:v${n.image.split(':v')[1]}`);
      expect(n.image.startsWith(`kindest/node:v${n.k8s}.`), n.image).to.equal(true);
    }
    expect(Object.keys(v.tools).sort()).to.deep.equal(['helm', 'kind', 'kubectl']);
  });

  it('loadVersions of another file reads that file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-versions-'));
    try {
      const file = join(dir, 'v.yaml');
      writeFileSync(file, edited((d) => (d.kic.default = '3.4.3')));
      expect(loadVersions(file).kic.default).to.equal('3.4.3');
      expect(() => loadVersions(join(dir, 'missing.yaml'))).to.throw(UserError, /cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses YAML that does not parse', () => {
    expect(refusal('kind: [unclosed\n  version: 1')).to.match(/not valid YAML/);
  });

  it('refuses a document that is not a mapping', () => {
    expect(refusal('- just\n- a list\n')).to.match(/malformed/);
  });

  it('refuses a missing field and names it', () => {
    expect(refusal(edited((d) => delete d.kicImage))).to.match(/malformed/).and.match(/kicImage/);
    expect(refusal(edited((d) => delete d.charts.ingress.version))).to.match(/\/charts\/ingress/).and.match(/version/);
    expect(refusal(edited((d) => delete d.gateway.image))).to.match(/\/gateway/).and.match(/image/);
  });

  it('refuses a default that is not in its list and names the list', () => {
    expect(refusal(edited((d) => (d.kic.default = '3.4.0')))).to.match(/kic\.default 3\.4\.0 is not in kic\.versions/);
    expect(refusal(edited((d) => (d.gateway.default = '3.7.0')))).to.match(/gateway\.default 3\.7\.0 is not in gateway\.versions/);
  });

  it('refuses a KIC version without a release date, since upgrades across lines are ordered by it', () => {
    expect(refusal(edited((d) => delete d.kic.released['3.5.0']))).to.match(/malformed: kic\.released has no date for 3\.5\.0$/);
    expect(refusal(edited((d) => (d.kic.released['3.5.0'] = 'July 2025')))).to.match(/malformed: \/kic\/released\/3\.5\.0 must match pattern/);
  });

  it('refuses a default Kubernetes minor with no node image', () => {
    expect(refusal(edited((d) => (d.kind.defaultK8s = '1.20')))).to.match(/kind\.defaultK8s 1\.20 has no node image/);
  });

  it('refuses a node image pinned by a bad digest and names the field', () => {
    expect(refusal(edited((d) => (d.kind.nodeImages[1].digest = 'sha256:1234')))).to.match(/\/kind\/nodeImages\/1\/digest/);
    expect(refusal(edited((d) => (d.kind.nodeImages[0].digest = 'd26ef333bdb2cbe9862a0f7c3803ecc7b4303d8cea8e814b481b09949d353040')))).to.match(/\/kind\/nodeImages\/0\/digest/);
  });

  it('refuses a version that is not plain semver and names it', () => {
    expect(refusal(edited((d) => d.kic.versions.push('v3.6.0')))).to.match(/\/kic\/versions\/\d+/);
  });

  it('refuses a tool URL that is not https', () => {
    expect(refusal(edited((d) => (d.tools.helm.url = 'http://get.helm.sh/helm.tar.gz')))).to.match(/\/tools\/helm\/url/);
  });
});
