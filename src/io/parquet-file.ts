import type { ColumnChunk, Encoding, SchemaElement } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { compressSnappy as compress } from './parquet-snappy';

/**
 * A Parquet writer for the flat, one-row-group tables a job writes, built because hyparquet-writer was
 * half of a job's table time: it converted every INT64 number to a BigInt first, sampled and built
 * dictionaries through generic code, and encoded levels value by value. This one writes the values straight
 * into one Buffer per page. It keeps hyparquet-writer for the footer and page headers (its Thrift code), and
 * as the oracle: the tests write the same tables with both and compare what hyparquet and DuckDB read back.
 *
 * Layout: every column OPTIONAL (as hyparquet-writer declares them); one data page (v1: definition levels
 * RLE, then values) per column, preceded by a PLAIN dictionary page when the column is not declared
 * distinct and has at most one distinct value per two rows; SNAPPY pages, or uncompressed ones for a column
 * whose data page Snappy would hardly shrink (`pageCodec`); no statistics.
 */
/**
 * UINT64: INT64 storage annotated unsigned (ids: every value 0 to 2^64-1; DuckDB reads UBIGINT).
 * DATE: INT32 days since 1970-01-01, given as 'YYYY-MM-DD' text. TIMESTAMP_UTC: INT64 nanoseconds since the
 * epoch, annotated TIMESTAMP(NANOS, isAdjustedToUTC=true); TIMESTAMP_LOCAL: the same for a wall-clock time
 * (isAdjustedToUTC=false). Timestamps take BigInts (or decimal text) up to 2^63-1.
 */
export type ParquetColumnType = 'INT64' | 'UINT64' | 'INT32' | 'DOUBLE' | 'STRING' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP_UTC' | 'TIMESTAMP_LOCAL';

export interface ParquetColumnData {
  name: string;
  type: ParquetColumnType;
  /**
   * One value per row; null or undefined is a null. INT64 takes safe-integer numbers, BigInts or decimal
   * text; INT32 and DOUBLE take numbers or text that converts to one. A function is called when the column
   * is written, and its array is not kept after that: a table's columns need not all exist at once.
   */
  values: ColumnValues | (() => ColumnValues);
  /** Mostly distinct values: written PLAIN without trying a dictionary. @default false */
  distinct?: boolean;
}

/**
 * A column's values: any values (null or undefined is a null), or a DOUBLE, INT64 or INT32 column's
 * Float64Array (NaN is a null; an integer column's others must be integers of its range).
 */
export type ColumnValues = readonly unknown[] | Float64Array;

/**
 * 1 where a column's row holds a value, 0 where it is null, into the presence scratch (`presentArray`,
 * reused by the next column); returns how many rows hold one. One function per kind of column: a loop
 * shared by typed arrays and lists, inlined into `parquetFile`, took 1.7 ns a row against 0.9 ns apart.
 */
function presenceOfDoubles(values: Float64Array, present: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const has = values[i] === values[i] ? 1 : 0;
    present[i] = has;
    count += has;
  }
  return count;
}

function presenceOfList(values: readonly unknown[], present: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const has = v === null || v === undefined ? 0 : 1;
    present[i] = has;
    count += has;
  }
  return count;
}

const MAGIC = Buffer.from('PAR1');
const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n, UINT64_MAX = 2n ** 64n - 1n;
const TWO32 = 2 ** 32;

/** A growing byte buffer with the few writes the encoders need. */
class Bytes {
  buf: Buffer;
  /**
   * The same memory as a DataView, for every fixed-width value: V8 compiles its setters inline, where
   * Buffer's writeDoubleLE and writeInt32LE are JavaScript, and its
   * setBigInt64 is a builtin where Buffer's is BigInt arithmetic.
   */
  data: DataView;
  n = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, size));
    this.data = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }
  room(bytes: number): void {
    if (this.n + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + bytes));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
    this.data = new DataView(next.buffer, next.byteOffset, next.length);
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.n++] = b;
  }
  varint(v: number): void {
    this.room(10);
    while (v >= 0x80) {
      this.buf[this.n++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.n++] = v;
  }
  view(): Buffer {
    return this.buf.subarray(0, this.n);
  }
}

