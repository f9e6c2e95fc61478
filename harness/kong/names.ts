import type { Component } from '../evidence/types.ts';
import type { Topology } from '../targets/target.ts';

export const KONG_NAMESPACE = 'kong';
export const CLUSTER_CERT_SECRET = 'kong-cluster-cert';
export const POSTGRES_SECRET = 'kong-chaos-postgres';
/** The Kong Gateway Enterprise license, under the key `license` the chart reads (values.ts) */
export const LICENSE_SECRET = 'kong-enterprise-license';

export interface ComponentNames {
  release: string;
  deployment: string;
  /** labels that select the component's Deployment pods and nothing else the chart creates */
  labels: Record<string, string>;
  /** `labels` as a label selector */
  selector: string;
  container: string;
}

/**
 * Where each component of a topology lives, as the official charts name things:
 * kong/kong's fullname is `<release>-kong`, its containers `ingress-controller` and `proxy`;
 * kong/ingress aliases its two kong subcharts as `controller` and `gateway`, and Helm makes an
 * alias the subchart's name (pkg/chartutil/dependencies.go@v3.18.6), hence `app.kubernetes.io/name`.
 *
 * Every selector holds `app.kubernetes.io/component=app`: the Deployment's pods carry it
 * (charts/kong/templates/deployment.yaml@kong-3.4.1 and @kong-3.2.0, the subchart ingress-0.24.0
 * pins), while the migrations Jobs' pods carry the same instance and name labels with
 * `component: init-migrations` / `pre-upgrade-migrations` / `post-upgrade-migrations`
 * (charts/kong/templates/migrations*.yaml@kong-3.4.1, @kong-3.2.0).
 */
export function componentNames(topology: Topology): Record<Component, ComponentNames> {
  switch (topology) {
    case 'single':
      return {
        controller: component('kong', 'kong-kong', { 'app.kubernetes.io/instance': 'kong' }, 'ingress-controller'),
        gateway: component('kong', 'kong-kong', { 'app.kubernetes.io/instance': 'kong' }, 'proxy'),
      };
    case 'split':
      return {
        controller: component('kong', 'kong-controller', { 'app.kubernetes.io/instance': 'kong', 'app.kubernetes.io/name': 'controller' }, 'ingress-controller'),
        gateway: component('kong', 'kong-gateway', { 'app.kubernetes.io/instance': 'kong', 'app.kubernetes.io/name': 'gateway' }, 'proxy'),
      };
    case 'hybrid':
      return {
        controller: component('kong-cp', 'kong-cp-kong', { 'app.kubernetes.io/instance': 'kong-cp' }, 'ingress-controller'),
        gateway: component('kong-dp', 'kong-dp-kong', { 'app.kubernetes.io/instance': 'kong-dp' }, 'proxy'),
      };
  }
}

function component(release: string, deployment: string, identity: Record<string, string>, container: string): ComponentNames {
  const labels = { ...identity, 'app.kubernetes.io/component': 'app' };
  const selector = Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  return { release, deployment, labels, selector, container };
}

/** The Service KIC should publish as the Ingress address: the proxy that really serves traffic. */
export function proxyService(topology: Topology): string {
  return { single: 'kong-kong-proxy', split: 'kong-gateway-proxy', hybrid: 'kong-dp-kong-proxy' }[topology];
}
