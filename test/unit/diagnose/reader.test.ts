import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInput, utf8Chunks } from '../../../harness/diagnose/reader.ts';
import { UserError } from '../../../harness/errors.ts';

async function text(file: string): Promise<string> {
  const input = await openInput(file);
  const parts: Buffer[] = [];
  for await (const c of utf8Chunks(input)) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

async function refusal(file: string): Promise<UserError> {
  try {
    await openInput(file);
  } catch (error) {
    expect(error).to.be.instanceOf(UserError);
    return error as UserError;
  }
  throw new Error(`${file} was accepted`);
}

describe('diagnose: reading user files', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'diagnose-reader-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  const line = 'E0410 07:43:55.293942      10 controller.go:131] unexpected failure updating Kong configuration: é\n';

  it('decodes UTF-16LE and UTF-16BE with a byte-order mark, and UTF-16LE without one', async () => {
    const le = join(dir, 'le.log');
    const be = join(dir, 'be.log');
    const bare = join(dir, 'bare.log');
    await writeFile(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(line.repeat(3), 'utf16le')]));
    await writeFile(be, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(line.repeat(3), 'utf16le').swap16()]));
    await writeFile(bare, Buffer.from(line.repeat(3), 'utf16le'));
    for (const f of [le, be, bare]) expect(await text(f), f).to.equal(line.repeat(3));
  });

  it('drops a UTF-8 byte-order mark and keeps Latin-1 bytes readable (as U+FFFD) without failing', async () => {
    const bom = join(dir, 'bom.log');
    const latin1 = join(dir, 'latin1.log');
    await writeFile(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(line)]));
    await writeFile(latin1, Buffer.from('Fehler beim Aktualisieren: Gr\xf6\xdfe\n'.repeat(20), 'latin1'));
    expect(await text(bom)).to.equal(line);
    expect(await text(latin1)).to.include('Gr\ufffd\ufffde');
  });

  it('with reuse, reads a log of several chunks into one buffer, each chunk whole while it is current', async () => {
    const big = join(dir, 'big.log');
    const content = line.repeat(30_000);
    await writeFile(big, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(content)]));
    const copies: Buffer[] = [];
    const arrays = new Set<ArrayBufferLike>();
    for await (const c of utf8Chunks(await openInput(big), { reuse: true })) {
      copies.push(Buffer.from(c));
      arrays.add(c.buffer);
    }
    expect(copies.length).to.be.above(2);
    expect(arrays.size).to.equal(1);
    expect(Buffer.concat(copies).toString('utf8')).to.equal(content);
  });

  it('accepts a log with a few binary junk lines', async () => {
    const junk = join(dir, 'junk.log');
    await writeFile(junk, Buffer.concat([Buffer.from(line.repeat(50)), Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 10]), Buffer.from(line.repeat(50))]));
    expect((await text(junk)).split('\n')).to.have.length(102);
  });

  it('refuses binary data, gzip, a missing file, a directory and an empty file, in one line each', async () => {
    const binary = join(dir, 'binary.bin');
    const gzip = join(dir, 'logs.gz');
    const empty = join(dir, 'empty.log');
    const blank = join(dir, 'blank.log');
    await writeFile(binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    await writeFile(gzip, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]));
    await writeFile(empty, '');
    await writeFile(blank, '\n\n  \n');
    expect((await refusal(binary)).message).to.match(/binary\.bin is not text/);
    expect((await refusal(gzip)).message).to.match(/gzip/);
    expect((await refusal(join(dir, 'nope.log'))).message).to.match(/nope\.log: no such file/);
    expect((await refusal(dir)).message).to.match(/is a directory/);
    expect((await refusal(empty)).message).to.match(/empty\.log is empty/);
    expect((await refusal(blank)).message).to.match(/blank\.log is empty/);
    for (const f of [binary, gzip, empty]) expect((await refusal(f)).message).to.not.include('\n');
  });
});
