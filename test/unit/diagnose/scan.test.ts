import { expect } from 'chai';
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
