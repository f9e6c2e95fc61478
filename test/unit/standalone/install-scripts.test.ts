import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const read = (file: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../../${file}`, import.meta.url)), 'utf8')) as unknown;
const pkg = read('package.json') as { allowScripts?: Record<string, boolean> };
const lock = read('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> };

/** `node_modules/a/node_modules/@s/b` → `@s/b` */
const nameOf = (lockPath: string) => lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length);
/** `esbuild@0.28.2`, `@s/b@1`, `ssh2` → the package name (npm's allowScripts keys) */
const keyName = (key: string) => key.replace(/(?<=.)@[^@/]*$/, '');

describe('install scripts the project allows (package.json allowScripts)', () => {
  const withScripts = [...new Set(Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([path]) => nameOf(path)))].sort();
  const decided = Object.keys(pkg.allowScripts ?? {}).map(keyName).sort();

  it('decides for every locked package with an install script, so npm ci warns about none', () => {
    expect(withScripts.filter((name) => !decided.includes(name))).to.deep.equal([]);
  });

  it('names no package that is no longer locked', () => {
    expect(decided.filter((name) => !withScripts.includes(name))).to.deep.equal([]);
  });
});
