import { expect } from 'chai';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Observation } from '../../../harness/evidence/types.ts';
import { connect, type Kube } from '../../../harness/k8s/client.ts';
import { PodForwards } from '../../../harness/k8s/pod-forwards.ts';
import { componentNames, KONG_NAMESPACE } from '../../../harness/kong/names.ts';
import { PROXY_TLS_PORT } from '../../../harness/probes/convergence.ts';
import { RouteChecker } from '../../../harness/probes/route.ts';
import { RealContext, type RealContextDeps } from '../../../harness/runner/context.ts';
import { defineScenario } from '../../../harness/runner/scenario.ts';
import { resolveTarget } from '../../../harness/targets/target.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';
import { FakeKubeApi } from '../../support/fake-kube-api.ts';

const HOST = 'sni.chaos.test';
const GATEWAY_POD = 'kong-gateway-5f7d8c9b6-h4k2m';

/**
 * The real context's HTTPS route probe and tlsSecret, through a fake API server: the Secret it
 * applies is what a local HTTPS server (standing in for Kong's TLS listener) serves, reached
 * through a port-forward to the gateway pod's TLS port.
 */
describe('runner/context: tlsSecret and HTTPS route probes (real openssl, fake API server)', function () {
  this.timeout(30_000);
  let api: FakeKubeApi;
  let kube: Kube;
  let proxy: Server | undefined;
  let routes: RouteChecker;
  let forwards: PodForwards;

  beforeEach(async () => {
    api = await FakeKubeApi.start({ kinds: [{ apiVersion: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true }] });
    kube = connect({ kubeconfigPath: await api.writeKubeconfig() });
    routes = new RouteChecker('http://127.0.0.1:1');
    forwards = new PodForwards(kube, KONG_NAMESPACE);
  });
  afterEach(async () => {
    await routes.close();
    await forwards.close();
    proxy?.closeAllConnections();
    proxy?.close();
    proxy = undefined;
    await api.close();
  });

  function context(secrets: string[], recorded: Observation[]): RealContext {
    const scenario = defineScenario({
      id: 'tls-probe',
      title: 'tls probe',
      namespace: 'chaos-sni',
      sources: [],
      requires: { modes: ['dbless'], topologies: ['split'] },
      signatures: [],
      expectations: { '*': 'observe' },
      probes: { routes: [{ route: `https://${HOST}/tls-echo`, path: '/tls-echo', host: HOST, tls: true }] },
      window: { observeMs: 1_000 },
      manifests: () => [],
      setup: { describe: '', run: async () => undefined },
      fault: { describe: '', run: async () => undefined },
    });
    const target = resolveTarget(loadVersions(), scenario.requires, {}, scenario.id);
    const deps = {
      scenario,
      target,
      variant: undefined,
      kube,
      routes,
      forwards,
      labels: { 'kong-chaos.run': 'test' },
      addSecret: (...values: string[]) => void secrets.push(...values),
      record: (o: Observation) => void recorded.push(o),
      entries: () => recorded,
      progress: () => undefined,
      signal: new AbortController().signal,
    } as unknown as RealContextDeps;
    return new RealContext(deps);
  }

  function gatewayPod(ready: boolean) {
    const names = componentNames('split').gateway;
    api.upsert({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: GATEWAY_POD, namespace: KONG_NAMESPACE, labels: names.labels },
      status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
  }

  /** Kong's TLS listener, serving the certificate of the Secret the context applied. */
  async function serveSecret(): Promise<void> {
    const secret = api.getStored('v1', 'Secret', 'chaos-sni', 'sni-cert')!;
    const data = secret['stringData'] as Record<string, string>;
    proxy = createServer({ cert: data['tls.crt'], key: data['tls.key'] }, (req, res) => res.writeHead(req.headers.host === HOST ? 200 : 404).end());
    await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
    api.forwardPod(KONG_NAMESPACE, GATEWAY_POD, PROXY_TLS_PORT, (proxy!.address() as AddressInfo).port);
  }

  it('applies a kubernetes.io/tls Secret for the hosts, registers its key, and probes HTTPS with it through the gateway pod', async () => {
    const secrets: string[] = [];
    const recorded: Observation[] = [];
    const ctx = context(secrets, recorded);
    await ctx.tlsSecret('chaos-sni', 'sni-cert', [HOST]);

    const secret = api.getStored('v1', 'Secret', 'chaos-sni', 'sni-cert')!;
    expect(secret['type']).to.equal('kubernetes.io/tls');
    const data = secret['stringData'] as Record<string, string>;
    expect(data['tls.crt']).to.match(/^-----BEGIN CERTIFICATE-----/);
    expect(secrets).to.include(data['tls.key']);
    expect(secrets.every((s) => /PRIVATE KEY/.test(s))).to.equal(true);

    gatewayPod(true);
    await serveSecret();
    const [entry] = await ctx.probe();
    expect(entry).to.include({ kind: 'route', route: `https://${HOST}/tls-echo`, ok: true, status: 200 });
    expect(api.requests.some((r) => r.path === `/api/v1/namespaces/${KONG_NAMESPACE}/pods/${GATEWAY_POD}/portforward` && r.query.get('ports') === String(PROXY_TLS_PORT))).to.equal(true);
  });

  it('reads HTTPS as not answered while no gateway pod is Ready', async () => {
    const ctx = context([], []);
    await ctx.tlsSecret('chaos-sni', 'sni-cert', [HOST]);
    gatewayPod(false);
    const [entry] = await ctx.probe();
    expect(entry).to.include({ kind: 'route', ok: false, error: 'no Ready gateway pod' });
  });
});
