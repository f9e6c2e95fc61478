import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { startProgress } from '../../../harness/cli/probe.ts';
import type { RequestRecord } from '../../../harness/probes/traffic/record.ts';

const T0 = 1_700_000_000_000;
const ok: RequestRecord = { target: 0, scheduled: T0, start: T0, end: T0 + 1, status: 200 };
const failed: RequestRecord = { target: 0, scheduled: T0, start: T0, end: T0 + 5_000, error: 'timeout' };

/** A stream that collects what is written, as a terminal (isTTY) or as a pipe. */
function stderrLike(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream: PassThrough & { isTTY?: boolean } = Object.assign(new PassThrough(), isTTY ? { isTTY: true } : {});
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join('') };
}

describe('probe live progress', function () {
  this.timeout(5_000);

  it('rewrites one line every second on a terminal, and clears it at the end', async () => {
    const { stream, text } = stderrLike(true);
    const progress = startProgress(stream, 60);
    progress.count(ok);
    progress.count(ok);
    progress.count(ok);
    progress.count(failed);
    await new Promise((resolve) => setTimeout(resolve, 1_150));
    progress.stop();
    expect(text()).to.match(/^\r\x1b\[K1\/60 s {2}sent 4 {2}ok 75\.00% {2}failed 1\r\x1b\[K$/);
  });

  it('writes nothing into a pipe or a file', async () => {
    const { stream, text } = stderrLike(false);
    const progress = startProgress(stream, 60);
    progress.count(ok);
    await new Promise((resolve) => setTimeout(resolve, 1_150));
    progress.stop();
    expect(text()).to.equal('');
  });
});
