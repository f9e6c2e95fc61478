import { INGRESS_CLASS } from './kong.ts';
import type { KubeObject } from './types.ts';

/**
 * A jwt credential as KIC 3.x reads it: a Secret labelled `konghq.com/credential: jwt`. HS256
 * needs `key` (the unique field Kong indexes, the `iss` a token names) and `secret`; KIC's
 * webhook asks for `rsa_public_key` only with an RSA algorithm.
 */
export function jwtCredential(opts: { namespace: string; name: string; key: string; secret: string }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: opts.name, namespace: opts.namespace, labels: { 'konghq.com/credential': 'jwt' } },
    type: 'Opaque',
    stringData: { key: opts.key, algorithm: 'HS256', secret: opts.secret },
  };
}

/**
 * A KongVault (cluster-scoped, v1alpha1). `env` is the backend Kong OSS ships; its one setting,
 * `config.prefix`, must match `^[%a_-][%a%d_-]*$` (kong/vaults/env/schema.lua).
 */
export function kongVault(opts: { name: string; prefix: string; backend?: string; config?: Record<string, unknown> }): KubeObject {
  return {
    apiVersion: 'configuration.konghq.com/v1alpha1',
    kind: 'KongVault',
    metadata: { name: opts.name, annotations: { 'kubernetes.io/ingress.class': INGRESS_CLASS } },
    spec: { backend: opts.backend ?? 'env', prefix: opts.prefix, ...(opts.config ? { config: opts.config } : {}) },
  };
}
