import type { Component, Observation } from '../evidence/types.ts';
import type { ExpectationTable } from '../judge/expectations.ts';
import type { Signature } from '../judge/signatures.ts';
import type { Requirements, Target } from '../targets/target.ts';
import type { KubeObject } from '../manifests/types.ts';
import type { Values } from '../kong/values.ts';

/** Cluster shapes, each a file in kind-config/. */
export type ClusterShape = 'single-node' | 'multi-node';

/** A request through the Kong proxy that a scenario watches (`route` signatures read it). */
export interface RouteProbe {
  route: string;
  path: string;
  host?: string;
  /** the status a healthy route answers; anything else reads as unreachable */
  expectStatus?: number;
  /**
   * over HTTPS to the proxy's TLS port, with `host` as the TLS server name (SNI), verifying the
   * served certificate against the CAs of the run's TLS Secrets (ScenarioContext.tlsSecret)
   */
  tls?: boolean;
}

/**
 * An object whose status conditions are read into the timeline. `listeners` also reads Gateway
 * listener conditions; `parents` a route's conditions per parent (`status.parents[]`).
 */
export interface ConditionProbe {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  listeners?: boolean;
  parents?: boolean;
}

/** Admin API state the runner snapshots by name; see probes/admin-queries.ts. */
export type AdminQueryName = 'upstream-targets' | 'plugins' | 'entity-counts';

/** An Ingress whose `status.loadBalancer` is read as a `Published` condition (see probes/conditions.ts). */
export interface IngressProbe {
  namespace: string;
  name: string;
}

/**
 * Every gateway pod read directly, not through the Service: Kong's own configuration hash and
 * the scenario's routes (`convergence` signatures read it, see judge/convergence.ts). `kic` also
 * reads what each KIC instance last pushed successfully, from its diagnostics server, which
 * only KIC's `--dump-config` starts (the scenario's install values must set it).
 */
export interface GatewayPodsProbe {
  kic?: boolean;
}

export interface Probes {
  routes?: RouteProbe[];
  gatewayPods?: GatewayPodsProbe;
  /** the components whose container restarts are read (probes/container-state.ts `LastTermination`) */
  containers?: Component[];
  conditions?: ConditionProbe[];
  ingresses?: IngressProbe[];
  admin?: AdminQueryName[];
  intervalMs?: number;
}

/** What a scenario may do to the system. The runner gives a real one; tests give a fake. */
export interface ScenarioContext {
  readonly target: Target;
  readonly variant: string | undefined;
  progress(message: string): void;
  apply(objects: KubeObject[]): Promise<void>;
  remove(objects: KubeObject[]): Promise<void>;
  /** deletes the pods of a component; resolves with their names once the API accepted it */
  deletePods(component: Component): Promise<string[]>;
  /**
   * stops Kong inside every gateway pod (faults/container.ts); the kubelet starts the container
   * again in the same pod, which keeps its name and IP; resolves with the pod names
   */
  restartGatewayContainers(): Promise<string[]>;
  /** `kubectl rollout restart` of a Deployment and a wait for it to finish */
  restartDeployment(namespace: string, name: string): Promise<void>;
  /**
   * `helm upgrade` of the installed release(s) with a new KIC and/or Kong image and optional
   * value overrides per release (kept for later upgrades); values otherwise unchanged
   */
  upgrade(change: UpgradeChange): Promise<void>;
  /** server-side applies every object at the same moment, one request each; never throws for a rejection */
  createConcurrently(objects: KubeObject[]): Promise<Admission[]>;
  /**
   * applies a pinned Gateway API release's standard install (CRDs and, from 1.5, the safe-upgrades
   * ValidatingAdmissionPolicy) over what the cluster holds; never throws for an admission refusal
   */
  applyGatewayApi(version: string): Promise<GatewayApiApply>;
  /**
   * a node fault on the kind worker node running one of the component's Running pods: `kill` is a Karpenter-style
   * termination (docker kill, then the Node object deleted as a cloud autoscaler would);
   * `restart` stops and starts the node container
   */
  terminateNodeOf(component: Component, how?: NodeFault): Promise<string>;
  /**
   * stops every kind worker node container at once, then starts them all, and resolves with
   * their names once every one is Ready again as reported by its restarted kubelet
   */
  restartWorkerNodes(): Promise<string[]>;
  /** faults of the run's Postgres (DB mode only) */
  database: DatabaseFaults;
  admin: AdminOperations;
  /** one round of the scenario's probes, recorded on the timeline */
  probe(): Promise<Observation[]>;
  /** lets `ms` pass while the scenario's probes keep running, e.g. to hold a fault for a while */
  wait(ms: number): Promise<void>;
  /**
   * lets up to `withinMs` pass as wait() does, and resolves true as soon as evidence recorded
   * from now on (a log line, an Event, a probe) reads bad on `signature`: proof that a fault took
   */
  waitForSignature(signature: Signature, withinMs: number): Promise<boolean>;
  /**
   * deletes the conntrack entries of TCP connections to `port` on every kind node, so that a
   * NetworkPolicy applies to connections opened before it too; resolves with the node names
   */
  dropConnections(port: number): Promise<string[]>;
  record(entry: Observation): void;
  /**
   * makes a CA and a serving certificate for `hosts` (DNS SANs) and applies them as a
   * kubernetes.io/tls Secret; the key is a secret of the run, and HTTPS route probes trust the CA
   */
  tlsSecret(namespace: string, name: string, hosts: string[]): Promise<void>;
}

