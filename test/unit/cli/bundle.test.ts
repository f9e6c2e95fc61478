import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { buildBundle, CLI, currentBundle, freshBundle, type Project } from '../../../bin/cli-bundle.js';

/**
 * The CLI's bundle (bin/cli-bundle.js) on a small project of its own: two modules, one of which
 * reads a file next to itself through import.meta.url as harness modules read package.json.
 */
async function project(): Promise<Project> {
  const root = await mkdtemp(join(tmpdir(), 'kong-chaos-bundle-'));
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src', 'answer.ts'), 'export const answer: number = 41;\n');
  await writeFile(join(root, 'src', 'label.txt'), 'next to main.ts\n');
  await writeFile(
    join(root, 'src', 'main.ts'),
    [
      "import { readFileSync } from 'node:fs';",
      "import { answer } from './answer.ts';",
      "export const label = readFileSync(new URL('./label.txt', import.meta.url), 'utf8').trim();",
      'export function main(): number { return answer; }',
      "export const lazy = async (): Promise<string> => (await import('./lazy.ts')).word;",
      '',
    ].join('\n'),
  );
  await writeFile(join(root, 'src', 'lazy.ts'), "export const word = 'chunk';\n");
  return { root, entries: { main: 'src/main.ts' } };
}

interface Built {
  main(): number;
  label: string;
  lazy(): Promise<string>;
}

/** A fresh ESM loader cache per directory: each build lives in a directory of its own. */
async function load(dir: string): Promise<Built> {
  return (await import(pathToFileURL(join(dir, 'main.js')).href)) as Built;
}

describe('the CLI bundle (bin/cli-bundle.js)', function () {
  this.timeout(60_000);
  const roots: string[] = [];
  afterEach(async () => {
    for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
  });

  async function fresh(): Promise<Project> {
    const p = await project();
    roots.push(p.root);
    return p;
  }

  it('builds the sources once and reuses that bundle while they are unchanged', async () => {
    const p = await fresh();
    expect(freshBundle(p.root), 'nothing built yet').to.equal(undefined);
    const first = await currentBundle(p);
    const built = await load(first);
    expect(built.main()).to.equal(41);
    expect(built.label, 'import.meta.url points at the source file').to.equal('next to main.ts');
    expect(await built.lazy(), 'a dynamic import stays a chunk that loads').to.equal('chunk');
    const mtime = (await stat(join(first, 'main.js'))).mtimeMs;
    expect(await currentBundle(p), 'fresh: the same bundle, not a rebuild').to.equal(first);
    expect((await stat(join(first, 'main.js'))).mtimeMs).to.equal(mtime);
  });

  it('rebuilds before running when a source changed', async () => {
    const p = await fresh();
    const first = await currentBundle(p);
    await writeFile(join(p.root, 'src', 'answer.ts'), 'export const answer: number = 1234;\n');
    expect(freshBundle(p.root), 'the edit makes the bundle stale').to.equal(undefined);
    const second = await currentBundle(p);
    expect(second).not.to.equal(first);
    expect((await load(second)).main()).to.equal(1234);
    expect(freshBundle(p.root)).to.equal(second);
  });

  it('rebuilds after an edit that keeps size and mtime (a rewrite within one tick of the coarse file clock)', async () => {
    const p = await fresh();
    const file = join(p.root, 'src', 'answer.ts');
    const tick = new Date(Math.floor(Date.now() / 1000) * 1000);
    await utimes(file, tick, tick);
    await currentBundle(p);
    await writeFile(file, 'export const answer: number = 42;\n');
    await utimes(file, tick, tick);
    expect(freshBundle(p.root), 'same size and mtime, other content').to.equal(undefined);
    expect((await load(await currentBundle(p))).main()).to.equal(42);
  });

  it('rebuilds when a source is gone or the manifest is missing', async () => {
    const p = await fresh();
    await currentBundle(p);
    await rm(join(p.root, '.cache', 'cli', 'manifest.json'));
    expect(freshBundle(p.root)).to.equal(undefined);
    await currentBundle(p);
    await rm(join(p.root, 'src', 'lazy.ts'));
    expect(freshBundle(p.root)).to.equal(undefined);
  });

  it('two concurrent builds each get a complete bundle and leave a manifest pointing at one of them', async () => {
    const p = await fresh();
    const [a, b] = await Promise.all([buildBundle(p), buildBundle(p)]);
    expect(a).not.to.equal(b);
    for (const dir of [a, b]) expect((await load(dir)).main()).to.equal(41);
    const manifest = JSON.parse(await readFile(join(p.root, '.cache', 'cli', 'manifest.json'), 'utf8')) as { dir: string };
    expect([a, b]).to.include(join(p.root, '.cache', 'cli', manifest.dir));
  });
});

describe('bin/kong-chaos.js runs the bundle of the current sources', function () {
  this.timeout(60_000);

  it('starts from a fresh bundle of this checkout, which records every source main.ts loads', async () => {
    const bin = fileURLToPath(new URL('../../../bin/kong-chaos.js', import.meta.url));
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, '--version'], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(code).to.equal(0);
    const dir = freshBundle(CLI.root);
    expect(dir, 'the start left a fresh bundle').to.be.a('string');
    const manifest = JSON.parse(await readFile(join(CLI.root, '.cache', 'cli', 'manifest.json'), 'utf8')) as { inputs: Record<string, string> };
    expect(Object.keys(manifest.inputs)).to.include.members(['harness/cli/main.ts', 'harness/cli/diagnose.ts', 'harness/diagnose/field-signatures.ts', 'scenarios/index.ts', 'tsconfig.json']);
  });
});
