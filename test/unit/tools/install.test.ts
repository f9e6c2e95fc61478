import { expect } from 'chai';
import { EnvironmentError } from '../../../harness/errors.ts';
import type { ToolPin } from '../../../harness/targets/versions-types.ts';
import { expandPlatform, hostPlatform, parseSha256File, parseVersionOutput, sameVersion } from '../../../harness/tools/install.ts';

const digest = 'a'.repeat(64);
const helmPin: ToolPin = {
  name: 'helm', version: '3.19.0', url: 'u', versionArgs: ['version', '--short'], versionPattern: '^v(\\d+\\.\\d+\\.\\d+)',
};

describe('tools/install (pure parts)', () => {
  it('maps the host platform to Go names and refuses others', () => {
    expect(hostPlatform('linux', 'x64')).to.deep.equal({ os: 'linux', arch: 'amd64' });
    expect(hostPlatform('darwin', 'arm64')).to.deep.equal({ os: 'darwin', arch: 'arm64' });
    expect(() => hostPlatform('win32', 'x64')).to.throw(EnvironmentError, /win32\/x64/);
  });

  it('substitutes {os} and {arch} everywhere', () => {
    expect(expandPlatform('https://get.helm.sh/helm-v3.19.0-{os}-{arch}.tar.gz#{os}', { os: 'darwin', arch: 'arm64' }))
      .to.equal('https://get.helm.sh/helm-v3.19.0-darwin-arm64.tar.gz#darwin');
  });

  it('reads the first sha256 from a checksum file', () => {
    expect(parseSha256File(`${digest}  kind-linux-amd64\n`)).to.equal(digest);
    expect(parseSha256File(`${digest.toUpperCase()}\n`)).to.equal(digest);
    expect(parseSha256File('<html>Not Found</html>')).to.equal(undefined);
  });

  it('reads versions with the pin pattern and ignores a leading v', () => {
    expect(parseVersionOutput('v3.19.0+g3d8990f', helmPin)).to.equal('3.19.0');
    expect(parseVersionOutput('garbage', helmPin)).to.equal(undefined);
    expect(sameVersion('v0.30.0', '0.30.0')).to.equal(true);
    expect(sameVersion('0.29.0', '0.30.0')).to.equal(false);
  });

  it('reads the versions.yaml pin patterns from real tool output', () => {
    const pin = (versionPattern: string): ToolPin => ({ ...helmPin, versionPattern });
    expect(parseVersionOutput('kind v0.31.0 go1.24.6 linux/amd64', pin('kind (v\\d+\\.\\d+\\.\\d+)'))).to.equal('v0.31.0');
    expect(parseVersionOutput('Client Version: v1.33.7\nKustomize Version: v5.6.0', pin('Client Version: (v\\d+\\.\\d+\\.\\d+)'))).to.equal('v1.33.7');
    expect(parseVersionOutput('v3.18.6+gb76a950', pin('(v\\d+\\.\\d+\\.\\d+)'))).to.equal('v3.18.6');
  });
});