export interface UpgradeChange {
  kic?: string;
  gateway?: string;
  /** deep-merged over the values of the named release */
  values?: Record<string, Values>;
  /**
   * wait for the rollout (default); false returns once Helm accepted the upgrade, for faults
   * whose point is that the new pods never become Ready
   */
  wait?: boolean;
}

export type NodeFault = 'kill' | 'restart';

/** What the API server said to one of several objects created at once. */
export interface Admission {
  object: string;
  admitted: boolean;
  message?: string;
}

/** What the API server said to a Gateway API release's standard install. */
export interface GatewayApiApply {
  version: string;
  admitted: boolean;
  /** the first refusal, as the API server worded it */
  message?: string;
}

export interface DatabaseFaults {
  /** cut every connection to Postgres (Toxiproxy disables the proxy) */
  cut(): Promise<void>;
  /** undo cut() and latency() */
  restore(): Promise<void>;
  /** add latency to every answer from Postgres */
  latency(ms: number): Promise<void>;
  /** stop and start the Postgres container itself */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** The Admin API operations scenarios use (remediations, hand-made entities). */
export interface AdminOperations {
  listPlugins(): Promise<{ id: string; name: string; tags?: string[] | null }[]>;
  deletePlugin(id: string): Promise<void>;
  /** creates a plugin under `scope`: '' (global), `/services/<id or name>`, `/routes/<id or name>` */
  createPlugin(scope: string, body: { name: string; config?: Record<string, unknown>; tags?: string[] }): Promise<{ id: string }>;
  /** every entity of a collection, e.g. `/services` */
  list(path: string): Promise<{ id: string; name?: string; tags?: string[] | null; [field: string]: unknown }[]>;
}

export interface Variant {
  description: string;
  shape?: ClusterShape;
  requires?: Partial<Requirements>;
  expectations?: ExpectationTable;
  fault?: Step;
}

export interface Step {
  describe: string;
  run(ctx: ScenarioContext): Promise<void>;
}

export interface InstallChoices {
  /** the KIC version to install first, when the fault is an upgrade to the target's version */
  initialKic?: string;
  /** the Kong Gateway version to install first, when the fault upgrades Kong */
  initialGateway?: string;
  gatewayReplicas?: number;
  gatewayApi?: boolean;
  /** `helm install --skip-crds`: KIC starts without its CRDs */
  skipCrds?: boolean;
  /**
   * the fault deletes KIC CRDs: the case must start from the chart's own CRDs, and leaves the
   * cluster without them
   */
  deletesCrds?: boolean;
  /**
   * the Gateway API release to install before KIC starts, when the fault moves the CRDs to the
   * target's release (set with `gatewayApi`)
   */
  initialGatewayApi?: string;
  /** put Toxiproxy between Kong and Postgres, for cut-offs and latency */
  databaseProxy?: boolean;
  /**
   * an mTLS Admin API that KIC verifies by name (split topology): the install makes a CA, the
   * gateway's server certificate and KIC's client certificate (kong/values.ts adminTlsValues)
   */
  adminTls?: boolean;
  /**
   * false: the install returns once Helm accepted the releases, without waiting for the rollout,
   * for a case whose pods may never become Ready (a DB-less KIC is Ready only after its first
   * successful push, internal/dataplane/synchronizer.go@v3.5.13 IsReady)
   */
  awaitRollout?: boolean;
  /** deep-merged over the values of the named release */
  values?: Record<string, Values>;
}

/**
 * A case that installs without KIC's CRDs or deletes some must not meet CRDs an earlier case left:
 * Helm installs a chart's CRDs only when absent and never deletes them (pkg/action/install.go and
 * pkg/action/uninstall.go@v3.18.6). Such a case gets a cluster of its own in the matrix, and on a
 * cluster that outlives runs the CRDs are removed before the install.
 */
export function needsOwnCrds(install: InstallChoices): boolean {
  return Boolean(install.skipCrds || install.deletesCrds);
}

/**
 * A case that moves the Gateway API CRDs itself must start from its initial release: a cluster
 * that another case left on 1.5+ refuses older CRDs for good (targets/gateway-api.ts), and this
 * case leaves the cluster on the newer release. Such a case gets a cluster of its own in the
 * matrix, never runs on a cluster the user brings, and on a kind cluster that outlives runs
 * (`--reuse-cluster`) the policy an earlier run left is removed before the install.
 */
export function changesGatewayApiCrds(install: InstallChoices): boolean {
  return install.initialGatewayApi !== undefined;
}

export interface Scenario {
  id: string;
  title: string;
  sources: string[];
  /** where the scenario's own objects live; watched for Events and used by Admin API queries */
  namespace: string;
  requires: Requirements;
  shape: ClusterShape;
  variants: Record<string, Variant>;
  signatures: Signature[];
  /** keyed by semver ranges over the KIC version */
  expectations: ExpectationTable;
  /**
   * false for a check that watches other failure modes' symptoms (the upgrade gate): `diagnose`
   * attributes a symptom to failure modes, not to checks
   */
  diagnosable?: boolean;
  probes: Probes;
  window: { observeMs: number; recoverMs?: number };
  install(target: Target, variant: string | undefined): InstallChoices;
  manifests(target: Target, variant: string | undefined): KubeObject[];
  setup: Step;
  fault: Step;
  remediation?: Step;
  /**
   * runs after the observation (and recovery) whatever the outcome, to undo what the fault left
   * that teardown would not (e.g. a NetworkPolicy on a cluster the user brought)
   */
  cleanup?: Step;
}

export function defineScenario(s: Omit<Scenario, 'variants' | 'shape' | 'install'> & Partial<Pick<Scenario, 'variants' | 'shape' | 'install'>>): Scenario {
  return { variants: {}, shape: 'single-node', install: () => ({}), ...s };
}
