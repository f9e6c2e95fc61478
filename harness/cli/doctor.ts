import { defaultHostPorts, readShape } from '../cluster/kind-config.ts';
import { formatChecks, hasErrors, runDoctor, type Check } from '../tools/doctor.ts';
import { loadVersions } from '../targets/versions.ts';
import { EnvironmentError } from '../errors.ts';

/** A kind cluster with Kong, Postgres and an echo backend needs about this much memory. */
export const MIN_FREE_MEMORY = 4 * 2 ** 30;

export async function doctorChecks(): Promise<Check[]> {
  const versions = loadVersions();
  const ports = defaultHostPorts(readShape('single-node'));
  return runDoctor({ pins: Object.values(versions.tools), ports: [ports.proxy, ports.admin], minFreeMemoryBytes: MIN_FREE_MEMORY });
}

export async function doctor(json: boolean): Promise<number> {
  const checks = await doctorChecks();
  console.log(json ? JSON.stringify(checks, null, 2) : formatChecks(checks));
  return hasErrors(checks) ? new EnvironmentError('').exitCode : 0;
}