/** Bytes kept for reuse beyond this are given up after a file: one huge table does not pin its pages' memory. */
const MAX_KEPT_SCRATCH = 16 * 1024 * 1024;

/**
 * A page body, a dictionary page, a column's presence flags and its dictionary indexes, reused column after
 * column and file after file (parquetFile is synchronous, so nothing else writes them meanwhile). Fresh
 * buffers per column were freed only by V8's next full collection, and a job thread held 20-25 MB of pages
 * after writing its tables.
 */
const scratch = { body: new Bytes(64 * 1024), plain: new Bytes(64 * 1024) };
let presentScratch = new Uint8Array(1024);
let indexScratch = new Int32Array(1024);

function scratchBytes(which: keyof typeof scratch, size: number): Bytes {
  const b = scratch[which];
  b.n = 0;
  b.room(size);
  return b;
}

/** The presence scratch, at least `length` long (its contents are left over from earlier columns). */
function presentArray(length: number): Uint8Array {
  if (presentScratch.length < length) presentScratch = new Uint8Array(Math.max(length, 2 * presentScratch.length));
  return presentScratch;
}

/** The dictionary index scratch, at least `length` long (its contents are left over from earlier columns). */
function indexArray(length: number): Int32Array {
  if (indexScratch.length < length) indexScratch = new Int32Array(Math.max(length, 2 * indexScratch.length));
  return indexScratch;
}

function trimScratch(): void {
  for (const k of ['body', 'plain'] as const) if (scratch[k].buf.length > MAX_KEPT_SCRATCH) scratch[k] = new Bytes(64 * 1024);
  if (presentScratch.length > MAX_KEPT_SCRATCH) presentScratch = new Uint8Array(1024);
  if (indexScratch.length > MAX_KEPT_SCRATCH / 4) indexScratch = new Int32Array(1024);
  numberIndex.trim();
}

class ColumnError extends Error {}

/** PLAIN encoding of the non-null values of a column of `type`. */
function writePlain(out: Bytes, type: ParquetColumnType, values: ColumnValues): void {
  if (values instanceof Float64Array) {
    if (type !== 'DOUBLE') {
      writeIntegerDoubles(out, type, values);
      return;
    }
    out.room(8 * values.length);
    const data = out.data;
    let n = out.n;
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (x !== x) continue;
      data.setFloat64(n, x === 0 ? 0 : x, true);
      n += 8;
    }
    out.n = n;
    return;
  }
  if (type === 'INT64' || type === 'UINT64' || type === 'TIMESTAMP_UTC' || type === 'TIMESTAMP_LOCAL') {
    writeInt64s(out, type === 'UINT64', values);
    return;
  }
  if (type === 'BOOLEAN') {
    out.room((values.length + 7) >> 3);
    let i = 0, byte = 0;
    for (let j = 0; j < values.length; j++) {
      const v = values[j];
      if (v === null || v === undefined) continue;
      if (v) byte |= 1 << (i & 7);
      if ((++i & 7) === 0) {
        out.buf[out.n++] = byte;
        byte = 0;
      }
    }
    if (i & 7) out.buf[out.n++] = byte;
    return;
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (type === 'DATE') {
      const days = typeof v === 'string' ? daysOf(v) : NaN;
      if (!Number.isInteger(days)) throw new ColumnError(`${JSON.stringify(v)} is not a YYYY-MM-DD date`);
      out.room(4);
      out.data.setInt32(out.n, days, true);
      out.n += 4;
    } else if (type === 'INT32') {
      const x = typeof v === 'number' ? v : Number(v);
      if ((x | 0) !== x) throw new ColumnError(`${String(v)} is not a 32-bit integer`);
      out.room(4);
      out.data.setInt32(out.n, x, true);
      out.n += 4;
    } else if (type === 'DOUBLE') {
      out.room(8);
      const x = typeof v === 'number' ? v : Number(v);
      // -0 is written as 0, as the CSV writes it ("0"): the two files of a table give the same values.
      out.data.setFloat64(out.n, x === 0 ? 0 : x, true);
      out.n += 8;
    } else {
      const s = typeof v === 'string' ? v : String(v);
      out.room(4 + 3 * s.length);
      const len = out.buf.write(s, out.n + 4, 'utf8');
      out.buf.writeUInt32LE(len, out.n);
      out.n += 4 + len;
    }
  }
}

