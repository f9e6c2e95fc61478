import type { Component } from '../evidence/types.ts';
import type { Topology } from '../targets/target.ts';

export const KONG_NAMESPACE = 'kong';
export const CLUSTER_CERT_SECRET = 'kong-cluster-cert';
export const POSTGRES_SECRET = 'kong-chaos-postgres';

export interface ComponentNames {
  release: string;
  deployment: string;
  /** label selector for the component's pods */
  selector: string;
  container: string;
}

/**
 * Where each component of a topology lives, as the official charts name things:
 * kong/kong's fullname is `<release>-kong`, its containers `ingress-controller` and `proxy`;
 * kong/ingress aliases its two kong subcharts as `controller` and `gateway`.
 */
export function componentNames(topology: Topology): Record<Component, ComponentNames> {
  switch (topology) {
    case 'single':
      return {
        controller: { release: 'kong', deployment: 'kong-kong', selector: 'app.kubernetes.io/instance=kong,app.kubernetes.io/component=app', container: 'ingress-controller' },
        gateway: { release: 'kong', deployment: 'kong-kong', selector: 'app.kubernetes.io/instance=kong,app.kubernetes.io/component=app', container: 'proxy' },
      };
    case 'split':
      return {
        controller: { release: 'kong', deployment: 'kong-controller', selector: 'app.kubernetes.io/instance=kong,app.kubernetes.io/name=controller', container: 'ingress-controller' },
        gateway: { release: 'kong', deployment: 'kong-gateway', selector: 'app.kubernetes.io/instance=kong,app.kubernetes.io/name=gateway', container: 'proxy' },
      };
    case 'hybrid':
      return {
        controller: { release: 'kong-cp', deployment: 'kong-cp-kong', selector: 'app.kubernetes.io/instance=kong-cp,app.kubernetes.io/component=app', container: 'ingress-controller' },
        gateway: { release: 'kong-dp', deployment: 'kong-dp-kong', selector: 'app.kubernetes.io/instance=kong-dp,app.kubernetes.io/component=app', container: 'proxy' },
      };
  }
}

/** The Service KIC should publish as the Ingress address: the proxy that really serves traffic. */
export function proxyService(topology: Topology): string {
  return { single: 'kong-kong-proxy', split: 'kong-gateway-proxy', hybrid: 'kong-dp-kong-proxy' }[topology];
}
