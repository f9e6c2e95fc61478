/**
 * `make test` prerequisite: the upstream CRDs the tests validate manifests against are present
 * and verified before mocha starts, fetched once into .cache/crds unless KONG_CHAOS_CRDS_DIR names
 * an offline copy. Any problem ends here in one line, so no test ever meets a missing file.
 */
import { CRDS_DIR_VARIABLE, CrdFilesMissing, crdDir, ensureCrdFiles, UPSTREAM_ORIGIN } from '../test/support/crd-files.ts';

const override = Boolean(process.env[CRDS_DIR_VARIABLE]);
try {
  const fetched = await ensureCrdFiles(crdDir(), override ? undefined : UPSTREAM_ORIGIN);
  if (fetched.length) console.error(`test CRDs: fetched ${fetched.join(', ')} into ${crdDir()}`);
} catch (error) {
  if (!(error instanceof CrdFilesMissing)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
