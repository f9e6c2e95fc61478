import { changesGatewayApiCrds, needsOwnCrds, type ClusterShape } from '../runner/scenario.ts';
import { blocksOlderGatewayApi } from '../targets/gateway-api.ts';
import type { NodeImage } from '../targets/versions-types.ts';
import { compareKeys, type MatrixCase } from './expand.ts';

/**
 * Cases that can share one kind cluster, run one after the other on it. The cluster is created
 * once and Kong is installed afresh by each run; `cold` groups hold a single case that must have
 * a cluster of its own.
 */
export interface ClusterGroup {
  key: string;
  k8s: NodeImage;
  shape: ClusterShape;
  /** the Gateway API release (1.5+) whose cases have this cluster to themselves, if any */
  gatewayApi?: string;
  cold: boolean;
  cases: MatrixCase[];
}

/**
 * The multi-node shape exists for node faults (kind-config/multi-node.yaml): a run on it kills or
 * restarts a node, which leaves the cluster short of a node for whatever runs next. A case that
 * installs without KIC's CRDs or deletes some would meet the CRDs an earlier case left (Helm
 * never deletes them; see needsOwnCrds) or take them from the next one. A case that moves the
 * Gateway API CRDs starts from an older release than a cluster of its target's release holds and
 * leaves it on the newer one (changesGatewayApiCrds). Such cases get a cold cluster; every other
 * one shares.
 */
export function needsColdCluster(c: MatrixCase): boolean {
  return coldReason(c) !== undefined;
}

/** Why a case needs a cluster of its own (see needsColdCluster), for the matrix plan; undefined when it shares. */
export function coldReason(c: MatrixCase): string | undefined {
  const install = c.scenario.install(c.target, c.variant);
  if (c.shape === 'multi-node') return 'the case damages its nodes';
  if (needsOwnCrds(install)) return 'the case must not meet KIC CRDs an earlier case left';
  if (changesGatewayApiCrds(install)) return `the case moves the Gateway API CRDs from ${install.initialGatewayApi}`;
  return undefined;
}

/**
 * Cases with the same key share a cluster. A case that installs Gateway API 1.5 or newer leaves
 * its safe-upgrades admission policy and CRDs behind (kubectl apply; nothing removes them), and
 * from then on the cluster refuses the 1.3.0 CRDs a later case would apply (targets/gateway-api.ts),
 * so each such release gets clusters of its own, never shared with a 1.3.0 case; nor with
 * another 1.5+ release, so that no case starts from CRDs newer than its own.
 */
export function shapeKey(c: MatrixCase): string {
  const base = `k8s${c.target.k8s.k8s}/${c.shape}`;
  const apart = apartForGatewayApi(c);
  return apart ? `${base}/gateway-api-${apart}` : base;
}

/** The Gateway API release that keeps the case off clusters shared with older ones, if any. */
function apartForGatewayApi(c: MatrixCase): string | undefined {
  const installsGatewayApi = c.scenario.install(c.target, c.variant).gatewayApi === true;
  return installsGatewayApi && blocksOlderGatewayApi(c.target.gatewayApi) ? c.target.gatewayApi : undefined;
}

/** Groups in key order, cases inside a group in key order: the same input always runs the same way. */
export function groupCases(cases: readonly MatrixCase[]): ClusterGroup[] {
  const shared = new Map<string, ClusterGroup>();
  const groups: ClusterGroup[] = [];
  for (const c of [...cases].sort((a, b) => compareKeys(a.key, b.key))) {
    const gatewayApi = apartForGatewayApi(c);
    const apart = gatewayApi ? { gatewayApi } : {};
    if (needsColdCluster(c)) {
      groups.push({ key: `${shapeKey(c)}/cold/${c.key}`, k8s: c.target.k8s, shape: c.shape, ...apart, cold: true, cases: [c] });
      continue;
    }
    const key = shapeKey(c);
    let g = shared.get(key);
    if (!g) {
      g = { key, k8s: c.target.k8s, shape: c.shape, ...apart, cold: false, cases: [] };
      shared.set(key, g);
      groups.push(g);
    }
    g.cases.push(c);
  }
  return groups.sort((a, b) => compareKeys(a.key, b.key));
}
