import { csvText } from '../domain/shard-records';

/** CSV text for output files: quotes only when a value needs it (the shard lines' rule). */
export const csvField = csvText;

export function csvLine(values: readonly string[]): string {
  let s = '';
  for (let i = 0; i < values.length; i++) s += (i ? ',' : '') + csvField(values[i]);
  return s + '\n';
}

/** A cell from any value: null/undefined empty, BigInt and numbers as exact decimal text. */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

const COMMA = 44, QUOTE = 34, LF = 10, CR = 13, MINUS = 45, ZERO = 48;

/** Writes the decimal digits of a safe non-negative integer at out[p]; returns the position after them. */
export function writeDigits(out: Buffer, p: number, v: number): number {
  let digits = 1;
  for (let t = 10; t <= v; t *= 10) digits++;
  const end = p + digits;
  let i = end;
  do {
    const q = Math.floor(v / 10);
    out[--i] = ZERO + (v - q * 10);
    v = q;
  } while (v > 0);
  return end;
}

/**
 * CSV written straight into a growing Buffer, cell by cell: the same text as `csvLine(values.map(cell))`
 * (tested), without building a string per cell and per line. Integers below 2^53 are written digit by
 * digit; a job's orders table is mostly such integers, and string building was most of its write time.
 */
export class CsvBytes {
  private buf: Buffer;
  private n = 0;
  private first = true;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  private room(bytes: number): void {
    if (this.n + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + bytes));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }

  private separate(): void {
    if (this.first) this.first = false;
    else {
      this.room(1);
      this.buf[this.n++] = COMMA;
    }
  }

  /** Any value, as `cell` renders it; strings are quoted when they need it. */
  value(v: unknown): void {
    if (typeof v === 'number' && Number.isSafeInteger(v)) this.integer(v);
    else if (typeof v === 'string') this.text(v);
    else this.plain(cell(v));
  }

  /** A value whose text never needs quoting and is ASCII (numbers, BigInts, booleans, empty). */
  plain(s: string): void {
    this.separate();
    this.room(s.length);
    // Copied in JS: these strings are a few characters long, shorter than a native write call costs.
    const b = this.buf;
    for (let i = 0; i < s.length; i++) b[this.n++] = s.charCodeAt(i);
  }

  text(s: string): void {
    this.separate();
    this.room(s.length);
    const b = this.buf, start = this.n;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128 || c === COMMA || c === QUOTE || c === LF || c === CR) {
        // Non-ASCII or in need of quotes: the general path (rare in our outputs).
        const q = csvField(s);
        this.n = start;
        this.room(Buffer.byteLength(q));
        this.n += this.buf.write(q, this.n, 'utf8');
        return;
      }
      b[this.n++] = c;
    }
  }

  integer(v: number): void {
    this.separate();
    this.room(17);
    if (v < 0) {
      this.buf[this.n++] = MINUS;
      v = -v;
    }
    this.n = writeDigits(this.buf, this.n, v);
  }

  endLine(): void {
    this.room(1);
    this.buf[this.n++] = LF;
    this.first = true;
  }

  /** The bytes written so far (a view: valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.n);
  }
}
