import { expect } from 'chai';
import { blocksOlderGatewayApi, gatewayApiInstallUrl } from '../../../harness/targets/gateway-api.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';

describe('targets/gateway-api', () => {
  it('knows which releases bring the safe-upgrades policy that refuses bundle-versions v1.0-v1.4 afterwards', () => {
    expect(['1.3.0', '1.4.1', '0.8.0', '1.5.0', '1.5.1', '1.6.1', '1.10.0', '2.0.0'].map(blocksOlderGatewayApi)).to.deep.equal([false, false, false, true, true, true, true, true]);
  });

  it('installs each pinned release from its own standard-install.yaml release asset', () => {
    const versions = loadVersions();
    expect(versions.gatewayApi.versions.map((v) => gatewayApiInstallUrl(versions, v))).to.deep.equal([
      'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml',
      'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml',
      'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml',
    ]);
  });
});
