import { randomUUID } from 'node:crypto';
import { INGRESS_CLASS } from './kong.ts';
import type { KubeObject } from './types.ts';

/**
 * A key-auth credential as KIC 3.x reads it: a Secret labelled `konghq.com/credential: key-auth`
 * (the label replaced the old `kongCredType` data field) with the key under `key`. Without a
 * key, a random one: no credential sits in the source, and none is needed to probe a route
 * without it.
 */
export function keyAuthCredential(opts: { namespace: string; name: string; key?: string }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: opts.name, namespace: opts.namespace, labels: { 'konghq.com/credential': 'key-auth' } },
    type: 'Opaque',
    stringData: { key: opts.key ?? randomUUID() },
  };
}

/**
 * A basic-auth credential as KIC 3.x reads it: a Secret labelled `konghq.com/credential:
 * basic-auth` with `username` and `password`; without a password, a random one.
 */
export function basicAuthCredential(opts: { namespace: string; name: string; username: string; password?: string }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: opts.name, namespace: opts.namespace, labels: { 'konghq.com/credential': 'basic-auth' } },
    type: 'Opaque',
    stringData: { username: opts.username, password: opts.password ?? randomUUID() },
  };
}

/** A KongConsumer with its credential Secrets and the KongPlugins applied to its requests. */
export function kongConsumer(opts: { namespace: string; name: string; username: string; credentials?: string[]; plugins?: string[] }): KubeObject {
  const annotations: Record<string, string> = { 'kubernetes.io/ingress.class': INGRESS_CLASS };
  if (opts.plugins?.length) annotations['konghq.com/plugins'] = opts.plugins.join(',');
  return {
    apiVersion: 'configuration.konghq.com/v1',
    kind: 'KongConsumer',
    metadata: { name: opts.name, namespace: opts.namespace, annotations },
    username: opts.username,
    ...(opts.credentials?.length ? { credentials: opts.credentials } : {}),
  };
}
