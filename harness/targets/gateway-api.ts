import type { Versions } from './versions-types.ts';

/**
 * The first Gateway API release whose standard install carries the ValidatingAdmissionPolicy
 * safe-upgrades.gateway.networking.k8s.io, which refuses every later CREATE or UPDATE of a
 * Gateway API CRD whose bundle-version is v1.0-v1.4
 * (config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml@v1.5.0 and @v1.5.1); the
 * policy of v1.6 refuses v1.0-v1.5 (release candidates excepted), under the same message
 * "Installing CRDs with version before v1.5.0 is prohibited by default" (same file @v1.6.1).
 */
const SAFE_UPGRADES_SINCE = [1, 5];

/** Whether installing `version` leaves a cluster that refuses the older CRDs (1.3.0) from then on. */
export function blocksOlderGatewayApi(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > SAFE_UPGRADES_SINCE[0]! || (major === SAFE_UPGRADES_SINCE[0] && minor >= SAFE_UPGRADES_SINCE[1]!);
}

/** The standard-channel install manifest of a pinned Gateway API release. */
export function gatewayApiInstallUrl(versions: Versions, version: string): string {
  return versions.gatewayApi.standardInstallUrl.replaceAll('{version}', version);
}
