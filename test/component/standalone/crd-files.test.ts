import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { execa } from 'execa';
import { CRD_FILES, CRDS_DIR_VARIABLE, CrdFilesMissing, crdDir, ensureCrdFiles, KONG_CRDS } from '../../support/crd-files.ts';
import { loadCrdSchemas } from '../../support/crd-schemas.ts';
import { startFileServer, type FileServer } from '../../support/http-file-server.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The verified files `make test` put in place (its prerequisite), served as upstream would. */
function upstreamFiles(): Record<string, Buffer> {
  return Object.fromEntries(CRD_FILES.map((f) => [f.source, readFileSync(join(crdDir(), f.path))]));
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('test CRDs: fetched once from upstream, or an offline copy', () => {
  let dir: string;
  let server: FileServer;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kong-chaos-crds-'));
    server = await startFileServer(upstreamFiles());
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches every file from its upstream path into an empty cache, then never again', async () => {
    const fetched = await ensureCrdFiles(dir, server.url);
    expect(fetched).to.deep.equal(CRD_FILES.map((f) => f.path));
    expect(server.requests).to.deep.equal(CRD_FILES.map((f) => f.source));
    expect(loadCrdSchemas(dir).served).to.have.length(20);

    expect(await ensureCrdFiles(dir, server.url)).to.deep.equal([]);
    expect(server.requests).to.have.length(CRD_FILES.length);
  });

  it('refuses bytes that are not the upstream file and leaves nothing behind', async () => {
    server.files.set(KONG_CRDS.source, 'kind: CustomResourceDefinition\n');
    const error = await rejection(ensureCrdFiles(dir, server.url));
    expect(error).to.be.instanceOf(CrdFilesMissing);
    expect(error.message).to.match(new RegExp(`^test CRDs: ${server.url}/Kong/charts/kong-3\\.4\\.1/charts/kong/crds/custom-resource-definitions\\.yaml has sha256 [0-9a-f]{64}, expected ${KONG_CRDS.sha256}`));
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('replaces a cached file that was changed', async () => {
    await ensureCrdFiles(dir, server.url);
    writeFileSync(join(dir, KONG_CRDS.path), 'edited');
    expect(await ensureCrdFiles(dir, server.url)).to.deep.equal([KONG_CRDS.path]);
    expect(readFileSync(join(dir, KONG_CRDS.path))).to.deep.equal(readFileSync(join(crdDir(), KONG_CRDS.path)));
  });

  it('without network says in one line what is missing and how to get it', async () => {
    const origin = server.url;
    await server.close();
    server = await startFileServer();
    const error = await rejection(ensureCrdFiles(dir, origin));
    expect(error).to.be.instanceOf(CrdFilesMissing);
    expect(error.message).not.to.include('\n');
    expect(error.message).to.match(/^test CRDs: kong-crds-kubernetes-configuration-v1\.5\.2\.yaml is not in .* and could not be fetched \(download of http:\/\/127\.0\.0\.1:\d+\/Kong\/charts\/.* failed: .*ECONNREFUSED.*\); run make test once with network, or set KONG_CHAOS_CRDS_DIR to a directory holding kong-crds-kubernetes-configuration-v1\.5\.2\.yaml and gateway-api-v1\.3\.0\/\*\.yaml/);
  });

  it('checks an offline copy without fetching and names the missing file', async () => {
    await ensureCrdFiles(dir, server.url);
    expect(await ensureCrdFiles(dir, undefined)).to.deep.equal([]);
    rmSync(join(dir, CRD_FILES[2]!.path));
    const error = await rejection(ensureCrdFiles(dir, undefined));
    expect(error.message).to.equal(
      `test CRDs: ${join(dir, 'gateway-api-v1.3.0/gateway.networking.k8s.io_gateways.yaml')} is missing; point KONG_CHAOS_CRDS_DIR at a directory holding ` +
        'kong-crds-kubernetes-configuration-v1.5.2.yaml and gateway-api-v1.3.0/*.yaml (the Kong chart 3.4.1 CRDs and the Gateway API v1.3.0 standard CRDs), ' +
        `or unset it to fetch them into ${join(ROOT, '.cache/crds')}`,
    );
  });

  it('the make test prerequisite stops in one line, before mocha, when the offline copy is incomplete', async () => {
    const r = await execa('npx', ['tsx', 'scripts/test-crds.ts'], { cwd: ROOT, reject: false, env: { [CRDS_DIR_VARIABLE]: dir } });
    expect(r.exitCode).to.equal(1);
    expect(r.stdout).to.equal('');
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(new RegExp(`^test CRDs: ${dir}/kong-crds-kubernetes-configuration-v1\\.5\\.2\\.yaml is missing; point KONG_CHAOS_CRDS_DIR at`));
  });

  it('the make test prerequisite passes quietly on a complete offline copy', async () => {
    await ensureCrdFiles(dir, server.url);
    const r = await execa('npx', ['tsx', 'scripts/test-crds.ts'], { cwd: ROOT, reject: false, env: { [CRDS_DIR_VARIABLE]: dir } });
    expect([r.exitCode, r.stdout, r.stderr]).to.deep.equal([0, '', '']);
  });
});
