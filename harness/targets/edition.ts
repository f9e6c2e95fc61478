import { readFileSync } from 'node:fs';
import { fileProblem, quote, UserError } from '../errors.ts';
import type { Versions } from './versions-types.ts';

/** Every pinned Kong Gateway: the OSS `kong` images, then the Enterprise `kong/kong-gateway` ones. */
export function gatewayVersions(versions: Versions): string[] {
  return [...versions.gateway.versions, ...versions.enterprise.versions];
}

/** Whether a pinned Kong Gateway version is an Enterprise image, which runs only with a license. */
export function isLicensed(versions: Versions, gateway: string): boolean {
  return versions.enterprise.versions.includes(gateway);
}

/** The image repository a pinned Kong Gateway version is pulled from. */
export function gatewayImage(versions: Versions, gateway: string): string {
  return isLicensed(versions, gateway) ? versions.enterprise.image : versions.gateway.image;
}

export const LICENSE_ENV = 'KONG_LICENSE_DATA';

/**
 * The Kong Gateway Enterprise license from the user's environment: the file `--license-file`
 * names, else KONG_LICENSE_DATA (the variable Kong itself reads). Undefined when neither is set.
 * The text is a secret: callers register it with the run's Redactor before anything uses it.
 */
export function readLicense(licenseFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (licenseFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(licenseFile, 'utf8');
    } catch (error) {
      throw new UserError(`cannot read the license file ${quote(licenseFile)}: ${fileProblem(error)}`);
    }
    if (text.trim() === '') throw new UserError(`the license file ${quote(licenseFile)} is empty`);
    return text.trim();
  }
  const fromEnv = env[LICENSE_ENV]?.trim();
  return fromEnv ? fromEnv : undefined;
}

/**
 * A licensed target without a license is refused before anything runs: since 3.10 Kong Gateway
 * Enterprise has no free mode and behaves as with an expired license (Kong Gateway 3.10 breaking
 * changes), so a run would only measure that. A scenario about exactly that says
 * `requires.license: false`.
 */
export function checkLicense(versions: Versions, gateway: string, license: string | undefined, needsLicense = true): void {
  if (license === undefined && needsLicense && isLicensed(versions, gateway)) {
    throw new UserError(`Kong Gateway ${gateway} (${versions.enterprise.image}) needs a license: set ${LICENSE_ENV} or pass --license-file <file>`);
  }
}

/**
 * Reads the license once for a command's cases and refuses the first licensed one that has
 * none (unless its scenario opts out); returns the license, or undefined when none was given.
 */
export function licenseForCases(versions: Versions, licenseFile: string | undefined, cases: readonly { gateway: string; needsLicense: boolean }[]): string | undefined {
  const license = readLicense(licenseFile);
  for (const c of cases) checkLicense(versions, c.gateway, license, c.needsLicense);
  return license;
}

/**
 * Whether a case installs the user's license: only for a licensed image, and never for a
 * scenario that runs one without a license on purpose (`requires.license: false`), whatever
 * KONG_LICENSE_DATA or --license-file hold: that run would measure a licensed Kong instead.
 */
export function installsLicense(versions: Versions, gateways: readonly (string | undefined)[], needsLicense: boolean): boolean {
  return needsLicense && gateways.some((g) => g !== undefined && isLicensed(versions, g));
}
