import { reachable } from '../../harness/tools/docker.ts';

/**
 * Why the end-to-end proofs cannot run here, if they cannot: they need KONG_CHAOS_E2E=1
 * (`make e2e` sets it), a Docker engine and the network (images, charts, the pinned tools). Each
 * suite fails in a `before` hook with this reason, since a pending proof would pass as one.
 */
export async function e2eBlocker(): Promise<string | undefined> {
  if (process.env['KONG_CHAOS_E2E'] !== '1') return 'set KONG_CHAOS_E2E=1 to run the end-to-end proofs';
  const docker = await reachable();
  return docker.ok ? undefined : `Docker is not reachable: ${docker.reason}`;
}
