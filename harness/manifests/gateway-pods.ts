import { componentNames, KONG_NAMESPACE } from '../kong/names.ts';
import type { Topology } from '../targets/target.ts';

/** Where the gateway pods of a topology run and the labels that select them, for NetworkPolicies. */
export function gatewayPods(topology: Topology): { namespace: string; labels: Record<string, string> } {
  const labels = Object.fromEntries(
    componentNames(topology)
      .gateway.selector.split(',')
      .map((pair) => pair.split('=') as [string, string]),
  );
  return { namespace: KONG_NAMESPACE, labels };
}
