import { expect } from 'chai';
import { createServer, get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Kube } from '../../../harness/k8s/client.ts';
import { portForward } from '../../../harness/k8s/portforward.ts';
import { FakeKubeApi } from '../../support/fake-kube-api.ts';

/** A plain GET through a fresh connection (no keep-alive), so each request opens its own forward. */
function getText(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

describe('k8s/portforward against a fake API server', () => {
  let api: FakeKubeApi;
  let kube: Kube;
  let admin: Server;

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    kube = connect({ kubeconfigPath: await api.writeKubeconfig() });
    // Stands in for Kong's Admin API inside the pod; the answer is big enough to span frames.
    admin = createServer((req, res) => res.end(JSON.stringify({ path: req.url, padding: 'x'.repeat(70_000) })));
    await new Promise<void>((resolve) => admin.listen(0, '127.0.0.1', resolve));
    api.forwardPod('kong', 'kong-abc', 8001, (admin.address() as AddressInfo).port);
  });
  afterEach(async () => {
    admin.closeAllConnections();
    admin.close();
    await api.close();
  });

  it('carries HTTP requests to the pod port over the API server websocket, one per connection', async () => {
    const forward = await portForward(kube, { namespace: 'kong', pod: 'kong-abc', remotePort: 8001 });
    try {
      const first = await getText(forward.localPort, '/status');
      const second = await getText(forward.localPort, '/services');
      expect(first.status).to.equal(200);
      expect(JSON.parse(first.body).path).to.equal('/status');
      expect(JSON.parse(second.body).path).to.equal('/services');
      expect(JSON.parse(second.body).padding).to.have.length(70_000);
      const upgrades = api.requests.filter((r) => r.path === '/api/v1/namespaces/kong/pods/kong-abc/portforward');
      expect(upgrades).to.have.length(2);
      expect(upgrades[0]?.query.get('ports')).to.equal('8001');
    } finally {
      await forward.close();
    }
    const refused = await getText(forward.localPort, '/status').catch((e: NodeJS.ErrnoException) => e.code);
    expect(refused).to.equal('ECONNREFUSED');
  });

  it('closes the local connection when the API server refuses the forward', async () => {
    const forward = await portForward(kube, { namespace: 'kong', pod: 'missing', remotePort: 8001 });
    try {
      const error = await getText(forward.localPort, '/status').catch((e: NodeJS.ErrnoException) => e.code);
      expect(error).to.equal('ECONNRESET');
    } finally {
      await forward.close();
    }
  });
});
