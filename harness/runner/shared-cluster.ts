/**
 * What a run owes a cluster that outlives it (a `--reuse-cluster` kind cluster, a matrix group's
 * shared cluster, or the user's own): find it in the state the previous run left, and hand it
 * back as it was found.
 */
import type { Kube, KubeObject, ObjectRef } from '../k8s/client.ts';
import { describeRef, get, list, refOf, remove } from '../k8s/objects.ts';
import { Pending, waitFor } from '../k8s/wait.ts';
import { namespace } from '../manifests/backend.ts';
import { timeout } from '../timeouts.ts';

/** The API group of KIC's own CRDs (charts/kong/crds/custom-resource-definitions.yaml@kong-3.4.1). */
export const KONG_CRD_SUFFIX = '.configuration.konghq.com';
const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' } as const;

export interface HandBack {
  kube: Kube;
  /** `helm uninstall` of the run's releases, bound to `signal` */
  uninstall: (signal: AbortSignal) => Promise<void>;
  /** cluster-scoped objects the scenario made (a GatewayClass, a CRD's objects …) */
  clusterScoped: readonly ObjectRef[];
  namespaces: readonly string[];
  /** teardown's own deadline, never the run's signal: after Ctrl-C that one is already aborted */
  signal: AbortSignal;
}

/**
 * Uninstalls Kong, removes the scenario's objects and namespaces, and waits until the namespaces
 * are gone: `helm uninstall` leaves the Kong pods terminating in the background (their preStop
 * `kong quit --wait=15` within terminationGracePeriodSeconds 30, charts/kong/values.yaml@kong-3.4.1),
 * and the next install into a namespace still terminating is refused. The namespaces are removed
 * even when the uninstall fails, so one failed step does not leak the rest.
 */
export async function handBack(h: HandBack): Promise<void> {
  try {
    await h.uninstall(h.signal);
  } finally {
    try {
      await remove(h.kube, h.clusterScoped);
    } finally {
      const refs = h.namespaces.map((n) => refOf(namespace(n)));
      await remove(h.kube, refs);
      await waitGone(h.kube, refs, h.signal);
    }
  }
}

/**
 * Before installing on a cluster that outlives runs: a namespace a previous run removed (or was
 * removing when a second Ctrl-C cut it short) must be gone first.
 */
export async function awaitTerminatingNamespaces(kube: Kube, namespaces: readonly string[], signal?: AbortSignal): Promise<void> {
  await waitFor('namespaces removed by an earlier run to be gone', async () => {
    const terminating: string[] = [];
    for (const n of namespaces) if ((await get(kube, refOf(namespace(n))))?.metadata.deletionTimestamp) terminating.push(n);
    return terminating.length === 0 || new Pending(`still terminating: ${terminating.join(', ')}`);
  }, { timeoutMs: timeout('namespaceGone'), ...(signal ? { signal } : {}) });
}

/**
 * Deletes every KIC CRD (`*.configuration.konghq.com`) and waits until they are gone, for a case
 * that must start from the chart's own CRDs or none. Helm installs a chart's `crds/` only when
 * absent (pkg/action/install.go@v3.18.6, installCRDs: "already present. Skipping") and never
 * deletes them (pkg/action/uninstall.go@v3.18.6 deletes only the release manifest, which holds
 * no `crds/` objects), so an earlier run's CRDs would otherwise stay. Returns the names removed.
 */
export async function removeKongCrds(kube: Kube, signal?: AbortSignal): Promise<string[]> {
  const crds = (await list(kube, CRD)).filter((c) => c.metadata.name.endsWith(KONG_CRD_SUFFIX)).map(refOf);
  await remove(kube, crds);
  await waitGone(kube, crds, signal);
  return crds.map((c) => c.name);
}

async function waitGone(kube: Kube, refs: readonly ObjectRef[], signal?: AbortSignal): Promise<void> {
  if (refs.length === 0) return;
  await waitFor(`${refs.map(describeRef).join(', ')} to be gone`, async () => {
    const left: KubeObject[] = [];
    for (const r of refs) {
      const found = await get(kube, r);
      if (found) left.push(found);
    }
    return left.length === 0 || new Pending(`still there: ${left.map((o) => describeRef(refOf(o))).join(', ')}`);
  }, { timeoutMs: timeout('namespaceGone'), ...(signal ? { signal } : {}) });
}

/**
 * The policy and binding the Gateway API standard install brings from v1.5, both named so
 * (config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml@v1.5.1 and @v1.6.1).
 */
export const SAFE_UPGRADES_POLICY = 'safe-upgrades.gateway.networking.k8s.io';
const ADMISSION = 'admissionregistration.k8s.io/v1';

/**
 * Deletes the safe-upgrades policy and its binding, if an earlier run left them, and waits until
 * they are gone, for a case that must install Gateway API CRDs older than v1.5 first: the policy
 * refuses them (a CRD whose bundle-version is before v1.5, v1.6 before v1.6), and Gateway API's
 * advice for a downgrade is to delete it first (CHANGELOG/1.5-CHANGELOG.md@v1.5.1). Returns what
 * was removed, as Kind/name.
 */
export async function removeSafeUpgradesPolicy(kube: Kube, signal?: AbortSignal): Promise<string[]> {
  const refs: ObjectRef[] = [];
  for (const kind of ['ValidatingAdmissionPolicyBinding', 'ValidatingAdmissionPolicy']) {
    const ref = { apiVersion: ADMISSION, kind, name: SAFE_UPGRADES_POLICY };
    if (await get(kube, ref)) refs.push(ref);
  }
  await remove(kube, refs);
  await waitGone(kube, refs, signal);
  return refs.map((r) => `${r.kind}/${r.name}`);
}
