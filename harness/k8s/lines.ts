import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines across chunk boundaries. A partial line is kept as a
 * list of pieces and joined once when its newline arrives, so a long line that trickles in
 * over many chunks costs linear, not quadratic, time. UTF-8 characters split between chunks
 * are decoded whole.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending: string[] = [];

  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: Buffer): void {
    const text = this.decoder.write(chunk);
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      let line = text.slice(start, newline);
      if (this.pending.length > 0) {
        this.pending.push(line);
        line = this.pending.join('');
        this.pending = [];
      }
      this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      start = newline + 1;
    }
    if (start < text.length) this.pending.push(text.slice(start));
  }

  /** The stream ended cleanly: a last line without a newline is still a line. */
  flush(): void {
    const rest = this.pending.join('') + this.decoder.end();
    this.pending = [];
    if (rest !== '') this.onLine(rest);
  }

  /** The stream broke: a partial line is incomplete and will be read again in full. */
  discard(): void {
    this.pending = [];
    this.decoder.end();
  }
}
