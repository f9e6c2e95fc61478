import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';

const SCRIPT = fileURLToPath(new URL('../../../scripts/upgrade-gate-versions.sh', import.meta.url));
const VERSIONS = fileURLToPath(new URL('../../../versions.yaml', import.meta.url));
const ZEROS = '0'.repeat(40);

/** versions.yaml as the repository has it, with another kic.default. */
function versionsWithDefault(kic: string): string {
  const data = parse(readFileSync(VERSIONS, 'utf8')) as { kic: { default: string } };
  data.kic.default = kic;
  return stringify(data);
}

/**
 * The script against real git: an origin with a history of several commits, and the shallow
 * one-commit checkout actions/checkout makes of its tip.
 */
describe('scripts/upgrade-gate-versions.sh: the base of a push', function () {
  this.timeout(30_000);
  let dir: string;
  const commits: Record<string, string> = {};
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kc-gate-base-'));
    const work = join(dir, 'work');
    git(dir, 'init', '--quiet', '--initial-branch=main', work);
    git(work, 'config', 'user.email', 'ci@example.test');
    git(work, 'config', 'user.name', 'ci');
    const commit = (name: string, files: Record<string, string>) => {
      for (const [file, text] of Object.entries(files)) writeFileSync(join(work, file), text);
      git(work, 'add', '.');
      git(work, 'commit', '--quiet', '-m', name);
      commits[name] = git(work, 'rev-parse', 'HEAD');
    };
    commit('no-versions', { 'README.md': 'kong-chaos\n' });
    commit('pin-3.5.12', { 'versions.yaml': versionsWithDefault('3.5.12') });
    commit('docs', { 'README.md': 'kong-chaos, docs\n' });
    commit('pin-3.5.13', { 'versions.yaml': versionsWithDefault('3.5.13') });
    commit('docs-again', { 'README.md': 'kong-chaos, more docs\n' });
    git(dir, 'clone', '--quiet', '--bare', work, join(dir, 'origin.git'));
    // GitHub serves any commit reachable from a ref by its id
    git(join(dir, 'origin.git'), 'config', 'uploadpack.allowReachableSHA1InWant', 'true');
    git(dir, 'clone', '--quiet', '--depth=1', `file://${join(dir, 'origin.git')}`, join(dir, 'checkout'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function run(env: Record<string, string>): { code: number | null; output: Record<string, string>; summary: string; stderr: string } {
    const [output, summary] = [join(dir, 'output'), join(dir, 'summary')];
    writeFileSync(output, '');
    writeFileSync(summary, '');
    const r = spawnSync(SCRIPT, { cwd: join(dir, 'checkout'), encoding: 'utf8', env: { PATH: process.env['PATH'], HOME: dir, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, ...env } });
    const pairs = readFileSync(output, 'utf8').split('\n').filter(Boolean).map((l) => l.split('=', 2) as [string, string]);
    return { code: r.status, output: Object.fromEntries(pairs), summary: readFileSync(summary, 'utf8'), stderr: r.stderr };
  }

  it('a push of several commits onto a shallow checkout: fetches the base and gates its kic.default against the new one', () => {
    const r = run({ BEFORE: commits['pin-3.5.12']! });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.output).to.deep.equal({ from: '3.5.12', to: '3.5.13', component: 'kic', mode: 'dbless', run: 'true' });
    expect(r.summary).to.equal('');
  });

  it('a new branch (before is all zeros, or absent): skips and says so in the step summary', () => {
    for (const before of [ZEROS, '']) {
      const r = run({ BEFORE: before });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.output).to.deep.equal({ run: 'false' });
      expect(r.summary).to.match(/^Upgrade gate skipped: this push created the branch/);
    }
  });

  it('a base that cannot be fetched (history rewritten): skips and says so', () => {
    const r = run({ BEFORE: 'f'.repeat(40) });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.output).to.deep.equal({ run: 'false' });
    expect(r.summary).to.include('cannot be fetched');
  });

  it('a base without versions.yaml: skips and says so', () => {
    const r = run({ BEFORE: commits['no-versions']! });
    expect(r.output).to.deep.equal({ run: 'false' });
    expect(r.summary).to.include(`versions.yaml did not exist at ${commits['no-versions']}`);
  });

  it('a push that left kic.default alone: skips and says so', () => {
    const r = run({ BEFORE: commits['pin-3.5.13']! });
    expect(r.output).to.deep.equal({ run: 'false' });
    expect(r.summary).to.include('kic.default is 3.5.13 before and after the push');
  });

  it('a manual run gates what it names, whatever the history', () => {
    const r = run({ FROM: '3.9.0', TO: '3.9.1', COMPONENT: 'gateway', MODE: 'postgres', BEFORE: '' });
    expect(r.output).to.deep.equal({ from: '3.9.0', to: '3.9.1', component: 'gateway', mode: 'postgres', run: 'true' });
  });

  it('the workflow runs this script for its versions step, and gates only when it says run=true', () => {
    const wf = parse(readFileSync(fileURLToPath(new URL('../../../.github/workflows/upgrade-gate.yml', import.meta.url)), 'utf8')) as { jobs: { gate: { steps: { id?: string; name?: string; run?: string; if?: string; with?: Record<string, unknown> }[] } } };
    const steps = wf.jobs.gate.steps;
    expect(steps.find((s) => s.id === 'versions')?.run).to.equal('scripts/upgrade-gate-versions.sh');
    for (const name of ['plan', 'gate']) expect(steps.find((s) => s.name === name)?.if, name).to.equal("steps.versions.outputs.run == 'true'");
  });
});
