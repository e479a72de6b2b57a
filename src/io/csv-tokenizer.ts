/**
 * A streaming RFC 4180 tokenizer over Buffers: quoted fields with embedded commas, doubled quotes and
 * newlines; LF and CRLF (any run of CRs before the LF); a UTF-8 BOM at the start. csv-parse is the
 * differential oracle in the tests (it is ~8x slower on this workload, see README "Performance").
 *
 * Framing rule (docs/TRUST.md): a record ends at the first LF outside quotes, but one damaged record may not
 * swallow the file. A record may span at most MAX_RECORD_LINES physical lines and MAX_RECORD_BYTES bytes, and
 * must close its quotes before the input ends. A record that breaks one of these is rejected (`onMalformed`):
 * when it spans several lines only its first physical line is rejected and reading resumes at the next line
 * start; a single over-long line is rejected whole. The rule looks only at the bytes from the record's
 * start, so a byte range starting at a record start frames exactly as the whole file does (cut points
 * depend on it: `io/cut-points.ts` runs this same framing).
 *
 * Records are delivered through a callback with their 1-based starting line number; while the callback
 * runs, `currentRaw()` returns the record's raw text (for rejects files). Blank lines are skipped.
 */

import { giveBuffer, takeBuffer } from './buffer-shelf';

const QUOTE = 34, COMMA = 44, LF = 10, CR = 13;

/** Physical lines one record may span (a quoted field holding up to MAX_RECORD_LINES - 1 newlines). */
export const MAX_RECORD_LINES = 10;
/** Bytes one record may hold (DuckDB's reader stops at 2 MB by default; csv-parse has no limit). */
export const MAX_RECORD_BYTES = 1024 * 1024;
/**
 * The reject reason of a quoted field not closed within MAX_RECORD_LINES lines or before the input ends: one
 * text for both, since a byte range ending at a cut sees the end where the whole file sees more lines.
 */
export const UNTERMINATED = `quoted field not closed within ${MAX_RECORD_LINES} lines (a stray quote?): ` +
  'its first line is rejected and reading resumes at the next line';
/** Bytes of an over-long record kept as its raw text in the rejects file. */
const RAW_KEPT = 4096;

export type RecordHandler = (fields: string[], line: number) => void;

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

export interface TokenizerOptions {
  /** Strip a UTF-8 BOM at the start (false for a byte range that starts past the file's start). @default true */
  bom?: boolean;
  /** Find record boundaries only (`onRecordEnd`); deliver no record. @default false */
  frameOnly?: boolean;
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
  private atStart: boolean;
  private readonly frameOnly: boolean;
  /** Discarding the rest of an over-long line, up to its LF. */
  private skipping = false;
  /** Bytes pushed before the current chunk, and the absolute offset of the buffer being scanned. */
  private pushed = 0;
  private bufBase = 0;
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
  /**
   * Called after each record (kept, blank or rejected) that ends at or past `recordEndFrom`, with the
   * absolute offset and line number of the next (the cut scanner asks only near its targets).
   */
  onRecordEnd: ((nextStart: number, nextLine: number) => void) | null = null;
  recordEndFrom = 0;

  constructor(private readonly onRecord: RecordHandler, opts: TokenizerOptions = {}) {
    this.atStart = opts.bom ?? true;
    this.frameOnly = opts.frameOnly ?? false;
  }

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
    this.bufBase = this.pushed;
    if (this.carry) {
      const c = this.carry.length, need = c + chunk.length;
      this.bufBase -= c;
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
    this.pushed += chunk.length;
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

  /**
   * Frame-only scanning of `buf`, whose first byte is at absolute offset `base`, without the join copy of
   * `push`: returns where the incomplete tail starts, which the caller keeps in front of the next bytes
   * (at most MAX_RECORD_BYTES + 1: longer records are rejected and skipped as they arrive).
   */
  frame(buf: Buffer, base: number, final: boolean): number {
    this.bufBase = base;
    let pos = 0;
    if (this.atStart && buf.length > 0) {
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
      this.atStart = false;
    }
    return this.scan(buf, pos, final);
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
      this.bufBase = this.pushed - buf.length;
      this.scan(buf, 0, true);
    }
  }

  private recordEnd(next: number): void {
    if (this.onRecordEnd !== null && this.bufBase + next >= this.recordEndFrom) this.onRecordEnd(this.bufBase + next, this.nextLine);
  }

