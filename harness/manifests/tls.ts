import type { KubeObject } from './types.ts';

/**
 * A `kubernetes.io/tls` Secret, the kind an Ingress's `spec.tls[].secretName` names: KIC turns it
 * into a Kong certificate with one SNI per host of the Ingress's `tls` entry. `key` is a secret
 * of the run: whoever makes one registers it with the redactor.
 */
export function tlsSecret(opts: { namespace: string; name: string; cert: string; key: string }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: opts.name, namespace: opts.namespace },
    type: 'kubernetes.io/tls',
    stringData: { 'tls.crt': opts.cert, 'tls.key': opts.key },
  };
}
