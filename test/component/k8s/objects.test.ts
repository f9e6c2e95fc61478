import { expect } from 'chai';
import { EnvironmentError } from '../../../harness/errors.ts';
import { KubeApiError } from '../../../harness/k8s/api-error.ts';
import { connect, type Kube } from '../../../harness/k8s/client.ts';
import { apply, get, list, remove } from '../../../harness/k8s/objects.ts';
import { podFor } from '../../../harness/k8s/portforward.ts';
import { deploymentAvailable, podsReady } from '../../../harness/k8s/wait.ts';
import { FakeKubeApi, kubeconfigFor } from '../../support/fake-kube-api.ts';

const echo = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'echo', namespace: 'chaos', labels: { app: 'echo' } },
  spec: { replicas: 1, selector: { matchLabels: { app: 'echo' } } },
};

function pod(name: string, ready: boolean, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kong', labels: { app: 'kong' }, ...extra },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

describe('k8s/objects against a fake API server', () => {
  let api: FakeKubeApi;
  let kube: Kube;

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    kube = connect({ kubeconfigPath: await api.writeKubeconfig() });
  });
  afterEach(() => api.close());

  it('server-side applies with the apply-patch content type, fieldManager, force and the run label', async () => {
    const [applied] = await apply(kube, [echo], { labels: { 'kong-chaos.run': 'r-123' } });
    const patch = api.requests.find((r) => r.method === 'PATCH');
    expect(patch?.path).to.equal('/apis/apps/v1/namespaces/chaos/deployments/echo');
    expect(patch?.headers['content-type']).to.equal('application/apply-patch+yaml');
    expect(patch?.query.get('fieldManager')).to.equal('kong-chaos');
    expect(patch?.query.get('force')).to.equal('true');
    expect(JSON.parse(patch?.body ?? '{}').metadata.labels).to.deep.equal({ app: 'echo', 'kong-chaos.run': 'r-123' });
    expect(applied?.metadata.labels).to.deep.equal({ app: 'echo', 'kong-chaos.run': 'r-123' });
    expect(echo.metadata.labels).to.deep.equal({ app: 'echo' }, 'the caller’s object is not modified');
  });

  it('applies custom resources and cluster-scoped objects, in order, with a chosen field manager', async () => {
    await apply(
      kube,
      [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'chaos' } },
        { apiVersion: 'configuration.konghq.com/v1', kind: 'KongPlugin', metadata: { name: 'rate', namespace: 'chaos' }, plugin: 'rate-limiting', config: { minute: 5 } },
      ],
      { fieldManager: 'kong-chaos-test' },
    );
    const patches = api.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.path)).to.deep.equal(['/api/v1/namespaces/chaos', '/apis/configuration.konghq.com/v1/namespaces/chaos/kongplugins/rate']);
    expect(patches.map((r) => r.query.get('fieldManager'))).to.deep.equal(['kong-chaos-test', 'kong-chaos-test']);
    expect(api.getStored('configuration.konghq.com/v1', 'KongPlugin', 'chaos', 'rate')?.['config']).to.deep.equal({ minute: 5 });
  });

  it('gets an object, and undefined for one that does not exist', async () => {
    await apply(kube, [echo]);
    const found = await get(kube, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'chaos', name: 'echo' });
    expect(found?.metadata.name).to.equal('echo');
    expect(await get(kube, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'chaos', name: 'nope' })).to.equal(undefined);
  });

  it('lists by namespace and label selector, with apiVersion and kind on each item', async () => {
    api.upsert(pod('kong-a', true));
    api.upsert(pod('kong-b', false));
    api.upsert({ ...pod('other', true), metadata: { name: 'other', namespace: 'kong', labels: { app: 'other' } } });
    const pods = await list(kube, { apiVersion: 'v1', kind: 'Pod', namespace: 'kong', labelSelector: 'app=kong' });
    expect(pods.map((p) => p.metadata.name)).to.deep.equal(['kong-a', 'kong-b']);
    expect(pods.every((p) => p.apiVersion === 'v1' && p.kind === 'Pod')).to.equal(true);
    expect(api.requests.at(-1)?.query.get('labelSelector')).to.equal('app=kong');
  });

  it('removes objects, ignoring ones already gone unless asked not to', async () => {
    await apply(kube, [echo]);
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'chaos', name: 'echo' };
    await remove(kube, [ref, { ...ref, name: 'gone' }]);
    expect(api.getStored('apps/v1', 'Deployment', 'chaos', 'echo')).to.equal(undefined);
    const error = await remove(kube, [ref], { ignoreNotFound: false }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(KubeApiError);
    expect((error as KubeApiError).status).to.equal(404);
    expect((error as Error).message).to.equal('delete Deployment chaos/echo: 404 NotFound: deployments "echo" not found');
  });

  it('reports an unreachable API server as an EnvironmentError naming the request', async () => {
    const unreachable = connect({ kubeconfigPath: await api.writeKubeconfig() });
    await api.close();
    const error = await get(unreachable, { apiVersion: 'v1', kind: 'Pod', namespace: 'kong', name: 'x' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(EnvironmentError);
    expect((error as Error).message).to.match(/^get Pod kong\/x: .*ECONNREFUSED/);
    api = await FakeKubeApi.start(); // for afterEach
  });

  it('bounds every request by the kubeRequest deadline', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'kc-'));
    const path = join(dir, 'config');
    await writeFile(path, kubeconfigFor(`http://127.0.0.1:${port}`));
    process.env['KONG_CHAOS_TIMEOUT_KUBE_REQUEST'] = '200';
    try {
      const started = Date.now();
      const error = await get(connect({ kubeconfigPath: path }), { apiVersion: 'v1', kind: 'Pod', namespace: 'kong', name: 'x' }).catch((e: unknown) => e);
      expect(Date.now() - started).to.be.below(2000);
      expect(error).to.be.instanceOf(EnvironmentError);
      expect((error as Error).message).to.equal('get Pod kong/x: no answer within 0.2s');
    } finally {
      delete process.env['KONG_CHAOS_TIMEOUT_KUBE_REQUEST'];
      silent.closeAllConnections();
      silent.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('k8s/wait conditions against a fake API server', () => {
  let api: FakeKubeApi;
  let kube: Kube;

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    kube = connect({ kubeconfigPath: await api.writeKubeconfig() });
  });
  afterEach(() => api.close());

  it('waits for a deployment\'s rollout to complete and says why it was not', async () => {
    // all new replicas Ready and Available=True, but an old replica still runs: kubectl rollout status waits
    api.upsert({
      ...echo,
      metadata: { ...echo.metadata, generation: 2 },
      status: { observedGeneration: 2, replicas: 2, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, conditions: [{ type: 'Available', status: 'True' }] },
    });
    const timedOut = await deploymentAvailable(kube, 'chaos', 'echo', { timeoutMs: 100, intervalMs: 20 }).catch((e: unknown) => e);
    expect((timedOut as Error).message).to.equal('timed out after 0.1s waiting for deployment chaos/echo to be available: 1 old replicas pending termination');
    setTimeout(
      () =>
        api.upsert({
          ...echo,
          metadata: { ...echo.metadata, generation: 2 },
          status: { observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Available', status: 'True' }] },
        }),
      200,
    );
    const available = await deploymentAvailable(kube, 'chaos', 'echo', { timeoutMs: 5000, intervalMs: 20 });
    expect(available.metadata.name).to.equal('echo');
  });

  it('waits for ready pods, ignoring pods being deleted, and finds one to forward to', async () => {
    api.upsert(pod('kong-a', true, { deletionTimestamp: '2025-03-01T10:00:00Z' }));
    api.upsert(pod('kong-b', false));
    const error = await podFor(kube, 'kong', 'app=kong').catch((e: unknown) => e);
    expect((error as Error).message).to.equal('no ready pod matching app=kong in kong (2 found)');
    setTimeout(() => api.upsert(pod('kong-b', true)), 100);
    const ready = await podsReady(kube, 'kong', 'app=kong', 1, { timeoutMs: 5000, intervalMs: 20 });
    expect(ready.map((p) => p.metadata.name)).to.deep.equal(['kong-b']);
    expect(await podFor(kube, 'kong', 'app=kong')).to.equal('kong-b');
  });
});