/** PLAIN INT64 or INT32 of an integer column held as doubles (NaN a null), as the list path writes the same numbers. */
function writeIntegerDoubles(out: Bytes, type: ParquetColumnType, values: Float64Array): void {
  const wide = type !== 'INT32';
  out.room((wide ? 8 : 4) * values.length);
  const data = out.data;
  let n = out.n;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x !== x) continue;
    if (wide) {
      setSafeInt64(data, n, x);
      n += 8;
    } else {
      if ((x | 0) !== x) throw new ColumnError(`${String(x)} is not a 32-bit integer`);
      data.setInt32(n, x, true);
      n += 4;
    }
  }
  out.n = n;
}

/**
 * PLAIN INT64 of the non-null values: BigInts (ids, nanosecond times, exact sums beyond 2^53), safe-integer
 * numbers, or decimal text (rollup JSON). A loop of its own, with room made once: ids and times are a
 * fifth of a job's columns.
 */
function writeInt64s(out: Bytes, unsigned: boolean, values: readonly unknown[]): void {
  out.room(8 * values.length);
  const data = out.data;
  let n = out.n;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v === 'bigint') setInt64(data, n, unsigned, v, v);
    else if (typeof v === 'string') {
      if (!/^-?\d{1,20}$/.test(v)) throw new ColumnError(`${JSON.stringify(v)} is not an integer`);
      setInt64(data, n, unsigned, BigInt(v), v);
    } else {
      if (unsigned && (v as number) < 0) throw new ColumnError(`${String(v)} is negative: not an unsigned 64-bit integer`);
      setSafeInt64(data, n, v);
    }
    n += 8;
  }
  out.n = n;
}

/** A safe-integer number as INT64 at `at`, in 32-bit halves (no BigInt); a non-integer or one past 2^53 is refused. */
function setSafeInt64(data: DataView, at: number, v: unknown): void {
  if (!Number.isSafeInteger(v)) throw new ColumnError(`${String(v)} is not an integer below 2^53 (give larger ones as BigInt)`);
  const x = v as number, hi = Math.floor(x / TWO32);
  data.setUint32(at, x - hi * TWO32, true);
  data.setInt32(at + 4, hi, true);
}

