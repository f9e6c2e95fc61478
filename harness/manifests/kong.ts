import type { KubeObject } from './types.ts';

export const INGRESS_CLASS = 'kong';

/**
 * An Ingress the traffic probe can use. Route protocols are pinned to plain HTTP: from KIC
 * 3.5.7 and 3.4.14 routes follow Kong's secure-by-default protocols (KIC CHANGELOG 3.5.7 and
 * 3.4.14) and a plain-HTTP probe could get 426 instead of reaching the backend. `protocols`
 * names others; `null` leaves the annotation off, so the route takes what KIC and Kong default to.
 */
export function ingress(opts: {
  namespace: string;
  name: string;
  path: string;
  service: string;
  plugins?: string[];
  protocols?: string | null;
  tls?: IngressTls;
}): KubeObject {
  // with `tls`, https too: a route limited to http does not match a request that arrived over TLS
  const protocols = opts.protocols === undefined ? (opts.tls ? 'http,https' : 'http') : opts.protocols;
  const annotations: Record<string, string> = { ...(protocols === null ? {} : { 'konghq.com/protocols': protocols }), 'konghq.com/strip-path': 'false' };
  if (opts.plugins?.length) annotations['konghq.com/plugins'] = opts.plugins.join(',');
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: opts.name, namespace: opts.namespace, annotations },
    spec: {
      ingressClassName: INGRESS_CLASS,
      rules: [
        {
          ...(opts.tls ? { host: opts.tls.host } : {}),
          http: {
            paths: [{ path: opts.path, pathType: 'Prefix', backend: { service: { name: opts.service, port: { number: 80 } } } }],
          },
        },
      ],
      ...(opts.tls ? { tls: [{ hosts: [opts.tls.host], secretName: opts.tls.secretName }] } : {}),
    },
  };
}

/** TLS for an Ingress: its one rule answers `host`, served with the certificate in `secretName`. */
export interface IngressTls {
  host: string;
  secretName: string;
}

export function kongPlugin(opts: { namespace: string; name: string; plugin: string; config?: Record<string, unknown> }): KubeObject {
  return {
    apiVersion: 'configuration.konghq.com/v1',
    kind: 'KongPlugin',
    metadata: { name: opts.name, namespace: opts.namespace },
    plugin: opts.plugin,
    ...(opts.config ? { config: opts.config } : {}),
  };
}

/** A cluster-wide plugin; `global` applies it to every request, as the `global: "true"` label asks. */
export function kongClusterPlugin(opts: { name: string; plugin: string; global?: boolean; config?: Record<string, unknown> }): KubeObject {
  return {
    apiVersion: 'configuration.konghq.com/v1',
    kind: 'KongClusterPlugin',
    metadata: {
      name: opts.name,
      annotations: { 'kubernetes.io/ingress.class': INGRESS_CLASS },
      ...(opts.global ? { labels: { global: 'true' } } : {}),
    },
    plugin: opts.plugin,
    ...(opts.config ? { config: opts.config } : {}),
  };
}
