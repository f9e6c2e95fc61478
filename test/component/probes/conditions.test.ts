import { expect } from 'chai';
import { connect, type Kube } from '../../../harness/k8s/client.ts';
import { parentScope, readConditions } from '../../../harness/probes/conditions.ts';
import { FakeKubeApi } from '../../support/fake-kube-api.ts';

const HTTP_ROUTE = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', plural: 'httproutes', namespaced: true };

describe('probes/conditions: a route read per parent', () => {
  let api: FakeKubeApi;
  let kube: Kube;

  before(async () => {
    api = await FakeKubeApi.start({ kinds: [HTTP_ROUTE] });
    kube = connect({ kubeconfigPath: await api.writeKubeconfig() });
  });
  after(() => api.close());

  it("reads each parent's conditions under its own scope, as KIC writes status.parents", async () => {
    // two parents: the Gateway with the defaults the CRD fills in, and one listener of another
    api.upsert({
      apiVersion: HTTP_ROUTE.apiVersion,
      kind: 'HTTPRoute',
      metadata: { name: 'echo', namespace: 'chaos-crd-upgrade' },
      status: {
        parents: [
          {
            parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'kong', namespace: 'chaos-crd-upgrade' },
            controllerName: 'konghq.com/kic-gateway-controller',
            conditions: [
              { type: 'Accepted', status: 'True', reason: 'Accepted', message: '' },
              { type: 'Programmed', status: 'True', reason: 'ConfiguredInGateway' },
            ],
          },
          {
            parentRef: { name: 'other', sectionName: 'http' },
            controllerName: 'konghq.com/kic-gateway-controller',
            conditions: [{ type: 'Accepted', status: 'False', reason: 'NoMatchingParent', message: 'no listener matched' }],
          },
        ],
      },
    });
    const probe = { apiVersion: HTTP_ROUTE.apiVersion, kind: 'HTTPRoute', name: 'echo', namespace: 'chaos-crd-upgrade' };

    const entries = await readConditions(kube, { ...probe, parents: true });
    expect(entries.map((e) => [e.scope, e.type, e.status, e.reason])).to.deep.equal([
      ['parent/Gateway/chaos-crd-upgrade/kong', 'Accepted', 'True', 'Accepted'],
      ['parent/Gateway/chaos-crd-upgrade/kong', 'Programmed', 'True', 'ConfiguredInGateway'],
      ['parent/Gateway/chaos-crd-upgrade/other/http', 'Accepted', 'False', 'NoMatchingParent'],
    ]);
    expect(entries[0]!.object).to.deep.equal({ kind: 'HTTPRoute', name: 'echo', namespace: 'chaos-crd-upgrade' });
    // without `parents` a route has no top-level conditions to read
    expect(await readConditions(kube, probe)).to.deep.equal([]);
  });

  it('names a parentRef without kind or namespace as a Gateway in the route namespace', () => {
    expect(parentScope({ name: 'kong' }, 'ns')).to.equal('parent/Gateway/ns/kong');
    expect(parentScope({ kind: 'ListenerSet', namespace: 'other', name: 'ls', sectionName: 'https' }, 'ns')).to.equal('parent/ListenerSet/other/ls/https');
  });
});
