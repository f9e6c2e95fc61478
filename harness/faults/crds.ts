import type { KubeObject } from '../manifests/types.ts';

/** A CRD of KIC's, as an object reference the context can delete (the plural is the CRD's name prefix). */
export function kongCrd(plural: string): KubeObject {
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${plural}.configuration.konghq.com` } };
}
