import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { execa } from 'execa';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** This process's environment without the e2e switch, with a Docker endpoint nothing answers on. */
function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { KONG_CHAOS_E2E: _ignored, ...rest } = process.env;
  return { ...rest, DOCKER_HOST: 'unix:///nonexistent/docker.sock', ...extra };
}

describe('asking for the end-to-end proof without what it needs fails and says why', function () {
  this.timeout(120_000);

  it('make e2e without Docker: runs only test/e2e, fails, and names Docker', async () => {
    // -o: treat the npm install stamp as up to date, so the test runs the e2e recipe alone
    const r = await execa('make', ['--no-print-directory', '-o', 'node_modules/.package-lock.json', 'e2e'], { cwd: ROOT, reject: false, extendEnv: false, env: environment({}) });
    expect(r.exitCode).to.not.equal(0);
    expect(r.stdout).to.include('the end-to-end runs cannot start: Docker is not reachable');
    expect(r.stdout).to.include('the end-to-end proofs cannot start: Docker is not reachable');
    // every top-level suite mocha ran is an e2e one, and each fails in its before hook, nothing else runs
    const suites = r.stdout.match(/^ {2}[a-z].*$/gm) ?? [];
    expect(suites).to.not.be.empty;
    for (const suite of suites) expect(suite).to.match(/^ {2}e2e: /);
    expect(r.stdout).to.match(new RegExp(`\\n\\s+0 passing .*\\n\\s+${suites.length} failing`));
  });

  it('the e2e suite without KONG_CHAOS_E2E=1 fails instead of passing as pending', async () => {
    const r = await execa('npx', ['mocha', '--config', 'test/e2e/mocharc.json'], { cwd: ROOT, reject: false, extendEnv: false, env: environment({}) });
    // mocha's exit code counts failures: one per e2e suite, each failing in its before hook
    const suites = (r.stdout.match(/^ {2}e2e: .*$/gm) ?? []).length;
    expect(suites).to.be.greaterThan(0);
    expect(r.exitCode).to.equal(suites);
    expect((r.stdout.match(/"before all" hook/g) ?? []).length).to.equal(2 * suites);
    expect(r.stdout).to.include('the end-to-end runs cannot start: set KONG_CHAOS_E2E=1 to run the end-to-end proofs');
    expect(r.stdout).not.to.include('pending');
  });
});
