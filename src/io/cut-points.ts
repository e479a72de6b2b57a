import { open } from 'node:fs/promises';

const QUOTE = 34, COMMA = 44, LF = 10;

export interface CutPoint {
  /** Byte offset of a record start. */
  offset: number;
  /** Line number of that record in the file (1 = the header). */
  line: number;
}

/**
 * Record-aligned cut points of a plain CSV file, about `targetBytes` apart, so that byte ranges can be read
 * in parallel without ever cutting a row or a quoted newline. One sequential pass that mostly runs memchr
 * (Buffer.indexOf) and tracks quote state with the tokenizer's rule: a quote opens a quoted field only at a
 * field start, and "" inside one is an escaped quote. The line count comes along, so rejects found in a
 * range still name the file's own line numbers.
 */
export class CutScanner {
  readonly cuts: CutPoint[] = [];
  private inQuotes = false;
  private prev = LF; // byte before the current position (file start behaves like a line start)
  private pendingQuote = false; // a quote ended the last chunk inside a quoted field: escaped or closing?
  private line = 1;
  private base = 0;
  private nextTarget: number;

  constructor(private readonly targetBytes: number, private readonly size: number) {
    this.nextTarget = targetBytes;
  }

  private recordEnd(absNextStart: number): void {
    this.line++;
    if (absNextStart >= this.nextTarget && absNextStart < this.size) {
      this.cuts.push({ offset: absNextStart, line: this.line });
      this.nextTarget = absNextStart + this.targetBytes;
    }
  }

  push(chunk: Buffer): void {
    const len = chunk.length;
    let i = 0;
    if (this.pendingQuote) {
      this.pendingQuote = false;
      if (len > 0 && chunk[0] === QUOTE) i = 1; // escaped quote, still inside
      else this.inQuotes = false;
    }
    let q = chunk.indexOf(QUOTE, i);
    while (i < len) {
      if (!this.inQuotes) {
        if (q !== -1 && q < i) q = chunk.indexOf(QUOTE, i);
        const nl = chunk.indexOf(LF, i);
        if (q === -1 || (nl !== -1 && nl < q)) {
          if (nl === -1) break;
          this.recordEnd(this.base + nl + 1);
          i = nl + 1;
          continue;
        }
        const before = q > 0 ? chunk[q - 1] : this.prev;
        if (before === COMMA || before === LF || (q === 0 && this.base === 0)) this.inQuotes = true;
        i = q + 1;
        continue;
      }
      // Inside a quoted field: newlines here are data; find the closing quote.
      const close = chunk.indexOf(QUOTE, i);
      const stop = close === -1 ? len : close;
      for (let n = chunk.indexOf(LF, i); n !== -1 && n < stop; n = chunk.indexOf(LF, n + 1)) this.line++;
      if (close === -1) break;
      if (close + 1 >= len) {
        this.pendingQuote = true;
        i = len;
        break;
      }
      if (chunk[close + 1] === QUOTE) i = close + 2;
      else {
        this.inQuotes = false;
        i = close + 1;
      }
      q = chunk.indexOf(QUOTE, i);
    }
    if (len > 0) this.prev = chunk[len - 1];
    this.base += len;
  }
}

export async function findCutPoints(file: string, size: number, targetBytes: number, onProgress?: (bytes: number) => void): Promise<CutPoint[]> {
  if (size <= targetBytes) return [];
  const scanner = new CutScanner(targetBytes, size);
  // One reused buffer: a read stream's fresh 4 MiB per chunk would grow memory with the file until a GC.
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, bytes);
      if (bytesRead === 0) break;
      scanner.push(buf.subarray(0, bytesRead));
      bytes += bytesRead;
      onProgress?.(bytes);
    }
  } finally {
    await fh.close();
  }
  return scanner.cuts;
}
