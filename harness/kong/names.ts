import type { Component } from '../evidence/types.ts';
import type { Topology } from '../targets/target.ts';

export const KONG_NAMESPACE = 'kong';
export const CLUSTER_CERT_SECRET = 'kong-cluster-cert';
export const POSTGRES_SECRET = 'kong-chaos-postgres';
/** The Kong Gateway Enterprise license, under the key `license` the chart reads (values.ts) */
export const LICENSE_SECRET = 'kong-enterprise-license';
/** the gateway's Admin API serving certificate, when the Admin API is mTLS (values.ts adminTlsValues) */
export const ADMIN_SERVER_CERT_SECRET = 'kong-admin-server-cert';
/** KIC's client certificate for the mTLS Admin API, with the CA that signed the server's as `ca.crt` */
export const ADMIN_CLIENT_CERT_SECRET = 'kong-admin-client-cert';

/**
 * The name KIC's gateway discovery verifies an Admin API certificate against, from KIC 3.4.3 on:
 * `pod.<Admin API Service>.<namespace>.svc` (adminAPIFromEndpoint, internal/adminapi/endpoints.go
 * @v3.4.3 and @v3.5.13); the one label before the Service is arbitrary, so a certificate for
 * `*.<Service>.<namespace>.svc` covers it. The Admin API Service of the split topology is the
 * ingress chart's `<release>-gateway-admin` (`kong.adminSvc`, charts/kong/templates/_helpers.tpl
 * @kong-3.2.0, with `generateAdminApiService`, which ingress-0.24.0 sets).
 */
export const SPLIT_ADMIN_SERVICE = 'kong-gateway-admin';
export const ADMIN_TLS_SERVER_NAME = `pod.${SPLIT_ADMIN_SERVICE}.${KONG_NAMESPACE}.svc`;
export const ADMIN_CERT_DNS_NAME = `*.${SPLIT_ADMIN_SERVICE}.${KONG_NAMESPACE}.svc`;

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
