import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { scenarios } from '../../../scenarios/index.ts';
import { githubMatrix } from '../../../harness/cli/matrix.ts';
import { expandMatrix } from '../../../harness/matrix/expand.ts';
import { assignShards } from '../../../harness/matrix/shard.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';
import { validateWorkflow } from '../../support/workflow-schema.ts';

const DIR = '.github/workflows';
const CONTEXTS = new Set(['github', 'env', 'runner', 'strategy', 'matrix', 'needs', 'steps', 'inputs', 'job', 'vars']);
const FUNCTIONS = new Set(['fromJSON', 'toJSON', 'always', 'failure', 'success', 'cancelled', 'contains', 'startsWith', 'endsWith', 'format', 'join', 'hashFiles']);

type Json = Record<string, any>;

/** Every `${{ … }}` in a value, with the path that holds it. */
function expressions(value: unknown, path: string, out: { path: string; text: string }[] = []): { path: string; text: string }[] {
  if (typeof value === 'string') for (const m of value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) out.push({ path, text: m[1]!.replace(/'[^']*'/g, "''") });
  else if (Array.isArray(value)) value.forEach((v, i) => expressions(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) expressions(v, `${path}.${k}`, out);
  return out;
}

/** Problems with the references of one workflow: needs, inputs, job and step outputs, matrix keys. */
function referenceProblems(wf: Json, matrixKeys: Record<string, string[]>): string[] {
  const problems: string[] = [];
  const jobs: Record<string, Json> = wf['jobs'];
  const inputs = Object.keys(wf['on']?.workflow_dispatch?.inputs ?? {});
  for (const [id, job] of Object.entries(jobs)) {
    const needs: string[] = [job['needs'] ?? []].flat();
    for (const n of needs) if (!(n in jobs)) problems.push(`${id}: needs unknown job ${n}`);
    const stepIds: string[] = (job['steps'] as Json[]).map((s) => s['id']).filter(Boolean);
    const check = (text: string, where: string, stepsBefore: string[]) => {
      for (const ref of text.matchAll(/([A-Za-z_][\w-]*)((?:\.[\w-]+|\[[^\]]*\])*)/g)) {
        const [root, rest] = [ref[1]!, ref[2] ?? ''];
        if (FUNCTIONS.has(root) || ['true', 'false', 'null'].includes(root)) continue;
        if (!CONTEXTS.has(root)) {
          problems.push(`${where}: unknown context ${root}`);
          continue;
        }
        const parts = rest.split('.').filter(Boolean);
        if (root === 'inputs' && !inputs.includes(parts[0]!)) problems.push(`${where}: undefined input ${parts[0]}`);
        if (root === 'needs') {
          if (!needs.includes(parts[0]!)) problems.push(`${where}: needs.${parts[0]} is not in needs`);
          else if (parts[1] === 'outputs' && !(parts[2]! in (jobs[parts[0]!]?.['outputs'] ?? {}))) problems.push(`${where}: job ${parts[0]} has no output ${parts[2]}`);
        }
        if (root === 'steps' && !stepsBefore.includes(parts[0]!)) problems.push(`${where}: no earlier step with id ${parts[0]}`);
        if (root === 'matrix') {
          const keys = matrixKeys[id];
          if (!keys) problems.push(`${where}: matrix used without strategy.matrix`);
          else if (!keys.includes(parts[0]!)) problems.push(`${where}: matrix has no key ${parts[0]}`);
        }
        if (root === 'strategy' && !job['strategy']) problems.push(`${where}: strategy used without a strategy`);
      }
    };
    const { steps, outputs, ...rest } = job;
    for (const e of expressions(rest, id)) check(e.text, e.path, []);
    for (const e of expressions(outputs ?? {}, `${id}.outputs`)) check(e.text, e.path, stepIds);
    (steps as Json[]).forEach((s, i) => {
      const before = (steps as Json[]).slice(0, i).map((x) => x['id']).filter(Boolean);
      for (const e of expressions(s, `${id}.steps[${i}]`)) check(e.text, e.path, before);
      // user input spliced into a shell script is a script-injection hole; it goes through env
      if (typeof s['run'] === 'string' && /\$\{\{\s*(inputs|github\.event)\./.test(s['run'])) problems.push(`${id}.steps[${i}]: inputs used directly in run; pass them through env`);
    });
  }
  return problems;
}

const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const emitted = githubMatrix(assignShards(expandMatrix(scenarios, loadVersions(), {}).cases, 3));
const emittedKeys = Object.keys(emitted.include[0] ?? {});

function matrixKeysOf(wf: Json): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [id, job] of Object.entries<Json>(wf['jobs'])) {
    const m = job['strategy']?.matrix;
    if (typeof m === 'string') out[id] = /kong-chaos|needs\.\w+\.outputs\.matrix/.test(m) ? emittedKeys : [];
    else if (m) out[id] = Object.keys(m).filter((k) => k !== 'include' && k !== 'exclude').concat((m.include ?? []).flatMap((x: Json) => Object.keys(x)));
  }
  return out;
}

describe('GitHub workflows', () => {
  it('has ci, nightly and upgrade-gate', () => {
    expect(files.sort()).to.include.members(['ci.yml', 'nightly.yml', 'upgrade-gate.yml']);
  });

  for (const file of files) {
    describe(file, () => {
      const wf = parse(readFileSync(join(DIR, file), 'utf8')) as Json;
      it('matches the workflow schema', () => {
        const ok = validateWorkflow(wf);
        expect(ok, JSON.stringify(validateWorkflow.errors, null, 1)).to.equal(true);
      });
      it('references only defined jobs, inputs, outputs, steps and matrix keys', () => {
        expect(referenceProblems(wf, matrixKeysOf(wf))).to.deep.equal([]);
      });
    });
  }

  it('the emitted matrix is what strategy.matrix takes: include entries with a shard', () => {
    expect(emitted.include.length).to.be.greaterThan(0);
    for (const e of emitted.include) expect(e.shard).to.match(/^\d+\/3$/);
  });

  it('the checks catch broken workflows', () => {
    const broken = {
      name: 'x',
      on: { workflow_dispatch: { inputs: { a: { description: 'a' } } } },
      jobs: {
        one: { 'runs-on': 'ubuntu-latest', outputs: { o: '${{ steps.s.outputs.v }}' }, steps: [{ id: 's', run: 'echo ${{ inputs.a }}' }] },
        two: { 'runs-on': 'ubuntu-latest', needs: ['one', 'ghost'], steps: [{ run: 'echo ${{ needs.one.outputs.p }} ${{ inputs.b }} ${{ matrix.x }} ${{ steps.nope.outputs.z }}' }] },
      },
    };
    expect(validateWorkflow(broken)).to.equal(true);
    const problems = referenceProblems(broken, {});
    for (const p of ['needs unknown job ghost', 'has no output p', 'undefined input b', 'matrix used without strategy.matrix', 'no earlier step with id nope', 'inputs used directly in run']) {
      expect(problems.join('\n')).to.contain(p);
    }
    expect(validateWorkflow({ name: 'x', on: { push: null }, jobs: { a: { 'runs-on': 'u', steps: [{ uses: 'actions/checkout@v4', run: 'x' }] } } })).to.equal(false);
    expect(validateWorkflow({ name: 'x', on: { push: null }, jobs: { a: { 'runs-on': 'u', step: [] } } })).to.equal(false);
  });
});
