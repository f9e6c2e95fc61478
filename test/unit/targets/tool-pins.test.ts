import { expect } from 'chai';
import { cleanupKind } from '../../../harness/cli/cleanup.ts';
import { binaryOf, kindPinFor, toolsFor } from '../../../harness/targets/tool-pins.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';
import type { NodeImage } from '../../../harness/targets/versions-types.ts';

const versions = loadVersions();
const image = (k8s: string): NodeImage => versions.kind.nodeImages.find((n) => n.k8s === k8s)!;

describe('targets/tool-pins', () => {
  it('creates 1.31-1.35 with kind v0.31.0 and the newer minors with the kind built for them', () => {
    expect(Object.fromEntries(versions.kind.nodeImages.map((n) => [n.k8s, n.kind]))).to.deep.equal({
      '1.37': 'v0.33.0',
      '1.36': 'v0.32.0',
      '1.35': 'v0.31.0',
      '1.34': 'v0.31.0',
      '1.33': 'v0.31.0',
      '1.32': 'v0.31.0',
      '1.31': 'v0.31.0',
    });
  });

  it('uses the pinned kind for its own release and installs another release beside it, from the same URLs', () => {
    expect(kindPinFor(versions, image('1.32'))).to.equal(versions.tools.kind);
    const k32 = kindPinFor(versions, image('1.36'));
    expect(binaryOf(k32)).to.equal('kind-v0.32.0');
    expect(k32).to.include({ name: 'kind', version: 'v0.32.0', url: versions.tools.kind.url, sha256Url: versions.tools.kind.sha256Url });
    expect(versions.tools.kind.url).to.include('{version}');
  });

  it('asks for helm, kubectl and each kind release the node images name, once each', () => {
    const names = (images: NodeImage[]) => toolsFor(versions, images).map((p) => `${binaryOf(p)} ${p.version}`);
    expect(names([image('1.33')])).to.deep.equal([`helm ${versions.tools.helm.version}`, `kubectl ${versions.tools.kubectl.version}`, 'kind v0.31.0']);
    expect(names([image('1.31'), image('1.36'), image('1.33'), image('1.36')]).slice(2)).to.deep.equal(['kind v0.31.0', 'kind-v0.32.0 v0.32.0']);
  });

  it('lets cleanup use whichever pinned kind is installed, since any release lists and deletes the clusters of another', () => {
    const installed = (present: string[]) => (b: string) => (present.includes(b) ? `/bin-dir/${b}` : b);
    expect(cleanupKind(versions, installed(['kind-v0.32.0']))).to.equal('kind-v0.32.0');
    expect(cleanupKind(versions, installed(['kind', 'kind-v0.32.0']))).to.equal('kind');
    expect(cleanupKind(versions, installed([]))).to.equal('kind');
  });
});
