import { componentNames, KONG_NAMESPACE } from '../kong/names.ts';
import type { Values } from '../kong/values.ts';
import type { Topology } from '../targets/target.ts';
import type { KubeObject } from './types.ts';

/** The Deployment that runs Kong's proxy for a topology, as the chart names it. */
export function gatewayDeployment(topology: Topology): { namespace: string; name: string } {
  return { namespace: KONG_NAMESPACE, name: componentNames(topology).gateway.deployment };
}

/**
 * A server-side-apply patch of the chart's gateway Deployment that lowers its progress deadline,
 * so a rollout whose new pods never become Ready reads `Progressing=False
 * ProgressDeadlineExceeded` inside an observation window instead of after Kubernetes' default
 * 600 s. The chart has no value for it; Helm's later three-way merge leaves a field it never
 * set alone.
 */
export function progressDeadline(topology: Topology, seconds: number): KubeObject {
  const { namespace, name } = gatewayDeployment(topology);
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace }, spec: { progressDeadlineSeconds: seconds } };
}

/**
 * NoExecute tolerations for a node that went NotReady or unreachable, held for `seconds` instead
 * of the 300 s the DefaultTolerationSeconds admission plugin adds, so pods leave a dead node
 * inside an observation window.
 */
export function evictionTolerations(seconds: number): Values[] {
  return ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds }));
}

/**
 * Helm values, keyed by release, that give the gateway and the controller pods these
 * tolerations: kong/kong has one pod spec per release (both containers in `single`); kong/ingress
 * nests one per subchart.
 */
export function tolerationValues(topology: Topology, tolerations: Values[]): Record<string, Values> {
  const names = componentNames(topology);
  if (topology === 'split') return { [names.gateway.release]: { controller: { tolerations }, gateway: { tolerations } } };
  return Object.fromEntries([names.controller.release, names.gateway.release].map((release) => [release, { tolerations }]));
}
