import type { KubeObject } from './types.ts';

export const GATEWAY_API = 'gateway.networking.k8s.io/v1';
/** KIC reconciles GatewayClasses with this controllerName. */
export const KIC_GATEWAY_CONTROLLER = 'konghq.com/kic-gateway-controller';

/**
 * Unmanaged mode: the Gateway describes a Kong that the chart already deployed, rather than
 * asking a Kong operator to provision one. This is how KIC (without Kong Operator) serves Gateway API.
 */
export function gatewayClass(name = 'kong'): KubeObject {
  return {
    apiVersion: GATEWAY_API,
    kind: 'GatewayClass',
    metadata: { name, annotations: { 'konghq.com/gatewayclass-unmanaged': 'true' } },
    spec: { controllerName: KIC_GATEWAY_CONTROLLER },
  };
}

export function gateway(opts: { namespace: string; name: string; className: string; port?: number }): KubeObject {
  return {
    apiVersion: GATEWAY_API,
    kind: 'Gateway',
    metadata: { name: opts.name, namespace: opts.namespace },
    spec: {
      gatewayClassName: opts.className,
      listeners: [{ name: 'http', protocol: 'HTTP', port: opts.port ?? 80, allowedRoutes: { namespaces: { from: 'All' } } }],
    },
  };
}

/**
 * An HTTPRoute to a Service; `konghq.com/protocols` keeps the route on plain HTTP for the probe.
 * `listenerProtocols` leaves it off: KIC then takes the protocols of the Gateway listeners the
 * route attaches to (since 3.4.14 / 3.5.7, internal/dataplane/translator/subtranslator/httproute.go
 * @v3.5.7), `http` and `https` before.
 */
export function httpRoute(opts: { namespace: string; name: string; gateway: string; path: string; service: string; listenerProtocols?: boolean }): KubeObject {
  return {
    apiVersion: GATEWAY_API,
    kind: 'HTTPRoute',
    metadata: {
      name: opts.name,
      namespace: opts.namespace,
      annotations: { ...(opts.listenerProtocols ? {} : { 'konghq.com/protocols': 'http' }), 'konghq.com/strip-path': 'false' },
    },
    spec: {
      parentRefs: [{ name: opts.gateway, namespace: opts.namespace }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: opts.path } }],
          backendRefs: [{ name: opts.service, port: 80 }],
        },
      ],
    },
  };
}
