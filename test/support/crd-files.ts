/**
 * The upstream CRDs that tests validate manifests against: fetched once into .cache/crds from
 * their source at the pinned versions, or read from the directory that KONG_CHAOS_CRDS_DIR names
 * (same file names; for machines without network). Every file is checked against its sha256, so a
 * cache or an override that holds other bytes is refused rather than silently trusted.
 *
 * Sources, byte for byte:
 * - the Kong chart's CRDs: charts/kong/crds/custom-resource-definitions.yaml@kong-3.4.1 (Kong/charts),
 *   generated from Kong/kubernetes-configuration v1.5.2 (its annotation
 *   `kubernetes-configuration.konghq.com/version: v1.5.2`); the chart ships them in its tarball too,
 *   but raw GitHub at the tag needs no helm and no tar.
 * - Gateway API standard CRDs: config/crd/standard/*.yaml@v1.3.0 (kubernetes-sigs/gateway-api),
 *   the files hack/build-install-yaml.sh@v1.3.0 concatenates into the release's standard-install.yaml;
 *   the separate files keep the same layout as an offline copy and have stable digests (the
 *   release asset carries a build-year header).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { oneLine } from '../../harness/errors.ts';
import { download } from '../../harness/tools/install.ts';

export const CRDS_DIR_VARIABLE = 'KONG_CHAOS_CRDS_DIR';
export const UPSTREAM_ORIGIN = 'https://raw.githubusercontent.com';
export const CACHE_DIR = fileURLToPath(new URL('../../.cache/crds', import.meta.url));

/** The versions the files below come from; a unit test holds them equal to versions.yaml's pins. */
export const CRD_PINS = { kongChart: '3.4.1', kubernetesConfiguration: 'v1.5.2', gatewayApi: 'v1.3.0' } as const;

export interface CrdFile {
  /** relative to the CRD directory */
  path: string;
  /** path on UPSTREAM_ORIGIN */
  source: string;
  sha256: string;
}

const gatewayApi = (plural: string, sha256: string): CrdFile => ({
  path: `gateway-api-${CRD_PINS.gatewayApi}/gateway.networking.k8s.io_${plural}.yaml`,
  source: `/kubernetes-sigs/gateway-api/${CRD_PINS.gatewayApi}/config/crd/standard/gateway.networking.k8s.io_${plural}.yaml`,
  sha256,
});

export const KONG_CRDS: CrdFile = {
  path: `kong-crds-kubernetes-configuration-${CRD_PINS.kubernetesConfiguration}.yaml`,
  source: `/Kong/charts/kong-${CRD_PINS.kongChart}/charts/kong/crds/custom-resource-definitions.yaml`,
  sha256: 'dd6ee9e39a881c9c12d779a960ed66b3420be7c71ae72d925bcd7167ccbadd03',
};

export const CRD_FILES: readonly CrdFile[] = [
  KONG_CRDS,
  gatewayApi('gatewayclasses', '7c8ee2c1878d9dcc6ba106181e3d14d7eaa520ec070233d62f3aa0d674d19450'),
  gatewayApi('gateways', 'c949e7c3951227b92a582817a7a660558ce0fb94c081da264b4e2bbe4a1e5387'),
  gatewayApi('grpcroutes', '5867279c3cfd77377fe7e9255b22751f17592242b9b5e7485c74b13b268d13c5'),
  gatewayApi('httproutes', 'a4ecf600c7e0bfd3cdb24e6411938d9b330117a26675f303cc6d9a407cb257d1'),
  gatewayApi('referencegrants', '7587b2e7e5b1b9a26717b3ef8142f64e6600637eadf481a6bd0031740644b495'),
];

/** A CRD file is missing or wrong and could not be got; the message is one line saying how to get it. */
export class CrdFilesMissing extends Error {
  override readonly name = 'CrdFilesMissing';
}

/** The directory the tests read: the override when set, else the cache. */
export function crdDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[CRDS_DIR_VARIABLE];
  return override ? resolve(override) : CACHE_DIR;
}

const FILES_NEEDED = `${KONG_CRDS.path} and gateway-api-${CRD_PINS.gatewayApi}/*.yaml (the Kong chart ${CRD_PINS.kongChart} CRDs and the Gateway API ${CRD_PINS.gatewayApi} standard CRDs)`;
const OFFLINE_HINT = `or set ${CRDS_DIR_VARIABLE} to a directory holding ${FILES_NEEDED}`;

function sha256Of(path: string): string | undefined {
  return existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : undefined;
}

/**
 * Makes every CRD file present and verified in `dir`: with `fetchFrom`, downloads the missing or
 * wrong ones from that origin (atomically, so a failed download leaves nothing behind); without,
 * only checks. Returns the paths it fetched. Throws CrdFilesMissing with one line otherwise.
 */
export async function ensureCrdFiles(dir: string, fetchFrom: string | undefined, fetchImpl: typeof fetch = fetch): Promise<string[]> {
  const fetched: string[] = [];
  for (const file of CRD_FILES) {
    const target = join(dir, file.path);
    const actual = sha256Of(target);
    if (actual === file.sha256) continue;
    if (fetchFrom === undefined) {
      const problem = actual === undefined ? 'is missing' : `is not the upstream file (sha256 ${actual}, expected ${file.sha256})`;
      throw new CrdFilesMissing(`test CRDs: ${target} ${problem}; point ${CRDS_DIR_VARIABLE} at a directory holding ${FILES_NEEDED}, or unset it to fetch them into ${CACHE_DIR}`);
    }
    await fetchOne(file, target, fetchFrom, fetchImpl);
    fetched.push(file.path);
  }
  return fetched;
}

async function fetchOne(file: CrdFile, target: string, origin: string, fetchImpl: typeof fetch): Promise<void> {
  const url = `${origin}${file.source}`;
  await mkdir(dirname(target), { recursive: true });
  // staged beside the target so that the rename is atomic
  const staging = await mkdtemp(join(dirname(target), '.fetch-'));
  try {
    const partial = join(staging, 'download');
    let digest: string;
    try {
      digest = await download(fetchImpl, url, partial);
    } catch (error) {
      throw new CrdFilesMissing(`test CRDs: ${file.path} is not in ${dirname(target)} and could not be fetched (${oneLine(error)}); run make test once with network, ${OFFLINE_HINT}`);
    }
    if (digest !== file.sha256) {
      throw new CrdFilesMissing(`test CRDs: ${url} has sha256 ${digest}, expected ${file.sha256}; refusing it (${OFFLINE_HINT})`);
    }
    await rename(partial, target);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
