import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'chai';
import { FakeKubeApi } from '../../support/fake-kube-api.ts';

describe('the fake Kubernetes API leaves nothing behind', () => {
  it('removes the kubeconfigs it wrote when it closes', async () => {
    const api = await FakeKubeApi.start();
    const paths = [await api.writeKubeconfig(), await api.writeKubeconfig()];
    expect(paths.map((p) => readFileSync(p, 'utf8').includes(api.url))).to.deep.equal([true, true]);
    await api.close();
    expect(paths.map((p) => existsSync(dirname(p)))).to.deep.equal([false, false]);
  });
});
