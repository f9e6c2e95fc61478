import type { KubeObject } from '../manifests/types.ts';

/** Kong's ports that must stay open while the Admin API is cut: proxy, proxy TLS, status, plain Admin API (the harness's NodePort). */
export const OPEN_GATEWAY_PORTS = [8000, 8443, 8100, 8001] as const;

/**
 * A NetworkPolicy that admits everything to the gateway pods except the TLS Admin API port the
 * controller talks to (split topology, gateway discovery): KIC loses its Admin API, traffic
 * and the harness's own plain-HTTP Admin API access keep working. NetworkPolicies are
 * allow-lists, so "deny one port" is "allow all the others".
 */
export function adminPartitionPolicy(opts: { namespace: string; gatewaySelector: Record<string, string>; openPorts?: readonly number[] }): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'kong-chaos-admin-partition', namespace: opts.namespace },
    spec: {
      podSelector: { matchLabels: opts.gatewaySelector },
      policyTypes: ['Ingress'],
      ingress: [{ ports: (opts.openPorts ?? OPEN_GATEWAY_PORTS).map((port) => ({ protocol: 'TCP', port })) }],
    },
  };
}
