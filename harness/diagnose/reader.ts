import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { UserError } from '../errors.ts';

export type Encoding = 'utf8' | 'utf16le' | 'utf16be';

/** A file the user gave, checked to be readable text; its bytes are read later, as a stream. */
export interface Input {
  file: string;
  size: number;
  encoding: Encoding;
  /** bytes of byte-order mark to skip */
  bom: number;
  /** the start of the file, decoded: enough to tell a log from a YAML or JSON document */
  head: string;
}

const SAMPLE_BYTES = 64 * 1024;
const CHUNK_BYTES = 1024 * 1024;
/** above this share of control bytes and undecodable characters, a file is binary */
const BINARY_SHARE = 0.1;

/**
 * Opens a file and decides whether it is text: missing files, directories, empty files and
 * binary data are refused with a one-line UserError. Only the first 64 KiB are read.
 */
export async function openInput(file: string): Promise<Input> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.code === 'EACCES' ? 'permission denied' : error.message}`);
  });
  if (info.isDirectory()) throw new UserError(`${file} is a directory; give the log, event or object files inside it`);
  if (!info.isFile()) throw new UserError(`${file} is not a regular file`);
  const sample = await readSample(file);
  const { encoding, bom } = detectEncoding(sample);
  if (sample.length - bom === 0) throw new UserError(`${file} is empty`);
  const head = decodeSample(sample.subarray(bom), encoding);
  const binary = binaryReason(sample, head);
  if (binary) throw new UserError(`${file} is not text (${binary})`);
  if (head.trim() === '') throw new UserError(`${file} is empty (only blank lines)`);
  return { file, size: info.size, encoding, bom, head };
}

async function readSample(file: string): Promise<Buffer> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read ${file}: ${error.code === 'EACCES' ? 'permission denied' : error.message}`);
  });
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A byte-order mark decides; without one, UTF-16 shows as NUL in every other byte of ASCII text. */
export function detectEncoding(sample: Buffer): { encoding: Encoding; bom: number } {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf8', bom: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf16le', bom: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf16be', bom: 2 };
  const pairs = Math.floor(Math.min(sample.length, 4096) / 2);
  if (pairs >= 2) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < pairs * 2; i += 2) {
      if (sample[i] === 0) evenNul++;
      if (sample[i + 1] === 0) oddNul++;
    }
    if (oddNul > pairs * 0.4 && evenNul < pairs * 0.05) return { encoding: 'utf16le', bom: 0 };
    if (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) return { encoding: 'utf16be', bom: 0 };
  }
  return { encoding: 'utf8', bom: 0 };
}

function decodeSample(bytes: Buffer, encoding: Encoding): string {
  return encoding === 'utf8' ? bytes.toString('utf8') : new Utf16ToUtf8(encoding).write(bytes).toString('utf8');
}

/**
 * Text is mostly printable. A few junk lines, Latin-1 bytes or broken UTF-8 are tolerated (they
 * decode to U+FFFD and are harmless); a compressed, executable or image file is not.
 */
function binaryReason(sample: Buffer, head: string): string | undefined {
  if (sample[0] === 0x1f && sample[1] === 0x8b) return 'gzip data; decompress it first';
  if (sample[0] === 0x50 && sample[1] === 0x4b && sample[2] === 0x03 && sample[3] === 0x04) return 'a zip archive; extract it first';
  let odd = 0;
  for (let i = 0; i < head.length; i++) {
    const code = head.charCodeAt(i);
    // tab, newline, carriage return, form feed and ESC (ANSI colours) are normal in logs
    if ((code < 0x20 && code !== 9 && code !== 10 && code !== 13 && code !== 12 && code !== 27) || code === 0xfffd) odd++;
  }
  return odd > head.length * BINARY_SHARE ? `${Math.round((odd / head.length) * 100)}% of the first ${head.length} characters are control bytes or invalid UTF-8` : undefined;
}

/** UTF-16 input re-encoded as UTF-8, chunk by chunk, so that the scanner only ever sees UTF-8. */
class Utf16ToUtf8 {
  private readonly decoder = new StringDecoder('utf16le');
  private odd: Buffer | undefined;

  constructor(private readonly encoding: 'utf16le' | 'utf16be') {}

  write(chunk: Buffer): Buffer {
    let bytes = chunk;
    if (this.encoding === 'utf16be') {
      if (this.odd) bytes = Buffer.concat([this.odd, bytes]);
      const even = bytes.length - (bytes.length % 2);
      this.odd = even < bytes.length ? Buffer.from(bytes.subarray(even)) : undefined;
      bytes = Buffer.from(bytes.subarray(0, even)).swap16();
    }
    return Buffer.from(this.decoder.write(bytes), 'utf8');
  }
}

/**
 * The file's content after the byte-order mark, as UTF-8 chunks of about 1 MiB (smaller chunks
 * cost time, larger ones memory). With `reuse`, every chunk is read into one and the same buffer,
 * valid only until the next is asked for: a 200 MB log then costs 1 MiB, where fresh chunks
 * pile up as external memory until a full collection frees them (the scanner copies the one
 * partial line it keeps).
 */
export async function* utf8Chunks(input: Input, { reuse = false } = {}): AsyncGenerator<Buffer> {
  const handle = await open(input.file, 'r');
  try {
    const transcoder = input.encoding === 'utf8' ? undefined : new Utf16ToUtf8(input.encoding);
    const shared = reuse ? Buffer.allocUnsafe(CHUNK_BYTES) : undefined;
    for (let position = input.bom; ; ) {
      const buffer = shared ?? Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      const chunk = buffer.subarray(0, bytesRead);
      yield transcoder ? transcoder.write(chunk) : chunk;
    }
  } finally {
    await handle.close();
  }
}

/** A whole structured document (events, objects), decoded; refused beyond `maxBytes`. */
export async function readDocument(input: Input, maxBytes: number): Promise<string> {
  if (input.size > maxBytes) {
    throw new UserError(`${input.file} is a ${Math.round(input.size / 1e6)} MB YAML/JSON document; documents are parsed whole, up to ${Math.round(maxBytes / 1e6)} MB (logs of any size are streamed)`);
  }
  const parts: Buffer[] = [];
  for await (const chunk of utf8Chunks(input)) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}
