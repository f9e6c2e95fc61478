import { oneLine, EnvironmentError } from '../errors.ts';
import type { Component, Observation } from '../evidence/types.ts';
import type { Cluster } from '../cluster/provider.ts';
import type { Kube } from '../k8s/client.ts';
import { apply, get, list, refOf, remove } from '../k8s/objects.ts';
import type { PodForwards } from '../k8s/pod-forwards.ts';
import { deploymentAvailable, isPodReady, Pending, waitFor } from '../k8s/wait.ts';
import type { AdminClient } from '../kong/admin.ts';
import type { KongInstallation } from '../kong/install.ts';
import { componentNames, KONG_NAMESPACE } from '../kong/names.ts';
import type { KubeObject } from '../manifests/types.ts';
import { runAdminQuery } from '../probes/admin-queries.ts';
import { readConditions, readIngressPublished } from '../probes/conditions.ts';
import { lastTermination, type ContainerStatus } from '../probes/container-state.ts';
import { GatewayPodProbe, KIC_DIAGNOSTICS_PORT, PROXY_PORT, PROXY_TLS_PORT, STATUS_PORT, type GatewayPod, type KicInstance } from '../probes/convergence.ts';
import { createConcurrently } from '../faults/concurrent.ts';
import { GATEWAY_STOP_COMMAND } from '../faults/container.ts';
import { describeNodeStep, nodeFaultSteps, nodeToFault, readyAfter, restartNodesSteps, runNodeStep, workerNodes, type NodeStep } from '../faults/node.ts';
import { dropConnectionsCommand, nothingToDrop } from '../faults/partition.ts';
import type { Signature } from '../judge/signatures.ts';
import * as docker from '../tools/docker.ts';
import { certificate } from '../tools/openssl.ts';
import { tlsSecret } from '../manifests/tls.ts';
import { ToolError } from '../tools/exec.ts';
import type { RouteChecker } from '../probes/route.ts';
import { gatewayApiInstallUrl } from '../targets/gateway-api.ts';
import { resolvePinned } from '../targets/pinned.ts';
import type { Target } from '../targets/target.ts';
import type { Versions } from '../targets/versions-types.ts';
import { applyUrlAdmitting, exec as execInContainer } from '../tools/kubectl.ts';
import { timeout } from '../timeouts.ts';
import { realClock } from './clock.ts';
import { DEFAULT_INTERVAL_MS, observeFor, observeUntilSignature } from './lifecycle.ts';
import type { Admission, AdminOperations, DatabaseFaults, GatewayApiApply, NodeFault, RouteProbe, Scenario, ScenarioContext, UpgradeChange } from './scenario.ts';

export interface RealContextDeps {
  scenario: Scenario;
  target: Target;
  variant: string | undefined;
  versions: Versions;
  cluster: Cluster;
  kube: Kube;
  kong: KongInstallation;
  admin: AdminClient;
  database: DatabaseFaults;
  routes: RouteChecker;
  /** port-forwards to single pods, for the gateway pod probe; the runner closes them */
  forwards: PodForwards;
  labels: Record<string, string>;
  /** registers a value with the run's redactor */
  addSecret: (...values: string[]) => void;
  record: (o: Observation) => void;
  /** everything on the run's timeline so far, streamed evidence included */
  entries: () => readonly Observation[];
  progress: (message: string) => void;
  signal: AbortSignal;
}

/** The ScenarioContext of a real run: every call goes to the cluster, Kong or Docker. */
export class RealContext implements ScenarioContext {
  readonly target: Target;
  readonly variant: string | undefined;
  readonly admin: AdminOperations;
  readonly database: DatabaseFaults;
  private readonly names;
  private readonly gatewayPods: GatewayPodProbe | undefined;

