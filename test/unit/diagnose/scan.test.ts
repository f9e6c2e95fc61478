import { expect } from 'chai';
import { requiredClauses } from '../../../harness/diagnose/literals.ts';
import { buildPrefilter } from '../../../harness/diagnose/match.ts';
import { scanLines, type Prefilter } from '../../../harness/diagnose/scan.ts';

async function* pieces(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** One buffer overwritten with every next piece, as utf8Chunks(input, { reuse: true }) hands them over. */
async function* reusedPieces(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  const shared = Buffer.alloc(size);
  for (let i = 0; i < bytes.length; i += size) {
    shared.fill('#');
    yield shared.subarray(0, bytes.copy(shared, 0, i, i + size));
  }
}

async function candidates(text: string, prefilter: Prefilter, size = 7): Promise<{ lines: number; seen: [number, string][] }> {
  const seen: [number, string][] = [];
  const lines = await scanLines(pieces(text, size), prefilter, (n, bytes) => seen.push([n, bytes.toString('utf8')]));
  return { lines, seen };
}

const word = (re: RegExp, accepts: (l: string) => boolean = () => true): Prefilter => ({ regex: re, accepts });

describe('diagnose: streaming line scanner', () => {
  const text = 'healthy one\nfailure: boom\r\nhealthy two\n\nfailure: bang ünïcode\nlast failure without newline';

  it('passes on only lines with a required word, numbered across chunk boundaries, without CR', async () => {
    for (const size of [1, 3, 7, 64, 1 << 20]) {
      const { lines, seen } = await candidates(text, word(/failure/g), size);
      expect(seen, `chunks of ${size}`).to.deep.equal([
        [2, 'failure: boom'],
        [5, 'failure: bang ünïcode'],
        [6, 'last failure without newline'],
      ]);
      expect(lines).to.equal(6);
    }
  });

  it('keeps nothing of a chunk once it asks for the next, so the reader may reuse one buffer', async () => {
    for (const size of [1, 3, 7, 64]) {
      const seen: [number, string][] = [];
      const lines = await scanLines(reusedPieces(text, size), word(/failure/g), (n, bytes) => seen.push([n, bytes.toString('utf8')]));
      expect({ lines, seen }, `chunks of ${size}`).to.deep.equal(await candidates(text, word(/failure/g), size));
    }
  });

  it('asks the word check before passing a line on', async () => {
    const { seen } = await candidates(text, word(/failure/g, (l) => l.includes('bang')));
    expect(seen).to.deep.equal([[5, 'failure: bang ünïcode']]);
  });

  it('passes on every line when a signature needs no word', async () => {
    const { seen } = await candidates('a\nb\n', { regex: undefined, accepts: () => true });
    expect(seen).to.deep.equal([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('reports one line per match even when the word repeats, and counts a trailing newline as no extra line', async () => {
    const { lines, seen } = await candidates('x failure failure failure\n', word(/failure/g));
    expect(seen).to.deep.equal([[1, 'x failure failure failure']]);
    expect(lines).to.equal(1);
  });

  it('finds words in slices of a large region, with line numbers intact', async () => {
    const filler = `${'healthy line that says nothing at all '.repeat(3)}\n`.repeat(5000);
    const { seen } = await candidates(`${filler}failure here\n${filler}failure again\n`, word(/failure/g), 1 << 20);
    expect(seen).to.deep.equal([
      [5001, 'failure here'],
      [10002, 'failure again'],
    ]);
  });
});

describe('diagnose: the prefilter tries only the signatures whose words are in the line', () => {
  // as the Matcher keeps them: a case-insensitive pattern's words lower-cased
  const log = (id: string, pattern: RegExp) => ({
    signature: { id, kind: 'log' as const, component: 'gateway' as const, description: id, pattern },
    clauses: requiredClauses(pattern).map((c) => (pattern.ignoreCase ? c.map((w) => w.toLowerCase()) : c)),
  });

  it('hands the scanner every word at every position, overlapping ones too', async () => {
    const asked: string[][] = [];
    const prefilter: Prefilter = { regex: /plugins_cache_key|key_key/g, accepts: (_line, found) => (asked.push([...found]), true) };
    await candidates('x plugins_cache_key_key y\nnothing\n', prefilter, 1 << 20);
    expect(asked).to.deep.equal([['plugins_cache_key', 'key_key']]);
  });

  it('accepts a line for a signature whose word lies inside a longer word of another signature, and only for signatures whose words are all there', () => {
    const { regex, accepts } = buildPrefilter([log('long', /duplicate key value violates unique constraint "plugins_cache_key_key"/), log('short', /cache_key.*rebuilt/), log('ci', /FAILING to Sync/i)]);
    const line = 'plugins_cache_key_key rebuilt';
    expect([...line.matchAll(new RegExp(regex!.source, regex!.flags))].map((m) => m[0]), 'one pass over the line sees only the longest word').to.deep.equal(['plugins_cache_key_key']);
    expect(accepts(line, ['plugins_cache_key_key']), 'cache_key.*rebuilt, through the longer word').to.equal(true);
    expect(accepts('plugins_cache_key_key only', ['plugins_cache_key_key'])).to.equal(false);
    expect(regex!.flags, 'one case-insensitive pattern leaves the regex case-sensitive').to.equal('g');
    expect('a Failing To Sync b'.match(regex!), 'its words spelt in any case').to.deep.equal(['Failing']);
    expect(accepts('Failing To Sync kong', ['Failing']), 'case-insensitive').to.equal(true);
    expect(accepts('Failing to start', ['Failing'])).to.equal(false);
    expect(accepts('nothing here', [])).to.equal(false);
  });
});
