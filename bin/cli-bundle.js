// The CLI runs from an esbuild bundle of its TypeScript sources in .cache/cli/, which starts in a
// fraction of the time loading every source through tsx takes. Stale code cannot run: the bundle
// records each source file it was built from (size and mtime, read before the file's contents),
// and every start compares them with the files on disk and rebuilds first when any differs.
// `npm ci` builds it once (package.json `prepare`) so that the first command is fast too.
//
//   node bin/cli-bundle.js      build the bundle unless it is fresh (what `prepare` runs)
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout whose CLI this is, and the entry modules bin/kong-chaos.js imports. */
export const CLI = {
  root: fileURLToPath(new URL('..', import.meta.url)),
  entries: { 'closed-pipe': 'harness/cli/closed-pipe.ts', main: 'harness/cli/main.ts' },
};

/** A superseded build is removed this long after it was superseded: a process that read the old manifest has loaded its chunks by then. */
const SUPERSEDED_KEEP_MS = 10 * 60_000;
/** A file modified less than this before the build read it is also recorded by content (below). */
const RACY_NS = 2_000_000_000n;

/**
 * Files that shape the output without being bundled: this builder, esbuild itself and the
 * compiler options esbuild reads.
 */
const BUILD_INPUTS = [fileURLToPath(import.meta.url), 'tsconfig.json', 'node_modules/esbuild/package.json'];

/**
 * @typedef {{ root: string, entries: Record<string, string> }} Project
 * @typedef {{ dir: string, inputs: Record<string, string> }} Manifest   inputs: file (relative to root) → "size:mtimeNs[:sha256]"
 */

/** @param {string} root */
function cacheDir(root) {
  return join(root, '.cache', 'cli');
}

/** @param {string} file  absolute; "size:mtimeNs", undefined when it is gone */
function fingerprint(file) {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.size}:${s.mtimeNs}`;
  } catch {
    return undefined;
  }
}

/** @param {Buffer} content */
function hash(content) {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * File times come from a coarse clock (a few ms), so a file rewritten with the same size within
 * that tick of being read keeps its fingerprint. As git does for "racily clean" files, one
 * modified shortly before it was read is also recorded by content, and compared by content.
 * @param {bigint} mtimeNs
 * @param {Buffer} content  what the build read
 */
function racyHash(mtimeNs, content) {
  const recent = BigInt(Date.now()) * 1_000_000n - mtimeNs < RACY_NS;
  return recent ? `:${hash(content)}` : '';
}

/** @param {string} file  absolute @param {string} recorded */
function unchanged(file, recorded) {
  const [size, mtime, contentHash] = recorded.split(':');
  if (fingerprint(file) !== `${size}:${mtime}`) return false;
  if (contentHash === undefined) return true;
  try {
    return hash(readFileSync(file)) === contentHash;
  } catch {
    return false;
  }
}

/**
 * The bundle directory when the manifest's every input is unchanged on disk, else undefined.
 * @param {string} root
 */
export function freshBundle(root) {
  /** @type {Manifest} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(cacheDir(root), 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  for (const [file, recorded] of Object.entries(manifest.inputs)) if (!unchanged(resolve(root, file), recorded)) return undefined;
  return join(cacheDir(root), manifest.dir);
}

/**
 * Builds the bundle into a directory of its own and points the manifest at it. The manifest is
 * replaced by a rename, so a concurrent start reads the old one or the new one, never half of
 * either; two concurrent builds each load their own complete directory.
 * @param {Project} project
 * @returns {Promise<string>} the bundle directory
 */
export async function buildBundle({ root, entries }) {
  const { build } = await import('esbuild');
  const cache = cacheDir(root);
  const name = `build-${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const dir = join(cache, name);
  mkdirSync(cache, { recursive: true });
  /** @type {Record<string, string>} */
  const inputs = {};
  /** Stat before read: an edit after the stat changes what the next start sees. @param {string} file */
  const read = (file) => {
    const s = statSync(file, { bigint: true });
    const content = readFileSync(file);
    inputs[relative(root, file).split(sep).join('/')] = `${s.size}:${s.mtimeNs}${racyHash(s.mtimeNs, content)}`;
    return content;
  };
  for (const file of BUILD_INPUTS) {
    const path = resolve(root, file);
    if (fingerprint(path) !== undefined) read(path);
  }
  await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([out, src]) => [out, join(root, src)])),
    outdir: dir,
    bundle: true,
    splitting: true, // `run`, `matrix`, `diagnose`… stay lazily loaded chunks, as main.ts asks
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external', // node_modules load from node_modules
    sourcemap: 'linked', // NODE_OPTIONS=--enable-source-maps makes stack traces name the TypeScript lines
    logLevel: 'error',
    plugins: [
      {
        name: 'fingerprint-and-locate',
        setup(b) {
          b.onLoad({ filter: /\.[cm]?[jt]s$|\.json$/ }, (args) => {
            const source = read(args.path).toString('utf8');
            // A module finds files next to itself (package.json, versions.yaml) through its own
            // URL; in the bundle that is the chunk's, so it is rewritten to the source file's.
            const own = relative(dir, args.path).split(sep).join('/');
            const contents = source.replace(/\bimport\.meta\.url\b/g, `new URL(${JSON.stringify(own)}, import.meta.url).href`);
            const ext = extname(args.path).slice(1);
            return { contents, loader: ext === 'json' ? 'json' : ext.startsWith('m') || ext.startsWith('c') ? ext.slice(1) : ext };
          });
        },
      },
    ],
  });
  const previous = readManifestDir(cache);
  const temp = join(cache, `manifest.json.${name}.tmp`);
  writeFileSync(temp, JSON.stringify({ dir: name, inputs }));
  renameSync(temp, join(cache, 'manifest.json'));
  if (previous && previous !== name) touch(join(cache, previous));
  removeSuperseded(cache, name);
  return dir;
}

/** @param {string} cache */
function readManifestDir(cache) {
  try {
    return /** @type {Manifest} */ (JSON.parse(readFileSync(join(cache, 'manifest.json'), 'utf8'))).dir;
  } catch {
    return undefined;
  }
}

/** A directory's mtime marks when it was superseded. @param {string} path */
function touch(path) {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // already removed by another process
  }
}

/** @param {string} cache @param {string} current */
function removeSuperseded(cache, current) {
  const pointedTo = readManifestDir(cache);
  for (const entry of readdirSync(cache)) {
    if (!entry.startsWith('build-') || entry === current || entry === pointedTo) continue;
    const path = join(cache, entry);
    const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > SUPERSEDED_KEEP_MS) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * The directory of a bundle of the current sources: the cached one when fresh, else a new build.
 * @param {Project} project
 */
export async function currentBundle(project) {
  return freshBundle(project.root) ?? buildBundle(project);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`kong-chaos: CLI bundle in ${relative(CLI.root, await currentBundle(CLI))}`);
}
