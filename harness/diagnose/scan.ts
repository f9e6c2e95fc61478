/**
 * Streams a log and hands over only the lines that can match: each chunk is viewed as Latin-1
 * (one character per byte, so string offsets are byte offsets and no UTF-8 decoding happens),
 * searched with one combined regex of the signatures' required words, and only a line holding
 * one of them, and every other word some signature needs, is decoded and passed on. Memory
 * stays at a chunk plus one partial line.
 */

/** What the scanner looks for; see buildPrefilter in match.ts. */
export interface Prefilter {
  /** every signature's best required words, combined (flags g or gi); undefined: read every line */
  regex: RegExp | undefined;
  /**
   * the rest of the words a line needs for any signature to have a chance, checked on the raw
   * line; `found` holds what the regex matched in it, a match looked for at every position
   */
  accepts(line: string, found: readonly string[]): boolean;
}

/** A line longer than this is read in pieces; a match across a piece boundary is missed. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;
const NEWLINE = 10;
const SLICE_BYTES = 64 * 1024;

/** The end of a slice of whole lines, about SLICE_BYTES long (longer only for a longer line). */
function sliceEnd(region: Buffer, from: number): number {
  if (region.length - from <= SLICE_BYTES) return region.length;
  const before = region.lastIndexOf(NEWLINE, from + SLICE_BYTES - 1);
  if (before >= from) return before + 1;
  const after = region.indexOf(NEWLINE, from + SLICE_BYTES);
  return after === -1 ? region.length : after + 1;
}

/**
 * Calls onLine(lineNumber, bytes) for candidate lines; resolves with the number of lines. Nothing
 * of a chunk is kept once the next is asked for (the partial line is copied), so the reader may
 * hand over one reused buffer; onLine's bytes are valid only during the call.
 */
export async function scanLines(chunks: AsyncIterable<Buffer>, prefilter: Prefilter, onLine: (line: number, bytes: Buffer) => void): Promise<number> {
  let carry: Buffer | undefined;
  let lines = 0;
  for await (const chunk of chunks) {
    let from = 0;
    if (carry) {
      // the line that straddles two chunks: only it is copied, never the whole chunk
      const newline = chunk.indexOf(NEWLINE);
      const joined = Buffer.concat([carry, chunk.subarray(0, newline === -1 ? chunk.length : newline + 1)]);
      if (newline === -1 && joined.length <= MAX_LINE_BYTES) {
        carry = joined;
        continue;
      }
      lines += scanRegion(joined, lines, prefilter, onLine);
      carry = undefined;
      from = newline === -1 ? chunk.length : newline + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= from) lines += scanRegion(chunk.subarray(from, last + 1), lines, prefilter, onLine);
    const rest = Math.max(from, last + 1);
    // a copy, so that the chunk itself can be collected
    if (rest < chunk.length) carry = Buffer.from(chunk.subarray(rest));
  }
  if (carry && carry.length > 0) {
    scanRegion(carry, lines, prefilter, onLine);
    lines++;
  }
  return lines;
}

/** Scans whole lines (the last may lack its newline); returns how many newlines it held. */
function scanRegion(region: Buffer, linesBefore: number, prefilter: Prefilter, onLine: (line: number, bytes: Buffer) => void): number {
  let counted = 0;
  let countedUpTo = 0;
  const lineNumberAt = (offset: number): number => {
    for (let i = region.indexOf(NEWLINE, countedUpTo); i !== -1 && i < offset; i = region.indexOf(NEWLINE, i + 1)) counted++;
    countedUpTo = Math.max(countedUpTo, offset);
    return linesBefore + counted + 1;
  };
  const emit = (start: number, end: number): void => {
    const line = lineNumberAt(start);
    onLine(line, region.subarray(start, end > start && region[end - 1] === 13 ? end - 1 : end));
  };
  const re = prefilter.regex;
  if (re === undefined) {
    for (let start = 0; start < region.length; ) {
      const newline = region.indexOf(NEWLINE, start);
      const end = newline === -1 ? region.length : newline;
      emit(start, end);
      start = end + 1;
    }
  } else {
    // Latin-1: one character per byte, so string offsets are byte offsets and nothing is
    // decoded. Slices stay below V8's large-object size, so their strings die young and cheap.
    for (let from = 0; from < region.length; ) {
      const to = sliceEnd(region, from);
      const text = region.toString('latin1', from, to);
      re.lastIndex = 0;
      let m = re.exec(text);
      while (m !== null) {
        const start = text.lastIndexOf('\n', m.index) + 1;
        const newline = text.indexOf('\n', m.index);
        const end = newline === -1 ? text.length : newline;
        const found = [m[0]];
        // every position, not only after the match: a word may start inside another
        re.lastIndex = m.index + 1;
        let next = re.exec(text);
        for (; next !== null && next.index < end; next = re.exec(text)) {
          found.push(next[0]);
          re.lastIndex = next.index + 1;
        }
        if (prefilter.accepts(text.slice(start, end), found)) emit(from + start, from + end);
        // the first match past this line is where the next candidate line starts: not searched twice
        m = next;
      }
      from = to;
    }
  }
  lineNumberAt(region.length);
  return counted;
}
