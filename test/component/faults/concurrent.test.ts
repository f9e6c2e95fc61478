import { expect } from 'chai';
import { createConcurrently } from '../../../harness/faults/concurrent.ts';
import { connect, type Kube } from '../../../harness/k8s/client.ts';
import type { KubeObject } from '../../../harness/manifests/types.ts';
import { FakeKubeApi } from '../../support/fake-kube-api.ts';

const NS = 'chaos-race';
const RUN_LABELS = { 'kong-chaos.run': 'r-race' };
const DELAY_MS = 400;

/** Same-key credentials as the race creates them; ConfigMaps stand in (the fake knows no Secrets). */
function credential(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, labels: { 'konghq.com/credential': 'key-auth' } }, data: { key: 'shared-key' } };
}

function consumer(name: string): KubeObject {
  return { apiVersion: 'configuration.konghq.com/v1', kind: 'KongPlugin', metadata: { name, namespace: NS }, plugin: 'key-auth' };
}

const WEBHOOK_DENIAL =
  'admission webhook "secrets.credentials.validation.ingress-controller.konghq.com" denied the request: unique key constraint violated for key-auth.key';

describe('faults/concurrent createConcurrently against a fake API server', () => {
  let api: FakeKubeApi;
  let kube: Kube;

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    kube = connect({ kubeconfigPath: await api.writeKubeconfig() });
  });
  afterEach(() => api.close());

  const patches = () => api.requests.filter((r) => r.method === 'PATCH');

  it('has all N create requests in flight at the same moment', async () => {
    api.responseDelayMs = DELAY_MS;
    const objects = ['a', 'b', 'c', 'd', 'e', 'f'].map(credential);
    const started = Date.now();
    const admissions = await createConcurrently(kube, objects, RUN_LABELS);
    expect(api.maxInFlight).to.equal(objects.length);
    expect(patches()).to.have.length(objects.length, 'one request per object');
    // one round of the delay, not one per object
    expect(Date.now() - started).to.be.below(DELAY_MS * 3);
    expect(admissions.every((a) => a.admitted)).to.equal(true);
  });

  it('records each answer in the order given, even when answers come back in another order', async () => {
    const names = ['first', 'second', 'third', 'fourth'];
    // the first object's answer arrives last
    api.responseDelayMs = (r) => (names.length - names.findIndex((n) => r.path.endsWith(`/${n}`))) * 100;
    api.refuseApply('second', { code: 400, message: WEBHOOK_DENIAL });
    api.refuseApply('fourth', { code: 403, reason: 'Forbidden', message: 'configmaps "fourth" is forbidden: not today' });
    const admissions = await createConcurrently(kube, names.map(credential), RUN_LABELS);
    // all overlapped, so with these delays the answers arrived last to first
    expect(api.maxInFlight).to.equal(names.length);
    expect(admissions).to.deep.equal([
      { object: `ConfigMap ${NS}/first`, admitted: true },
      { object: `ConfigMap ${NS}/second`, admitted: false, message: `apply ConfigMap ${NS}/second: 400: ${WEBHOOK_DENIAL}` },
      { object: `ConfigMap ${NS}/third`, admitted: true },
      { object: `ConfigMap ${NS}/fourth`, admitted: false, message: `apply ConfigMap ${NS}/fourth: 403 Forbidden: configmaps "fourth" is forbidden: not today` },
    ]);
    expect(api.getStored('v1', 'ConfigMap', NS, 'second')).to.equal(undefined);
    expect(api.getStored('v1', 'ConfigMap', NS, 'fourth')).to.equal(undefined);
  });

  it('a refusal does not stop the others: every object gets its own request and answer', async () => {
    api.refuseApply('bad', { code: 400, message: WEBHOOK_DENIAL });
    const objects = [credential('bad'), consumer('kc-1'), credential('good')];
    const admissions = await createConcurrently(kube, objects, RUN_LABELS);
    expect(admissions.map((a) => a.admitted)).to.deep.equal([false, true, true]);
    expect(patches().map((r) => r.path).sort()).to.deep.equal([
      `/api/v1/namespaces/${NS}/configmaps/bad`,
      `/api/v1/namespaces/${NS}/configmaps/good`,
      `/apis/configuration.konghq.com/v1/namespaces/${NS}/kongplugins/kc-1`,
    ]);
  });

  it('applies the run labels over each object\'s own, server-side, without changing the caller\'s objects', async () => {
    const objects = [credential('one'), consumer('kc-2')];
    await createConcurrently(kube, objects, RUN_LABELS);
    expect(api.getStored('v1', 'ConfigMap', NS, 'one')?.metadata['labels']).to.deep.equal({ 'konghq.com/credential': 'key-auth', 'kong-chaos.run': 'r-race' });
    expect(api.getStored('configuration.konghq.com/v1', 'KongPlugin', NS, 'kc-2')?.metadata['labels']).to.deep.equal({ 'kong-chaos.run': 'r-race' });
    for (const patch of patches()) {
      expect(patch.headers['content-type']).to.equal('application/apply-patch+yaml');
      expect(patch.query.get('fieldManager')).to.equal('kong-chaos');
    }
    expect(objects[0]!.metadata.labels).to.deep.equal({ 'konghq.com/credential': 'key-auth' });
  });
});
