/**
 * A model of the scheduler's PodTopologySpread filter for `whenUnsatisfiable: DoNotSchedule`
 * on one topology key, enough to ask where a pod can go under given constraints
 * (kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/filtering.go@01c2588
 * and common.go, countPodsMatchSelector; Honor uses the NoSchedule/NoExecute taint filter):
 *  - a node is a domain when it has the topology key and passes the inclusion policy; under
 *    `nodeTaintsPolicy: Honor` a node with a NoSchedule/NoExecute taint the pod does not
 *    tolerate is left out, under Ignore (the default) it counts, with its pods (maybe none);
 *  - the selector is `labelSelector` plus `key=<the pod's value>` for each of `matchLabelKeys`;
 *  - pods being deleted are not counted;
 *  - a node passes when `matching pods there + 1 (the pod matches itself) - the minimum over
 *    all domains <= maxSkew`; the TaintToleration filter has already dropped tainted nodes.
 */
export interface ModelNode {
  name: string;
  labels: Record<string, string>;
  taints: { key: string; effect: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule' }[];
}

export interface ModelPod {
  labels: Record<string, string>;
  node?: string;
  terminating?: boolean;
}

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  nodeTaintsPolicy?: string;
  matchLabelKeys?: string[];
  labelSelector: { matchLabels: Record<string, string> };
}

/** Nodes the new pod (tolerating no taint) may be scheduled to. */
export function feasibleNodes(pod: ModelPod, constraints: readonly SpreadConstraint[], nodes: readonly ModelNode[], pods: readonly ModelPod[]): string[] {
  const untainted = nodes.filter((n) => !n.taints.some(blocks));
  return untainted
    .filter((candidate) =>
      constraints
        .filter((c) => c.whenUnsatisfiable === 'DoNotSchedule')
        .every((c) => {
          const selector = { ...c.labelSelector.matchLabels, ...Object.fromEntries((c.matchLabelKeys ?? []).filter((k) => k in pod.labels).map((k) => [k, pod.labels[k]!])) };
          const matches = (labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
          const domains = nodes.filter((n) => c.topologyKey in n.labels && (c.nodeTaintsPolicy !== 'Honor' || !n.taints.some(blocks)));
          const count = (value: string) =>
            pods.filter((p) => !p.terminating && matches(p.labels) && domains.some((d) => d.name === p.node && d.labels[c.topologyKey] === value)).length;
          const min = Math.min(...domains.map((d) => count(d.labels[c.topologyKey]!)));
          const value = candidate.labels[c.topologyKey];
          if (value === undefined) return false;
          return count(value) + (matches(pod.labels) ? 1 : 0) - min <= c.maxSkew;
        }),
    )
    .map((n) => n.name);
}

function blocks(taint: ModelNode['taints'][number]): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}
