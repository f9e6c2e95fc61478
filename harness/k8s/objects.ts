import { PatchStrategy } from '@kubernetes/client-node';
import { request, statusOf } from './api-error.ts';
import type { Kube, KubeObject, ObjectRef } from './client.ts';

export interface ApplyOptions {
  fieldManager?: string;
  /** Merged into every object's metadata.labels, e.g. { 'kong-chaos.run': runId } so cleanup can find it. */
  labels?: Record<string, string>;
}

export interface ListQuery {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
}

export function refOf(object: KubeObject): ObjectRef {
  const { apiVersion, kind, metadata } = object;
  return { apiVersion, kind, name: metadata.name, ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }) };
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name}`;
}

/**
 * Server-side apply, forcing conflicts: the harness owns what it applies, even fields a
 * controller touched since. Sequential, because order carries meaning (a Namespace before
 * what lives in it, a CRD before its resources).
 */
export async function apply(
  kube: Kube,
  objects: readonly KubeObject[],
  { fieldManager = 'kong-chaos', labels = {} }: ApplyOptions = {},
): Promise<KubeObject[]> {
  const applied: KubeObject[] = [];
  for (const object of objects) {
    const body: KubeObject = { ...object, metadata: { ...object.metadata, labels: { ...object.metadata.labels, ...labels } } };
    const result = await request(`apply ${describeRef(refOf(object))}`, () =>
      kube.objects.patch(body, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply),
    );
    applied.push(result as KubeObject);
  }
  return applied;
}

export async function remove(
  kube: Kube,
  refs: readonly ObjectRef[],
  { ignoreNotFound = true }: { ignoreNotFound?: boolean } = {},
): Promise<void> {
  for (const ref of refs) {
    try {
      await request(`delete ${describeRef(ref)}`, () => kube.objects.delete(header(ref)));
    } catch (error) {
      if (!(ignoreNotFound && statusOf(error) === 404)) throw error;
    }
  }
}

export async function get(kube: Kube, ref: ObjectRef): Promise<KubeObject | undefined> {
  try {
    return (await request(`get ${describeRef(ref)}`, () => kube.objects.read(header(ref)))) as KubeObject;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

export async function list(kube: Kube, query: ListQuery): Promise<KubeObject[]> {
  return (await listWithVersion(kube, query)).items;
}

/** A list and the resourceVersion it was read at, the starting point for a watch. */
export async function listWithVersion(kube: Kube, query: ListQuery): Promise<{ items: KubeObject[]; resourceVersion: string | undefined }> {
  const { apiVersion, kind, namespace, labelSelector } = query;
  const where = namespace === undefined ? '' : ` in ${namespace}`;
  const selected = labelSelector === undefined ? '' : ` matching ${labelSelector}`;
  const result = await request(`list ${kind}${where}${selected}`, () =>
    kube.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector),
  );
  return {
    // A List answer does not repeat apiVersion/kind on its items.
    items: result.items.map((item) => ({ ...(item as KubeObject), apiVersion, kind })),
    resourceVersion: result.metadata?.resourceVersion,
  };
}

function header(ref: ObjectRef): { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
}
