import { expect } from 'chai';
import { LineSplitter } from '../../../harness/k8s/lines.ts';
import { splitTimestamp } from '../../../harness/k8s/logs.ts';

function splitAll(chunks: (string | Buffer)[], end: 'flush' | 'discard' = 'flush'): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  splitter[end]();
  return lines;
}

describe('k8s/lines LineSplitter', () => {
  it('joins lines split across chunk boundaries', () => {
    expect(splitAll(['al', 'pha\nbe', 'ta\ngam', 'ma\n'])).to.deep.equal(['alpha', 'beta', 'gamma']);
  });

  it('keeps several lines of one chunk and empty lines', () => {
    expect(splitAll(['a\n\nb\nc\n'])).to.deep.equal(['a', '', 'b', 'c']);
  });

  it('holds a partial last line until its newline, across many chunks', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    for (const c of 'a long line that trickles in') splitter.write(Buffer.from(c));
    expect(lines).to.deep.equal([]);
    splitter.write(Buffer.from('\n'));
    expect(lines).to.deep.equal(['a long line that trickles in']);
  });

  it('flushes a last line without newline on a clean end, drops it on discard', () => {
    expect(splitAll(['one\ntw', 'o'], 'flush')).to.deep.equal(['one', 'two']);
    expect(splitAll(['one\ntw', 'o'], 'discard')).to.deep.equal(['one']);
  });

  it('strips the \\r of CRLF line ends', () => {
    expect(splitAll(['a\r\nb\r', '\n'])).to.deep.equal(['a', 'b']);
  });

  it('decodes a UTF-8 character split between chunks', () => {
    const bytes = Buffer.from('grüße ✓\n', 'utf8');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(splitAll(chunks)).to.deep.equal(['grüße ✓']);
  });
});

describe('k8s/logs splitTimestamp', () => {
  it('splits the kubelet timestamp from the text', () => {
    const line = splitTimestamp('2025-03-01T10:00:00.123456789Z [notice] 1#0: start worker processes');
    expect(line?.timestamp).to.equal('2025-03-01T10:00:00.123456789Z');
    expect(line?.at).to.equal(Date.UTC(2025, 2, 1, 10, 0, 0, 123));
    expect(line?.text).to.equal('[notice] 1#0: start worker processes');
  });

  it('gives sort keys that order like the instants, though RFC3339Nano trims zeros', () => {
    const a = splitTimestamp('2025-03-01T10:00:00.5Z x');
    const b = splitTimestamp('2025-03-01T10:00:00.123456789Z x');
    const c = splitTimestamp('2025-03-01T10:00:00Z x');
    expect(a && b && c).to.not.equal(undefined);
    expect([a!.sortKey, b!.sortKey, c!.sortKey].sort()).to.deep.equal([c!.sortKey, b!.sortKey, a!.sortKey]);
  });

  it('keeps an empty text and rejects a line without timestamp', () => {
    expect(splitTimestamp('2025-03-01T10:00:00Z ')?.text).to.equal('');
    expect(splitTimestamp('2025-03-01T10:00:00Z')?.text).to.equal('');
    expect(splitTimestamp('2025 is not a timestamp')).to.equal(undefined);
  });
});
