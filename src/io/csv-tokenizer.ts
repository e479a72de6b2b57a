/**
 * A streaming RFC 4180 tokenizer over Buffers: quoted fields with embedded commas, doubled quotes and
 * newlines; LF and CRLF; a UTF-8 BOM at the start. csv-parse is the differential oracle in the tests
 * (it is ~8x slower on this workload, see README "Performance").
 *
 * Records are delivered through a callback with their 1-based starting line number; while the callback
 * runs, `currentRaw()` returns the record's raw text (for rejects files). Blank lines are skipped.
 */

import { giveBuffer, takeBuffer } from './buffer-shelf';

const QUOTE = 34, COMMA = 44, LF = 10, CR = 13;

export type RecordHandler = (fields: string[], line: number) => void;

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

export class CsvTokenizer {
  private carry: Buffer | null = null;
  /**
   * Reused for a record cut across two chunks: the tail of one chunk and the next chunk are copied here
   * rather than concatenated into a fresh buffer per chunk (external memory would grow until a GC).
   * Callbacks never keep `buf` past their return, so reuse is safe.
   */
  private joined: Buffer = Buffer.alloc(0);
  private nextLine = 1;
  private atStart = true;
  private rawBuf: Buffer = Buffer.alloc(0);
  private rawStart = 0;
  private rawEnd = 0;
  /** Malformed records (unterminated or stray quotes) go here instead of throwing; the caller rejects them. */
  onMalformed: ((line: number, raw: string, reason: string) => void) | null = null;
  /**
   * Offered every unquoted record's bytes first (no line ending); returning true means it was handled and
   * no fields are built. Lets a hot path route rows without creating strings.
   */
  onRawRecord: ((buf: Buffer, start: number, end: number, line: number) => boolean) | null = null;

  constructor(private readonly onRecord: RecordHandler) {}

  /** Raw text of the record being delivered (without its line ending). */
  currentRaw(): string {
    return this.rawBuf.toString('utf8', this.rawStart, this.rawEnd);
  }

