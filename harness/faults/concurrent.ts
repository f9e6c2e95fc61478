import { oneLine } from '../errors.ts';
import type { Kube } from '../k8s/client.ts';
import { apply, describeRef, refOf } from '../k8s/objects.ts';
import type { KubeObject } from '../manifests/types.ts';
import type { Admission } from '../runner/scenario.ts';

/**
 * Creates every object at the same moment, one API request each, so the admission webhook
 * sees them while its cached client still lists none of the others (the credential race).
 * Each object's admission is recorded; a rejection is a result, not an error.
 */
export async function createConcurrently(kube: Kube, objects: readonly KubeObject[], labels: Record<string, string>): Promise<Admission[]> {
  const settled = await Promise.allSettled(objects.map((o) => apply(kube, [o], { labels })));
  return settled.map((s, i) => admission(objects[i]!, s));
}

export function admission(object: KubeObject, result: PromiseSettledResult<unknown>): Admission {
  const name = describeRef(refOf(object));
  return result.status === 'fulfilled' ? { object: name, admitted: true } : { object: name, admitted: false, message: oneLine(result.reason) };
}
