/**
 * Handing a cluster that outlives the run back as it was found (runner/shared-cluster.ts),
 * against a fake API server and a stub helm.
 */
import { expect } from 'chai';
import { connect, type Kube } from '../../../harness/k8s/client.ts';
import { apply, get } from '../../../harness/k8s/objects.ts';
import { awaitTerminatingNamespaces, handBack, removeKongCrds, removeSafeUpgradesPolicy, SAFE_UPGRADES_POLICY } from '../../../harness/runner/shared-cluster.ts';
import * as helm from '../../../harness/tools/helm.ts';
import { FakeKubeApi } from '../../support/fake-kube-api.ts';
import { StubTools } from '../../support/stub-tools.ts';

const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };
const ns = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...extra } });
const crd = (name: string) => ({ ...CRD, metadata: { name } });
const VAP = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy' };
const VAP_BINDING = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding' };

describe('runner/shared-cluster (fake API, stub helm)', function () {
  this.timeout(20_000);
  let api: FakeKubeApi;
  let kube: Kube;
  let stubs: StubTools;
  let kubeconfigPath: string;

  beforeEach(async () => {
    api = await FakeKubeApi.start({
      kinds: [
        { ...CRD, plural: 'customresourcedefinitions', namespaced: false },
        { ...VAP, plural: 'validatingadmissionpolicies', namespaced: false },
        { ...VAP_BINDING, plural: 'validatingadmissionpolicybindings', namespaced: false },
      ],
    });
    kubeconfigPath = await api.writeKubeconfig();
    kube = connect({ kubeconfigPath });
    stubs = await StubTools.install(['helm']);
  });
  afterEach(async () => {
    delete process.env.KONG_CHAOS_TIMEOUT_NAMESPACE_GONE;
    await stubs.restore();
    await api.close();
  });

  const uninstall = (signal: AbortSignal) => helm.uninstall({ release: 'kong', namespace: 'kong', wait: true, cluster: { kubeconfigPath, context: 'fake' } }, { signal });

  it('removes the namespaces even when helm uninstall fails, and still reports the failure', async () => {
    api.upsert(ns('kong'));
    api.upsert(ns('chaos-gw'));
    stubs.behave('helm', { exitCode: 1, stderr: 'Error: uninstall: Release not loaded: kong: release: not found', whenFirstArg: 'uninstall' });
    const error = await handBack({ kube, uninstall, clusterScoped: [], namespaces: ['chaos-gw', 'kong'], signal: AbortSignal.timeout(10_000) }).then(() => undefined, (e: unknown) => e);
    expect(String(error)).to.match(/helm uninstall kong .*failed \(exit 1\): Error: uninstall: Release not loaded/);
    expect(await get(kube, { apiVersion: 'v1', kind: 'Namespace', name: 'kong' }), 'namespace kong').to.equal(undefined);
    expect(await get(kube, { apiVersion: 'v1', kind: 'Namespace', name: 'chaos-gw' }), 'namespace chaos-gw').to.equal(undefined);
  });

  it('uninstalls on the named cluster and context, then removes cluster-scoped objects and namespaces', async () => {
    api.upsert(ns('kong'));
    api.upsert(crd('widgets.example.test'));
    await handBack({ kube, uninstall, clusterScoped: [{ ...CRD, name: 'widgets.example.test' }], namespaces: ['kong'], signal: AbortSignal.timeout(10_000) });
    expect(await stubs.lines()).to.deep.equal([`helm uninstall kong --namespace kong --ignore-not-found --wait --kubeconfig ${kubeconfigPath} --kube-context fake`]);
    expect(await get(kube, { ...CRD, name: 'widgets.example.test' })).to.equal(undefined);
    expect(await get(kube, { apiVersion: 'v1', kind: 'Namespace', name: 'kong' })).to.equal(undefined);
  });

  it('before an install, waits while an earlier run\'s namespace is still terminating', async () => {
    api.upsert(ns('kong', { deletionTimestamp: new Date().toISOString() }));
    api.upsert(ns('chaos-gw'));
    let done = false;
    const waiting = awaitTerminatingNamespaces(kube, ['chaos-gw', 'kong']).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(done, 'went on while namespace kong was terminating').to.equal(false);
    await kube.objects.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kong' } });
    await waiting;
    expect(done).to.equal(true);
  });

  it('names the namespace that stays terminating past the deadline', async () => {
    process.env.KONG_CHAOS_TIMEOUT_NAMESPACE_GONE = '1500';
    api.upsert(ns('kong', { deletionTimestamp: new Date().toISOString() }));
    const error = await awaitTerminatingNamespaces(kube, ['kong']).then(() => undefined, (e: unknown) => e);
    expect(String(error)).to.match(/timed out after .* waiting for namespaces removed by an earlier run to be gone: still terminating: kong/);
  });

  it('removes every *.configuration.konghq.com CRD and nothing else', async () => {
    await apply(kube, [crd('kongplugins.configuration.konghq.com'), crd('kongingresses.configuration.konghq.com'), crd('httproutes.gateway.networking.k8s.io')]);
    const removed = await removeKongCrds(kube);
    expect(removed.sort()).to.deep.equal(['kongingresses.configuration.konghq.com', 'kongplugins.configuration.konghq.com']);
    expect(await get(kube, { ...CRD, name: 'httproutes.gateway.networking.k8s.io' })).to.not.equal(undefined);
    expect(await get(kube, { ...CRD, name: 'kongplugins.configuration.konghq.com' })).to.equal(undefined);
  });

  it("removes the Gateway API safe-upgrades policy and its binding an earlier run left, and no other policy", async () => {
    // as the v1.5.1 standard install names them (gateway.networking.k8s.io_vap_safeupgrades.yaml@v1.5.1)
    await apply(kube, [
      { ...VAP, metadata: { name: SAFE_UPGRADES_POLICY }, spec: { failurePolicy: 'Fail' } },
      { ...VAP_BINDING, metadata: { name: SAFE_UPGRADES_POLICY }, spec: { policyName: SAFE_UPGRADES_POLICY, validationActions: ['Deny'] } },
      { ...VAP, metadata: { name: 'someone-elses-policy' }, spec: { failurePolicy: 'Fail' } },
    ]);
    expect(await removeSafeUpgradesPolicy(kube)).to.deep.equal([`ValidatingAdmissionPolicyBinding/${SAFE_UPGRADES_POLICY}`, `ValidatingAdmissionPolicy/${SAFE_UPGRADES_POLICY}`]);
    expect(await get(kube, { ...VAP, name: SAFE_UPGRADES_POLICY })).to.equal(undefined);
    expect(await get(kube, { ...VAP_BINDING, name: SAFE_UPGRADES_POLICY })).to.equal(undefined);
    expect(await get(kube, { ...VAP, name: 'someone-elses-policy' })).to.not.equal(undefined);
    // a cluster that never had Gateway API 1.5+: nothing to remove
    expect(await removeSafeUpgradesPolicy(kube)).to.deep.equal([]);
  });
});