  /** Line number the next record starts on. */
  get line(): number {
    return this.nextLine;
  }

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.carry) {
      const c = this.carry.length, need = c + chunk.length;
      if (this.joined.length < need) {
        const grown = takeBuffer(Math.max(need, 2 * this.joined.length));
        this.carry.copy(grown, 0);
        giveBuffer(this.joined);
        this.joined = grown;
      } else if (this.carry.buffer !== this.joined.buffer || this.carry.byteOffset !== this.joined.byteOffset) {
        this.carry.copy(this.joined, 0); // Buffer.copy handles the overlap when carry lies inside `joined`
      }
      chunk.copy(this.joined, c);
      buf = this.joined.subarray(0, need);
      this.carry = null;
    }
    let pos = 0;
    if (this.atStart) {
      if (buf.length < 3 && buf.length > 0 && buf[0] === 0xef) {
        this.carry = Buffer.from(buf);
        return;
      }
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
      if (buf.length > 0) this.atStart = false;
    }
    pos = this.scan(buf, pos, false);
    // The caller may reuse `chunk` once push returns: keep the tail in our own buffer.
    if (pos < buf.length) this.carry = buf === chunk ? Buffer.from(buf.subarray(pos)) : buf.subarray(pos);
  }

  /** Gives the join buffer back to the thread's shelf (call once the input is done). */
  release(): void {
    giveBuffer(this.joined);
    this.joined = Buffer.alloc(0);
    this.carry = this.carry ? Buffer.from(this.carry) : null;
  }

  /** Flushes a last record without a trailing newline. */
  end(): void {
    if (this.carry && this.carry.length > 0) {
      const buf = this.carry;
      this.carry = null;
      this.scan(buf, 0, true);
    }
  }

  /** Delivers every complete record in buf from pos; returns where the incomplete tail starts. */
  private scan(buf: Buffer, pos: number, final: boolean): number {
    const len = buf.length;
    // Position of the next quote at or after pos, cached: searching afresh per record would be quadratic
    // in a quote-free buffer. -1 = no quote in the rest of the buffer.
    let nextQuote = buf.indexOf(QUOTE, pos);
    while (pos < len) {
      let nl = buf.indexOf(LF, pos);
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = buf.indexOf(QUOTE, pos);
      const q = nextQuote;
      let newlinesInside = 0;
      if (q !== -1 && (nl === -1 || q < nl)) {
        // Quotes in this record. RFC 4180: a quote opens a quoted field only at a field's start, and inside
        // one, "" is an escaped quote; a newline ends the record only outside quotes. A stray quote in an
        // unquoted field does not open anything (the record is then reported malformed, not merged with the
        // next lines).
        let inQuotes = false, fieldStart = true, i = pos;
        nl = -1;
        while (i < len) {
          const c = buf[i];
          if (inQuotes) {
            if (c === QUOTE) {
              if (i + 1 >= len && !final) return pos; // cannot tell "" from a closing quote yet
              if (buf[i + 1] === QUOTE) { i += 2; continue; }
              inQuotes = false;
            } else if (c === LF) newlinesInside++;
            i++;
            continue;
          }
          if (c === LF) { nl = i; break; }
          if (c === QUOTE && fieldStart) inQuotes = true;
          fieldStart = c === COMMA;
          i++;
        }
        if (nl === -1 && !final) return pos;
        if (nl === -1 && inQuotes) {
          this.deliverMalformed(buf, pos, len, 'unterminated quoted field at end of input');
          this.nextLine += newlinesInside + 1;
          return len;
        }
      } else if (nl === -1 && !final) {
        return pos;
      }
      const recEnd = nl === -1 ? len : nl;
      let contentEnd = recEnd;
      if (contentEnd > pos && buf[contentEnd - 1] === CR) contentEnd--;
      const line = this.nextLine;
      this.nextLine += 1 + newlinesInside;
      if (contentEnd > pos) this.deliver(buf, pos, contentEnd, line, q !== -1 && q < contentEnd);
      pos = recEnd + 1;
    }
    return pos;
  }

  private deliverMalformed(buf: Buffer, start: number, end: number, reason: string): void {
    let e = end;
    if (e > start && buf[e - 1] === LF) e--;
    if (e > start && buf[e - 1] === CR) e--;
    const raw = buf.toString('utf8', start, e);
    if (this.onMalformed) this.onMalformed(this.nextLine, raw, reason);
    else throw new CsvSyntaxError(this.nextLine, `line ${this.nextLine}: ${reason}`);
  }

  private deliver(buf: Buffer, start: number, end: number, line: number, quoted: boolean): void {
    if (!quoted && this.onRawRecord?.(buf, start, end, line)) return;
    this.rawBuf = buf;
    this.rawStart = start;
    this.rawEnd = end;
    const fields: string[] = [];
    if (!quoted) {
      // One decode per record and V8's split: far cheaper than one Buffer decode per field.
      this.onRecord(buf.toString('utf8', start, end).split(','), line);
      return;
    }
    // Quoted record: a small state machine.
    let i = start;
    while (i <= end) {
      if (i < end && buf[i] === QUOTE) {
        let value = '';
        let segStart = i + 1;
        let j = segStart;
        for (;;) {
          if (j >= end) {
            this.malformedInRecord(line, 'unterminated quoted field');
            return;
          }
          if (buf[j] === QUOTE) {
            if (j + 1 < end && buf[j + 1] === QUOTE) {
              value += buf.toString('utf8', segStart, j + 1);
              j += 2;
              segStart = j;
              continue;
            }
            value += buf.toString('utf8', segStart, j);
            j++;
            break;
          }
          j++;
        }
        if (j < end && buf[j] !== COMMA) {
          this.malformedInRecord(line, `unexpected character after closing quote in field ${fields.length + 1}`);
          return;
        }
        fields.push(value);
        i = j + 1;
        if (j >= end) break;
      } else {
        let c = buf.indexOf(COMMA, i);
        if (c === -1 || c > end) c = end;
        const q = buf.indexOf(QUOTE, i);
        if (q !== -1 && q < c) {
          this.malformedInRecord(line, `quote inside unquoted field ${fields.length + 1}`);
          return;
        }
        fields.push(buf.toString('utf8', i, c));
        i = c + 1;
        if (c >= end) break;
      }
    }
    this.onRecord(fields, line);
  }

  private malformedInRecord(line: number, reason: string): void {
    const raw = this.currentRaw();
    if (this.onMalformed) this.onMalformed(line, raw, reason);
    else throw new CsvSyntaxError(line, `line ${line}: ${reason}`);
  }
}
