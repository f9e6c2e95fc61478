import { EnvironmentError, oneLine } from '../errors.ts';
import { findLeaks, parseAge, type Leak } from '../cluster/leaks.ts';
import { RUN_LABEL } from '../cluster/names.ts';
import * as docker from '../tools/docker.ts';
import * as kind from '../tools/kind.ts';
import { resolveBinary } from '../tools/exec.ts';
import { binaryOf, kindPinFor } from '../targets/tool-pins.ts';
import { loadVersions } from '../targets/versions.ts';
import type { Versions } from '../targets/versions-types.ts';

/**
 * Any pinned kind release lists and deletes the clusters of another (both read the
 * io.x-k8s.kind.cluster label, pkg/cluster/internal/providers/docker/constants.go@v0.31.0 and
 * @v0.32.0), so cleanup takes the first one installed in .cache/bin, e.g. only kind-v0.32.0
 * after runs on 1.36; else `kind` from PATH.
 */
export function cleanupKind(versions: Versions, resolve: (binary: string) => string = resolveBinary): string {
  const candidates = [versions.tools.kind, ...versions.kind.nodeImages.map((i) => kindPinFor(versions, i))].map(binaryOf);
  return candidates.find((b) => resolve(b) !== b) ?? binaryOf(versions.tools.kind);
}

function describe(l: Leak): string {
  return `${l.kind} ${l.name} (run ${l.runId}, ${Math.round(l.ageMs / 60_000)} min old)`;
}

/**
 * `cleanup [--older-than 2h] [--dry-run]`: removes what kong-chaos runs left behind, found by the
 * run id in cluster names and the run label on containers and networks. Safe from cron: it
 * touches nothing it did not create, and a removal that fails is reported, not fatal to the rest.
 */
export async function cleanup(opts: { olderThan: string; dryRun: boolean }): Promise<number> {
  const minAge = parseAge(opts.olderThan);
  const reach = await docker.reachable();
  if (!reach.ok) throw new EnvironmentError(`Docker is not reachable (${reach.reason}); nothing can be listed or removed`);
  const label = RUN_LABEL;
  const call = { binary: cleanupKind(loadVersions()) };
  const [clusters, containers, networks] = await Promise.all([kind.getClusters(call), docker.listContainers({ label }), docker.listNetworks({ label })]);
  const leaks = findLeaks({ clusters, containers, networks }, Date.now(), minAge);
  if (leaks.length === 0) {
    console.log(`nothing older than ${opts.olderThan} left behind by kong-chaos`);
    return 0;
  }
  let failed = 0;
  for (const leak of leaks) {
    if (opts.dryRun) {
      console.log(`would remove ${describe(leak)}`);
      continue;
    }
    try {
      if (leak.kind === 'cluster') await kind.deleteCluster(leak.name, undefined, call);
      else await docker.remove(leak.kind, leak.name);
      console.log(`removed ${describe(leak)}`);
    } catch (error) {
      failed += 1;
      console.error(`could not remove ${describe(leak)}: ${oneLine(error)}`);
    }
  }
  return failed > 0 ? 3 : 0;
}