/** One BigInt at `at`, after checking it fits (`given`: the value as the column gave it, for the error). */
function setInt64(data: DataView, at: number, unsigned: boolean, b: bigint, given: unknown): void {
  if (unsigned) {
    if (b < 0n || b > UINT64_MAX) throw new ColumnError(`${String(given)} does not fit an unsigned 64-bit integer`);
    data.setBigUint64(at, b, true);
  } else {
    if (b < INT64_MIN || b > INT64_MAX) throw new ColumnError(`${String(given)} does not fit a Parquet INT64`);
    data.setBigInt64(at, b, true);
  }
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' calendar date; NaN when it is not one. */
function daysOf(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return NaN;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text ? NaN : ms / 86_400_000;
}

/**
 * Definition levels (0 null, 1 present) of the first `rows` flags as RLE runs, with the 4-byte length prefix
 * of a v1 data page. `presentCount` of them are 1: a column without nulls (most are) is one run, unscanned.
 */
function writeDefinitionLevels(out: Bytes, present: Uint8Array, rows: number, presentCount: number): void {
  const at = out.n;
  out.room(4);
  out.n += 4;
  if (rows > 0 && (presentCount === rows || presentCount === 0)) {
    out.varint(rows * 2);
    out.byte(presentCount === 0 ? 0 : 1);
  } else {
    let i = 0;
    while (i < rows) {
      const level = present[i];
      let j = i + 1;
      while (j < rows && present[j] === level) j++;
      out.varint((j - i) * 2);
      out.byte(level);
      i = j;
    }
  }
  out.buf.writeUInt32LE(out.n - at - 4, at);
}

/**
 * Dictionary indexes in the RLE / bit-packed hybrid: runs of 8 or more equal indexes as RLE runs, the rest
 * bit-packed in groups of 8 (at most 63 groups per header, as parquet-mr does).
 */
function writeIndexes(out: Bytes, idx: Int32Array, count: number, bitWidth: number): void {
  out.byte(bitWidth);
  const valueBytes = (bitWidth + 7) >> 3;
  let i = 0;
  while (i < count) {
    const run = runLength(idx, i, count, count);
    if (run >= 8) {
      out.varint(run * 2);
      out.room(valueBytes);
      for (let b = 0, v = idx[i]; b < valueBytes; b++, v >>>= 8) out.buf[out.n++] = v & 0xff;
      i += run;
      continue;
    }
    let groups = 0;
    const start = i;
    do {
      groups++;
      i += 8;
    } while (i < count && groups < 63 && runLength(idx, i, count, 8) < 8); // only whether a run of 8 starts: not its length
    out.varint(groups * 2 + 1);
    out.room(groups * bitWidth);
    out.n = bitPack(out.buf, out.n, idx, start, Math.min(start + groups * 8, count), start + groups * 8, bitWidth);
    i = Math.min(i, count);
  }
}

/** Length of the run of equal indexes at i (below `count`), counted up to `cap`. */
function runLength(idx: Int32Array, i: number, count: number, cap: number): number {
  const v = idx[i];
  let j = i + 1;
  while (j < count && j - i < cap && idx[j] === v) j++;
  return j - i;
}

/**
 * Bit-packs idx[from, to), then zeros up to `padTo`, `bitWidth` bits each, least significant first, into
 * buf at n; returns the new end. bitWidth <= 24: the accumulator stays below 2^32.
 */
function bitPack(buf: Buffer, n: number, idx: Int32Array, from: number, to: number, padTo: number, bitWidth: number): number {
  let acc = 0, bits = 0;
  for (let k = from; k < padTo; k++) {
    acc |= (k < to ? idx[k] : 0) << bits;
    bits += bitWidth;
    while (bits >= 8) {
      buf[n++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  return n;
}

interface Dictionary {
  values: unknown[];
  /** The index of each present value, in its first `count` elements: scratch, reused by the next column. */
  idx: Int32Array;
  count: number;
}

/** Over this, or a dictionary of more than 2^24 values, a column is written PLAIN. */
function dictionaryLimit(rows: number): number {
  return Math.min(rows / 2, 1 << 24);
}

/**
 * Present values looked at before a column whose values so far are all distinct is written PLAIN: a
 * dictionary was otherwise tried on half its rows before it was given up (a fill's quote age, an order's
 * durations), and a column that repeats only later loses some compression, nothing else.
 */
const DISTINCT_PROBE = 1024;

/**
 * The column's dictionary (its values in first-seen order, equal as a Map's keys are: -0 is 0, NaN is NaN)
 * and per-value indexes, or null when it would hold over half the values or its first DISTINCT_PROBE + 1
 * present values are all distinct. `present` flags the first values.length rows. Exported for its test.
 */
export function dictionaryOf(values: ColumnValues, present: Uint8Array): Dictionary | null {
  return values instanceof Float64Array ? doublesDictionaryOf(values, present) : listDictionaryOf(values, present);
}

/**
 * dictionaryOf of a DOUBLE column's Float64Array: a loop of its own, so each loop's element loads stay
 * monomorphic (about 2% of a job's CPU in alternated runs). It repeats listDictionaryOf's body on purpose:
 * the two sharing one dictionary class measured no gain.
 */
function doublesDictionaryOf(values: Float64Array, present: Uint8Array): Dictionary | null {
  const limit = dictionaryLimit(values.length);
  const index = numberIndex.reset();
  const dict: number[] = [];
  const idx = indexArray(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (present[i] === 0) continue;
    const v = values[i];
    let k = index.find(v, dict.length);
    if (k < 0) {
      if (dict.length >= limit || (count === DISTINCT_PROBE && dict.length === count)) return null;
      k = dict.length;
      dict.push(v);
    }
    idx[count++] = k;
  }
  return count > 0 ? { values: dict, idx, count } : null;
}

/** dictionaryOf of a list: through the number index while its values are numbers, else keyedDictionaryOf. */
function listDictionaryOf(values: readonly unknown[], present: Uint8Array): Dictionary | null {
  const limit = dictionaryLimit(values.length);
  const index = numberIndex.reset();
  const dict: number[] = [];
  const idx = indexArray(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (present[i] === 0) continue;
    const v = values[i];
    if (typeof v !== 'number') return keyedDictionaryOf(values, present);
    let k = index.find(v, dict.length);
    if (k < 0) {
      if (dict.length >= limit || (count === DISTINCT_PROBE && dict.length === count)) return null;
      k = dict.length;
      dict.push(v);
    }
    idx[count++] = k;
  }
  return count > 0 ? { values: dict, idx, count } : null;
}

/** dictionaryOf through a Map: text, BigInts, anything that is not all numbers. */
function keyedDictionaryOf(values: ColumnValues, present: Uint8Array): Dictionary | null {
  const index = new Map<unknown, number>();
  const dict: unknown[] = [];
  const idx = indexArray(values.length);
  let count = 0;
  const limit = dictionaryLimit(values.length);
  for (let i = 0; i < values.length; i++) {
    if (present[i] === 0) continue;
    const v = values[i];
    let k = index.get(v);
    if (k === undefined) {
      if (dict.length >= limit || (count === DISTINCT_PROBE && dict.length === count)) return null;
      index.set(v, (k = dict.length));
      dict.push(v);
    }
    idx[count++] = k;
  }
  return count > 0 ? { values: dict, idx, count } : null;
}

/**
 * A dictionary's index of numbers: open addressing over their doubles, reused column after column (parquetFile
 * is synchronous). A Map of a column's numbers grew its table again and again and boxed every double it was
 * asked for, and was the largest share of what writing a job's tables allocated.
 */
class NumberIndex {
  private slots = new Int32Array(1024); // the entry's dictionary index + 1; 0 is empty
  private keys = new Float64Array(1024);
  private mask = 1023;
  private size = 0;
  private readonly double = new Float64Array(1);
  private readonly words = new Int32Array(this.double.buffer);

  /** Empties the index. */
  reset(): this {
    this.slots.fill(0, 0, this.mask + 1);
    this.size = 0;
    return this;
  }

  /** Gives up a large table after a file: one huge table does not pin its memory. */
  trim(): void {
    if (this.slots.length > MAX_KEPT_SCRATCH / 12) this.resize(1024);
  }

  /** The index recorded for x, or -1 after recording `next` for it. */
  find(x: number, next: number): number {
    let s = this.hash(x) & this.mask;
    for (;;) {
      const entry = this.slots[s];
      if (entry === 0) {
        this.slots[s] = next + 1;
        this.keys[s] = x;
        if (++this.size * 2 > this.mask + 1) this.grow();
        return -1;
      }
      const k = this.keys[s];
      if (k === x || (k !== k && x !== x)) return entry - 1;
      s = (s + 1) & this.mask;
    }
  }

  /** Twice the table, its entries placed again: the load stays at most one half. */
  private grow(): void {
    const slots = this.slots, keys = this.keys, used = this.mask + 1;
    this.resize(2 * used);
    for (let s = 0; s < used; s++) {
      if (slots[s] === 0) continue;
      let t = this.hash(keys[s]) & this.mask;
      while (this.slots[t] !== 0) t = (t + 1) & this.mask;
      this.slots[t] = slots[s];
      this.keys[t] = keys[s];
    }
  }

  private resize(size: number): void {
    this.slots = new Int32Array(size);
    this.keys = new Float64Array(size);
    this.mask = size - 1;
  }

  /** Both 32-bit words of the double (0 for -0, one value for every NaN), mixed by MurmurHash3's finalizer. */
  private hash(x: number): number {
    if (x !== x) return 0;
    this.double[0] = x === 0 ? 0 : x;
    let h = this.words[0] ^ Math.imul(this.words[1], 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }
}

const numberIndex = new NumberIndex();

type Codec = 'SNAPPY' | 'UNCOMPRESSED';

/** Bytes of a data page Snappy is tried on before the whole page is given to it. */
const CODEC_SAMPLE_BYTES = 8192;

/**
 * The codec of a column chunk, from its data page: UNCOMPRESSED when Snappy shrinks a sample from the page's
 * middle by less than an eighth. Nanosecond times and quote ages shrink by 0 to 11% only (a job's 14,277
 * arrival times to 0.946), so compressing them is CPU for nothing; ids, prices, most measures and dictionary
 * indexes shrink by a third or more and stay SNAPPY. On 8 bench jobs' 32 tables this took 11% off the
 * write time for files 4% larger. Pages below two samples are compressed as they are: little to save.
 */
export function pageCodec(body: Uint8Array): Codec {
  if (body.length < 2 * CODEC_SAMPLE_BYTES) return 'SNAPPY';
  const at = (body.length - CODEC_SAMPLE_BYTES) >> 1;
  return compress(body.subarray(at, at + CODEC_SAMPLE_BYTES)).length * 8 > CODEC_SAMPLE_BYTES * 7 ? 'UNCOMPRESSED' : 'SNAPPY';
}

/** Appends one page (header, then the body as `codec` gives it) to the file; returns its uncompressed and written sizes. */
function writePage(file: Buffer[], body: Buffer, codec: Codec, header: (compressedSize: number) => Parameters<typeof writePageHeader>[1]): [number, number] {
  // An uncompressed body is copied: the scratch buffer it lives in is reused by the next column.
  const compressed = codec === 'SNAPPY' ? compress(body) : Buffer.from(body);
  const w = new ByteWriter(64);
  writePageHeader(w, header(compressed.length));
  const head = w.getBytes();
  file.push(Buffer.from(head.buffer, head.byteOffset, head.byteLength), Buffer.from(compressed.buffer, compressed.byteOffset, compressed.byteLength));
  return [head.length + body.length, head.length + compressed.length];
}

function schemaElement(c: ParquetColumnData): SchemaElement {
  if (c.type === 'STRING') return { name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' };
  if (c.type === 'UINT64') {
    // The converted type only: hyparquet-writer's Thrift writes a logical INTEGER's bit width as i32, not the
    // i8 readers expect (DuckDB refuses the footer). UINT_64 alone reads as UBIGINT in DuckDB, uint64 in pyarrow.
    return { name: c.name, type: 'INT64', converted_type: 'UINT_64', repetition_type: 'OPTIONAL' };
  }
  if (c.type === 'DATE') return { name: c.name, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' }, repetition_type: 'OPTIONAL' };
  if (c.type === 'TIMESTAMP_UTC' || c.type === 'TIMESTAMP_LOCAL') {
    // No converted type: TIMESTAMP_MILLIS/MICROS have one, nanoseconds only the logical type.
    return { name: c.name, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: c.type === 'TIMESTAMP_UTC', unit: 'NANOS' }, repetition_type: 'OPTIONAL' };
  }
  return { name: c.name, type: c.type, repetition_type: 'OPTIONAL' };
}

/**
 * The Parquet file of `columns` (each with `rowCount` values). `table` names the table in errors, which
 * also name the column and row.
 */
export function parquetFile(table: string, columns: readonly ParquetColumnData[], rowCount: number, createdBy = 'sweepflow'): Buffer {
  const file: Buffer[] = [MAGIC];
  let offset = MAGIC.length;
  const chunks: ColumnChunk[] = [];
  let totalBytes = 0;
  for (const c of columns) {
    const values = typeof c.values === 'function' ? c.values() : c.values;
    if (values.length !== rowCount) throw new Error(`${table}.${c.name}: ${values.length} values for ${rowCount} rows`);
    if (values instanceof Float64Array && c.type !== 'DOUBLE' && c.type !== 'INT64' && c.type !== 'INT32') {
      throw new Error(`${table}.${c.name}: a ${c.type} column given as a Float64Array (only DOUBLE, INT64 and INT32 columns take one)`);
    }
    const start = offset;
    const present = presentArray(values.length);
    const presentCount = values instanceof Float64Array ? presenceOfDoubles(values, present) : presenceOfList(values, present);
    const dict = c.distinct || c.type === 'BOOLEAN' ? null : dictionaryOf(values, present);
    let uncompressed = 0, dictionaryOffset: number | undefined;
    const body = scratchBytes('body', 16 + rowCount * (c.type === 'INT32' ? 5 : 9));
    const plain = scratchBytes('plain', dict ? dict.values.length * 8 : 0);
    try {
      if (dict) writePlain(plain, c.type, dict.values);
      writeDefinitionLevels(body, present, rowCount, presentCount);
      if (dict) writeIndexes(body, dict.idx, dict.count, Math.max(1, 32 - Math.clz32(dict.values.length - 1)));
      else writePlain(body, c.type, values);
    } catch (e) {
      if (!(e instanceof ColumnError)) throw e;
      // Each value alone, in the column's own kind (a Float64Array's NaN stays a null).
      const one = (v: unknown): ColumnValues => (values instanceof Float64Array ? Float64Array.of(v as number) : [v]);
      const row = Array.from(values as ArrayLike<unknown>).findIndex((v) => { try { writePlain(new Bytes(16), c.type, one(v)); return false; } catch { return true; } });
      throw new Error(`${table}.${c.name}, row ${row + 1}: ${e.message}`);
    }
    // A chunk has one codec: the data page's decides it for the dictionary page too.
    const codec = pageCodec(body.view());
    if (dict) {
      dictionaryOffset = offset;
      const [u, w] = writePage(file, plain.view(), codec, (size) => ({
        type: 'DICTIONARY_PAGE', uncompressed_page_size: plain.n, compressed_page_size: size,
        dictionary_page_header: { num_values: dict.values.length, encoding: 'PLAIN' },
      }));
      uncompressed += u;
      offset += w;
    }
    const dataOffset = offset;
    const encoding: Encoding = dict ? 'RLE_DICTIONARY' : 'PLAIN';
    const [u, w] = writePage(file, body.view(), codec, (size) => ({
      type: 'DATA_PAGE', uncompressed_page_size: body.n, compressed_page_size: size,
      data_page_header: { num_values: rowCount, encoding, definition_level_encoding: 'RLE', repetition_level_encoding: 'RLE' },
    }));
    uncompressed += u;
    offset += w;
    totalBytes += uncompressed;
    chunks.push({
      file_offset: BigInt(start),
      meta_data: {
        type: schemaElement(c).type!, encodings: dict ? ['PLAIN', 'RLE', 'RLE_DICTIONARY'] : ['PLAIN', 'RLE'],
        path_in_schema: [c.name], codec, num_values: BigInt(rowCount),
        total_uncompressed_size: BigInt(uncompressed), total_compressed_size: BigInt(offset - start),
        data_page_offset: BigInt(dataOffset),
        ...(dictionaryOffset !== undefined ? { dictionary_page_offset: BigInt(dictionaryOffset) } : {}),
      },
    });
  }
  const footer = new ByteWriter(1024);
  writeMetadata(footer, {
    version: 2, created_by: createdBy, num_rows: BigInt(rowCount),
    schema: [{ name: 'root', num_children: columns.length }, ...columns.map(schemaElement)],
    row_groups: [{ columns: chunks, total_byte_size: BigInt(totalBytes), num_rows: BigInt(rowCount) }],
  });
  trimScratch();
  const meta = footer.getBytes();
  file.push(Buffer.from(meta.buffer, meta.byteOffset, meta.byteLength), MAGIC);
  return Buffer.concat(file);
}
