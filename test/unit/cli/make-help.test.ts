import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('make help', () => {
  it('names every target the Makefile offers', () => {
    const phony = readFileSync(`${ROOT}Makefile`, 'utf8').match(/^\.PHONY:(.*)$/m)![1]!.trim().split(/\s+/);
    const help = execFileSync('make', ['-s', '--no-print-directory', 'help'], { cwd: ROOT, encoding: 'utf8' });
    const named = [...help.matchAll(/^make (\S+)/gm)].map((m) => m[1]!);
    expect(phony).to.include.members(['plan', 'list', 'doctor']);
    expect(phony.filter((t) => t !== 'help' && !named.includes(t))).to.deep.equal([]);
  });
});