  constructor(private readonly d: RealContextDeps) {
    this.target = d.target;
    this.variant = d.variant;
    this.names = componentNames(d.target.topology);
    this.admin = d.admin;
    this.database = d.database;
    const wanted = d.scenario.probes.gatewayPods;
    // each pod's plain-HTTP proxy port: HTTPS routes are read by checkRoute, through one pod's TLS port
    const plain = (d.scenario.probes.routes ?? []).filter((r) => !r.tls);
    this.gatewayPods = wanted && new GatewayPodProbe({ locate: () => this.locatePods(wanted.kic ?? false) }, plain, wanted.kic ?? false);
  }

  /** Closes what the context opened for its probes. */
  async close(): Promise<void> {
    await this.gatewayPods?.close();
  }

  progress(message: string): void {
    this.d.progress(message);
  }

  record(entry: Observation): void {
    this.d.record(entry);
  }

  wait(ms: number): Promise<void> {
    return observeFor(ms, { ctx: this, clock: realClock, signal: this.d.signal }, this.d.scenario.probes.intervalMs ?? DEFAULT_INTERVAL_MS);
  }

  waitForSignature(signature: Signature, withinMs: number): Promise<boolean> {
    const entries = this.d.entries;
    const timeline = { record: (o: Observation) => this.record(o), get entries() { return entries(); } };
    return observeUntilSignature(signature, withinMs, { ctx: this, clock: realClock, signal: this.d.signal, timeline }, this.d.scenario.probes.intervalMs ?? DEFAULT_INTERVAL_MS);
  }

  async dropConnections(port: number): Promise<string[]> {
    if (!this.d.cluster.kindName) throw new EnvironmentError('dropping connections needs a kind cluster made by kong-chaos (its nodes are Docker containers)');
    const nodes = (await list(this.d.kube, { apiVersion: 'v1', kind: 'Node' })).map((n) => n.metadata.name);
    const command = dropConnectionsCommand(port);
    for (const node of nodes) {
      try {
        await docker.exec(node, command, { signal: this.d.signal });
      } catch (error) {
        if (!(error instanceof ToolError && nothingToDrop(error.stderrTail))) throw error;
      }
    }
    this.record({ kind: 'fault', at: Date.now(), name: 'drop-connections', detail: `${command.join(' ')} on ${nodes.join(', ')}` });
    return nodes;
  }

  async apply(objects: KubeObject[]): Promise<void> {
    await apply(this.d.kube, objects, { labels: this.d.labels });
  }

  async tlsSecret(namespace: string, name: string, hosts: string[]): Promise<void> {
    const ca = await certificate({ commonName: 'kong-chaos-tls-ca', usage: 'ca' });
    const serving = await certificate({ commonName: hosts[0]!, dnsNames: hosts, usage: 'server', issuer: ca });
    // the CA key signs nothing after this call, and is dropped with it
    this.d.addSecret(ca.key, serving.key);
    await this.apply([tlsSecret({ namespace, name, ...serving })]);
    await this.d.routes.trust(ca.cert);
  }

  /** Deletes and waits until the objects are gone, so a re-apply creates them anew. */
  async remove(objects: KubeObject[]): Promise<void> {
    const refs = objects.map(refOf);
    await remove(this.d.kube, refs);
    for (const ref of refs) {
      await waitFor(`${ref.kind} ${ref.name} to be deleted`, async () => (await get(this.d.kube, ref)) === undefined, { timeoutMs: timeout('kubeRequest') * 2, intervalMs: 250, signal: this.d.signal });
    }
  }

  async deletePods(component: Component): Promise<string[]> {
    const pods = await this.podsOf(component);
    await remove(this.d.kube, pods.map(refOf));
    return pods.map((p) => p.metadata.name);
  }

  async restartGatewayContainers(): Promise<string[]> {
    const pods = (await this.podsOf('gateway')).map((p) => p.metadata.name);
    const { container } = this.names.gateway;
    for (const pod of pods) {
      this.record({ kind: 'fault', at: Date.now(), name: 'container-restart', detail: `${GATEWAY_STOP_COMMAND.join(' ')} in ${pod}/${container}` });
      await execInContainer({ namespace: KONG_NAMESPACE, pod, container }, GATEWAY_STOP_COMMAND, this.d.cluster, { signal: this.d.signal });
    }
    return pods;
  }

