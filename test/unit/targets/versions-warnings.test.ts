import { expect } from 'chai';
import { UserError } from '../../../harness/errors.ts';
import { parseVersions } from '../../../harness/targets/versions.ts';

/** Process warnings emitted while `fn` runs (they are emitted on the next tick). */
async function warningsDuring(fn: () => void): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(`${w.name}: ${w.message.split('\n')[0]}`);
  process.on('warning', listener);
  try {
    fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

describe('versions.yaml that YAML only warns about', () => {
  for (const [what, text] of [
    ['an unknown directive', '%FOO bar\n---\nkind: {}\n'],
    ['an unresolved tag', 'kind: !pinned {}\n'],
  ] as const) {
    it(`${what}: refused in one line, with no YAMLWarning printed to stderr`, async () => {
      let refusal: unknown;
      const warnings = await warningsDuring(() => {
        try {
          parseVersions(text);
        } catch (error) {
          refusal = error;
        }
      });
      expect(warnings).to.deep.equal([]);
      expect(refusal).to.be.instanceOf(UserError);
      expect((refusal as Error).message).to.match(/^versions\.yaml is not valid YAML: (Unknown directive %FOO|Unresolved tag: !pinned) at line 1/);
    });
  }
});
