import { gatewayPods } from '../manifests/gateway-pods.ts';
import type { KubeObject } from '../manifests/types.ts';
import type { Topology } from '../targets/target.ts';

/** Kong's TLS Admin API port, the one KIC's gateway discovery talks to (chart `admin.tls`). */
export const ADMIN_TLS_PORT = 8444;

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

/** kube-network-policies reads a new policy from its informer: time for it to land before the cut is relied on. */
export const POLICY_SETTLE_MS = 5_000;

/** The partition policy for the gateway pods of a topology. */
export function adminPartitionOf(topology: Topology): KubeObject {
  const pods = gatewayPods(topology);
  return adminPartitionPolicy({ namespace: pods.namespace, gatewaySelector: pods.labels });
}

/**
 * A NetworkPolicy alone cuts no connection that is already open: kindnet (kind v0.31.0) enforces
 * policies through kube-network-policies v0.8.0 (images/kindnetd/go.mod@v0.31.0), whose first
 * rule is `ct state established,related accept` (pkg/networkpolicy/controller.go@v0.8.0), and
 * KIC keeps one long-lived keep-alive connection per gateway (a clone of http.DefaultTransport,
 * internal/adminapi/kong.go@v3.5.13). Deleting the conntrack entries of connections to the port
 * makes their next packets new ones, which the policy judges. `conntrack` is in kind's node
 * image (images/base/Dockerfile@v0.31.0).
 */
export function dropConnectionsCommand(port: number): string[] {
  return ['conntrack', '-D', '-p', 'tcp', '--orig-port-dst', String(port)];
}

/**
 * conntrack exits non-zero when no entry matched, saying so on stderr; that is not a failure
 * here (a node that carried none of the connections). Kubernetes relies on the same text
 * (pkg/proxy/conntrack/conntrack.go `NoConnectionToDelete`).
 */
export function nothingToDrop(stderr: string): boolean {
  return /\b0 flow entries have been deleted/.test(stderr);
}