  async restartDeployment(namespace: string, name: string): Promise<void> {
    // its own field manager: applying this partial object as `kong-chaos` would drop the fields
    // the full manifest set under that manager
    const patch: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: { template: { metadata: { annotations: { 'kong-chaos/restartedAt': new Date().toISOString() } } } },
    };
    await apply(this.d.kube, [patch], { fieldManager: 'kong-chaos-restart' });
    await deploymentAvailable(this.d.kube, namespace, name, { signal: this.d.signal });
  }

  upgrade(change: UpgradeChange): Promise<void> {
    return this.d.kong.upgrade(change);
  }

  createConcurrently(objects: KubeObject[]): Promise<Admission[]> {
    return createConcurrently(this.d.kube, objects, this.d.labels);
  }

  async applyGatewayApi(version: string): Promise<GatewayApiApply> {
    const pinned = resolvePinned('Gateway API', version, this.d.versions.gatewayApi.versions);
    const url = gatewayApiInstallUrl(this.d.versions, pinned);
    this.record({ kind: 'fault', at: Date.now(), name: 'gateway-api-apply', detail: url });
    const refusals = await applyUrlAdmitting(url, this.d.cluster, { signal: this.d.signal });
    return refusals.length === 0 ? { version: pinned, admitted: true } : { version: pinned, admitted: false, message: refusals[0]! };
  }

  async terminateNodeOf(component: Component, how: NodeFault = 'kill'): Promise<string> {
    this.needKindNodes('node termination');
    const node = nodeToFault(await this.podsOf(component), component);
    for (const step of nodeFaultSteps(node, how)) await this.runNodeWave(`node-${how}`, [step]);
    return node;
  }

  async restartWorkerNodes(): Promise<string[]> {
    this.needKindNodes('restarting nodes');
    const nodes = workerNodes(await list(this.d.kube, { apiVersion: 'v1', kind: 'Node' }));
    const { stop, start } = restartNodesSteps(nodes);
    await this.runNodeWave('node-restart', stop);
    const startedAt = Date.now();
    await this.runNodeWave('node-restart', start);
    await waitFor(
      `nodes ${nodes.join(', ')} Ready again after their restart`,
      async () => {
        const listed = await list(this.d.kube, { apiVersion: 'v1', kind: 'Node' });
        const behind = nodes.filter((name) => !listed.some((n) => n.metadata.name === name && readyAfter(n, startedAt)));
        return behind.length === 0 || new Pending(`not yet Ready from a restarted kubelet: ${behind.join(', ')}`);
      },
      { timeoutMs: timeout('rollout'), intervalMs: 2000, signal: this.d.signal },
    );
    return nodes;
  }

  private needKindNodes(what: string): void {
    if (!this.d.cluster.kindName) throw new EnvironmentError(`${what} needs a kind cluster made by kong-chaos (its nodes are Docker containers)`);
  }

  /** Node steps run together, each recorded on the timeline as it is issued. */
  private async runNodeWave(name: string, steps: readonly NodeStep[]): Promise<void> {
    for (const step of steps) this.record({ kind: 'fault', at: Date.now(), name, detail: describeNodeStep(step) });
    await Promise.all(steps.map((step) => runNodeStep(step, this.d.cluster, this.d.signal)));
  }

  /** One round of every probe the scenario declared, in parallel, each recorded as it answers. */
  async probe(): Promise<Observation[]> {
    const { scenario } = this.d;
    const jobs: Promise<Observation[]>[] = [
      ...(scenario.probes.routes ?? []).map(async (r) => [await this.checkRoute(r)]),
      ...(scenario.probes.conditions ?? []).map((c) => this.attempt(`conditions of ${c.kind} ${c.name}`, () => readConditions(this.d.kube, c))),
      ...(scenario.probes.ingresses ?? []).map((i) => this.attempt(`status of Ingress ${i.name}`, () => readIngressPublished(this.d.kube, i))),
      ...(scenario.probes.containers ?? []).map((c) => this.attempt(`containers of the ${c}`, () => this.readContainers(c))),
      ...(scenario.probes.admin ?? []).map((q) => this.attempt(`Admin API ${q}`, async () => [await runAdminQuery(q, this.d.admin, this.d.kube, scenario.namespace)])),
      ...(this.gatewayPods ? [this.attempt('gateway pods', () => this.gatewayPods!.round())] : []),
    ];
    const round = (await Promise.all(jobs)).flat();
    for (const o of round) this.record(o);
    return round;
  }

  /**
   * Plain HTTP through the proxy NodePort; HTTPS through a port-forward to a Ready gateway pod's
   * TLS port, since the chart gives the TLS proxy port a NodePort of its own choosing that kind
   * does not map to the host. No Ready gateway pod: HTTPS is not answered, which is what it reads.
   */
  private async checkRoute(r: RouteProbe): Promise<Observation> {
    if (!r.tls) return this.d.routes.check(r);
    const pod = (await this.podsOf('gateway')).find(isPodReady)?.metadata.name;
    if (!pod) return { kind: 'route', at: Date.now(), route: r.route, ok: false, error: 'no Ready gateway pod', latencyMs: 0 };
    const forwarded = new URL(await this.d.forwards.url(pod, PROXY_TLS_PORT));
    forwarded.protocol = 'https:';
    return this.d.routes.check(r, forwarded.href);
  }

  /** A probe that cannot answer says nothing either way; the gap is noted on the timeline. */
  private async attempt(what: string, body: () => Promise<Observation[]>): Promise<Observation[]> {
    try {
      return await body();
    } catch (error) {
      this.record({ kind: 'note', at: Date.now(), message: `${what} unavailable: ${oneLine(error)}` });
      return [];
    }
  }

  private async readContainers(component: Component): Promise<Observation[]> {
    const container = this.names[component].container;
    const pods = await this.podsOf(component);
    const at = Date.now();
    return pods.flatMap((pod) => {
      const statuses = ((pod['status'] as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? []).filter((s) => s.name === container);
      return statuses.map((s) => lastTermination(at, { kind: 'Pod', name: pod.metadata.name, namespace: KONG_NAMESPACE }, s));
    });
  }

  /** Every gateway pod (and KIC pod) of this moment, each reached through a port-forward of its own. */
  private async locatePods(kic: boolean): Promise<{ gateways: GatewayPod[]; controllers: KicInstance[] }> {
    const gateways = await this.podsOf('gateway');
    const controllers = kic ? (await this.podsOf('controller')).filter(isPodReady) : [];
    const { forwards } = this.d;
    await forwards.keepOnly([...gateways, ...controllers].map((p) => p.metadata.name));
    return {
      gateways: await Promise.all(
        gateways.map(async (p): Promise<GatewayPod> => {
          const pod = p.metadata.name;
          if (!isPodReady(p)) return { pod, ready: false };
          return { pod, ready: true, urls: { status: await forwards.url(pod, STATUS_PORT), proxy: await forwards.url(pod, PROXY_PORT) } };
        }),
      ),
      controllers: await Promise.all(controllers.map(async (p) => ({ pod: p.metadata.name, diagnosticsUrl: await forwards.url(p.metadata.name, KIC_DIAGNOSTICS_PORT) }))),
    };
  }

  private podsOf(component: Component): Promise<KubeObject[]> {
    return list(this.d.kube, { apiVersion: 'v1', kind: 'Pod', namespace: KONG_NAMESPACE, labelSelector: this.names[component].selector });
  }
}