  /** Delivers every complete record in buf from pos; returns where the incomplete tail starts. */
  private scan(buf: Buffer, pos: number, final: boolean): number {
    const len = buf.length;
    if (this.skipping) {
      const nl = buf.indexOf(LF, pos);
      if (nl === -1) return len; // still inside the over-long line: nothing worth keeping
      this.skipping = false;
      pos = nl + 1;
      this.recordEnd(pos);
    }
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
        let inQuotes = false, fieldStart = true, i = pos, firstNl = -1;
        const stop = Math.min(len, pos + MAX_RECORD_BYTES + 1);
        nl = -1;
        while (i < stop) {
          const c = buf[i];
          if (inQuotes) {
            if (c === QUOTE) {
              if (i + 1 >= len && !final) return pos; // cannot tell "" from a closing quote yet
              if (buf[i + 1] === QUOTE) { i += 2; continue; }
              inQuotes = false;
            } else if (c === LF) {
              if (firstNl === -1) firstNl = i;
              if (++newlinesInside >= MAX_RECORD_LINES) break;
            }
            i++;
            continue;
          }
          if (c === LF) { nl = i; break; }
          if (c === QUOTE && fieldStart) inQuotes = true;
          fieldStart = c === COMMA;
          i++;
        }
        const overLines = newlinesInside >= MAX_RECORD_LINES, overBytes = i - pos > MAX_RECORD_BYTES;
        if (nl === -1 && (overLines || overBytes || inQuotes)) {
          if (!overLines && !overBytes && !final) return pos;
          // Over a bound, or the input ends inside quotes: reject the first line, resume after it.
          const reason = overBytes && !overLines ? `record longer than ${MAX_RECORD_BYTES} bytes` : UNTERMINATED;
          pos = this.rejectFirstLine(buf, pos, firstNl, len, reason);
          if (pos < 0) return len;
          continue;
        }
        if (nl === -1 && !final) return pos;
      } else if (nl === -1 && !final) {
        if (len - pos <= MAX_RECORD_BYTES) return pos;
        this.rejectFirstLine(buf, pos, -1, len, `record longer than ${MAX_RECORD_BYTES} bytes`);
        return len;
      }
      const recEnd = nl === -1 ? len : nl;
      if (recEnd - pos > MAX_RECORD_BYTES) {
        pos = this.rejectFirstLine(buf, pos, nl === -1 ? -1 : recEnd, len, `record longer than ${MAX_RECORD_BYTES} bytes`);
        if (pos < 0) return len;
        continue;
      }
      let contentEnd = recEnd;
      while (contentEnd > pos && buf[contentEnd - 1] === CR) contentEnd--;
      const line = this.nextLine;
      this.nextLine += 1 + newlinesInside;
      if (contentEnd > pos && !this.frameOnly) this.deliver(buf, pos, contentEnd, line, q !== -1 && q < contentEnd);
      pos = recEnd + 1;
      this.recordEnd(pos);
    }
    return pos;
  }

  /**
   * Rejects the physical line starting at `start` (ending at `lineEnd`, its LF; -1 = not in the buffer) and
   * returns where reading resumes, or -1 when the rest of the line is still to come (skipped as it arrives).
   */
  private rejectFirstLine(buf: Buffer, start: number, lineEnd: number, len: number, reason: string): number {
    const end = lineEnd === -1 ? len : lineEnd;
    this.deliverMalformed(buf, start, Math.min(end, start + RAW_KEPT), reason, end - start > RAW_KEPT ? end - start : 0);
    this.nextLine++;
    if (lineEnd === -1) {
      this.skipping = true;
      return -1;
    }
    this.recordEnd(lineEnd + 1);
    return lineEnd + 1;
  }

  private deliverMalformed(buf: Buffer, start: number, end: number, reason: string, fullBytes = 0): void {
    if (this.frameOnly) return;
    let e = end;
    while (e > start && buf[e - 1] === CR) e--;
    const raw = buf.toString('utf8', start, e) + (fullBytes > 0 ? `...(${fullBytes} bytes, cut to ${RAW_KEPT})` : '');
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

/**
 * A small, whole CSV text (our own outputs: jobs.csv, rollups) as objects keyed by its header. Strict:
 * a malformed record is an error naming its line, since these files are written by us.
 */
export function parseCsvObjects(text: Buffer | string): Record<string, string>[] {
  const records: string[][] = [];
  const t = new CsvTokenizer((fields) => { records.push(fields); });
  t.onMalformed = (line, _raw, reason) => { throw new CsvSyntaxError(line, `line ${line}: ${reason}`); };
  t.push(typeof text === 'string' ? Buffer.from(text) : text);
  t.end();
  const [header, ...rows] = records;
  if (!header) return [];
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}
