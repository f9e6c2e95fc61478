import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { connect, type Kube } from '../../../harness/k8s/client.ts';
import { PodForwards } from '../../../harness/k8s/pod-forwards.ts';
import { GatewayPodProbe, STATUS_PORT, PROXY_PORT } from '../../../harness/probes/convergence.ts';
import type { PodConfigEntry } from '../../../harness/evidence/types.ts';
import { FakeKubeApi } from '../../support/fake-kube-api.ts';

const HASHES: Record<string, string> = { 'kong-a': '5d41402abc4b2a76b9719d911017c592', 'kong-b': '7d793037a0760186574b0282f2f435e7' };

/** One local server per pod, standing in for both its status listener and its proxy. */
function kongPod(pod: string): Server {
  return createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/status') return res.end(JSON.stringify({ server: { connections_active: 1 }, configuration_hash: HASHES[pod] }));
    res.statusCode = pod === 'kong-a' ? 200 : 404;
    res.end(JSON.stringify(pod === 'kong-a' ? {} : { message: 'no Route matched with those values' }));
  });
}

describe('k8s/pod-forwards: one port-forward per pod, through a fake API server', () => {
  let api: FakeKubeApi;
  let kube: Kube;
  const pods: Server[] = [];

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    kube = connect({ kubeconfigPath: await api.writeKubeconfig() });
    for (const name of ['kong-a', 'kong-b']) {
      const server = kongPod(name);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      pods.push(server);
      const port = (server.address() as AddressInfo).port;
      api.forwardPod('kong', name, STATUS_PORT, port);
      api.forwardPod('kong', name, PROXY_PORT, port);
    }
  });
  afterEach(async () => {
    for (const server of pods.splice(0)) {
      server.closeAllConnections();
      server.close();
    }
    await api.close();
  });

  it('reads each pod through its own forward, keeps forwards between rounds and closes those of pods that are gone', async () => {
    const forwards = new PodForwards(kube, 'kong');
    const probe = new GatewayPodProbe(
      {
        locate: async () => ({
          gateways: await Promise.all(['kong-a', 'kong-b'].map(async (pod) => ({ pod, ready: true, urls: { status: await forwards.url(pod, STATUS_PORT), proxy: await forwards.url(pod, PROXY_PORT) } }))),
          controllers: [],
        }),
      },
      [{ route: '/echo', path: '/echo', expectStatus: 200 }],
      false,
    );
    try {
      const round = (await probe.round()) as PodConfigEntry[];
      expect(round.map((e) => [e.pod, e.configHash, e.routes[0]?.status])).to.deep.equal([
        ['kong-a', HASHES['kong-a'], 200],
        ['kong-b', HASHES['kong-b'], 404],
      ]);
      const upgrades = api.requests.filter((r) => r.path.endsWith('/portforward'));
      expect(new Set(upgrades.map((r) => `${r.path} ${r.query.get('ports')}`))).to.deep.equal(
        new Set([`/api/v1/namespaces/kong/pods/kong-a/portforward ${STATUS_PORT}`, `/api/v1/namespaces/kong/pods/kong-a/portforward ${PROXY_PORT}`, `/api/v1/namespaces/kong/pods/kong-b/portforward ${STATUS_PORT}`, `/api/v1/namespaces/kong/pods/kong-b/portforward ${PROXY_PORT}`]),
      );

      const before = await forwards.url('kong-b', STATUS_PORT);
      expect(await forwards.url('kong-b', STATUS_PORT), 'the same forward serves later rounds').to.equal(before);
      await forwards.keepOnly(['kong-a']);
      const refused = await fetch(`${before}/status`).then(
        () => 'answered',
        (e: { cause?: { code?: string } }) => e.cause?.code,
      );
      expect(refused).to.equal('ECONNREFUSED');
      const again = await forwards.url('kong-b', STATUS_PORT);
      expect(((await (await fetch(`${again}/status`)).json()) as { configuration_hash: string }).configuration_hash, 'a pod seen again gets a working forward').to.equal(HASHES['kong-b']);
    } finally {
      await probe.close();
      await forwards.close();
    }
  });
});
