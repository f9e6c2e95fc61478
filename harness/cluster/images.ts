import { oneLine } from '../errors.ts';
import * as docker from '../tools/docker.ts';
import { formatDuration } from '../tools/exec.ts';
import * as kind from '../tools/kind.ts';

/**
 * Gives a kind cluster the images a run needs from the host, so each fresh node does not pull
 * them from Docker Hub anonymously (and a matrix or bisect does not run into the pull limit):
 * the host pulls each image once, when it does not have it yet, and `kind load docker-image`
 * copies it into every node (pkg/cmd/kind/load/docker-image/docker-image.go@v0.31.0; a node that
 * has it already is skipped). The charts pull with IfNotPresent (charts/kong/values.yaml@kong-3.4.1,
 * image.pullPolicy), so the nodes then use the loaded copy.
 *
 * Best effort: when the host cannot pull either, the nodes still try on their own, and a pull
 * that fails there is named by the install (kong/install.ts, imagePullFailures). Returns what
 * happened, one line each, for the run's progress.
 */
export async function preloadImages(cluster: string, images: readonly string[], signal?: AbortSignal, kindBinary?: string): Promise<string[]> {
  const lines: string[] = [];
  const call = signal ? { signal } : {};
  const wanted = [...new Set(images)];
  try {
    for (const image of wanted) {
      if (await docker.hasImage(image, call)) continue;
      const started = Date.now();
      await docker.pull(image, call);
      lines.push(`pulled ${image} on the host in ${formatDuration(Date.now() - started)}`);
    }
    const started = Date.now();
    await kind.loadDockerImage(cluster, wanted, { ...call, ...(kindBinary ? { binary: kindBinary } : {}) });
    lines.push(`loaded ${wanted.join(', ')} into ${cluster} in ${formatDuration(Date.now() - started)}`);
  } catch (error) {
    signal?.throwIfAborted();
    lines.push(`could not preload images (${oneLine(error)}); the nodes pull them themselves`);
  }
  return lines;
}
