import { MAX_TRADE_NOTIONAL, type Cols } from '../domain/ingest-rules';
import { ORDER_SHARD, QUOTE_SHARD, TRADE_SHARD, type ShardLayout } from '../domain/shard-records';
import { sydneyDateOfMillis } from '../domain/sydney-time';
import { copyBytes, viewOf } from './byte-copy';
import { writeDigits } from './csv-writer';
import { isCentrePoint, type OrderTypeMasks } from '../domain/order-type';

/**
 * The row rules of the shard step (domain/ingest-rules `orderRow`, `tradeRow`, `quoteRow`) on the raw bytes of an
 * unquoted record, for the common case of a well-formed row: no field string is created except the
 * security code, and a kept row's shard line is assembled byte by byte. They answer only when sure; a row
 * that is not plainly valid (wrong field count, padding, a 20-digit or 16-digit number, a non-digit, a CR
 * inside, non-ASCII text) is handed back (`DEFER`) to the string rule, which decides and words the reject.
 * The tests check them against the string rules on random valid and invalid rows (same outcome, same
 * line, byte for byte) and on whole files.
 */
export const DEFER = 0, FILTER = 1, KEEP = 2;
export type ByteRowVerdict = typeof DEFER | typeof FILTER | typeof KEEP;

const COMMA = 44, MINUS = 45, ZERO = 48, NINE = 57, SPACE = 32, TAB = 9;
const NULL_TEXT = Buffer.from('null');

/**
 * Fills `bounds` with the start of each of `width` fields of buf[start, end) (no quotes inside) and, last,
 * end + 1; false when the record has another number of fields.
 */
export function fieldBounds(buf: Buffer, start: number, end: number, bounds: Int32Array, width: number): boolean {
  let n = 0;
  bounds[0] = start;
  for (let i = start; i < end; i++) {
    if (buf[i] === COMMA) {
      if (++n >= width) return false;
      bounds[n] = i + 1;
    }
  }
  if (n !== width - 1) return false;
  bounds[width] = end + 1;
  return true;
}

/** Short texts (security codes, participants, time validities) repeat on every row: decoded once per value. */
export class ShortTexts {
  private readonly byKey = new Map<number, string>();

  get(buf: Buffer, s: number, e: number): string {
    if (e - s > 6) return buf.toString('utf8', s, e);
    let key = 0;
    for (let i = s; i < e; i++) {
      if (buf[i] >= 128) return buf.toString('utf8', s, e);
      key = key * 256 + buf[i];
    }
    key = key * 8 + (e - s); // six bytes and a length: below 2^51, exact
    let v = this.byKey.get(key);
    if (v === undefined) this.byKey.set(key, (v = buf.toString('utf8', s, e)));
    return v;
  }
}

/** Input column of each shard field, in line order (-1: absent from the input, or computed by the shard step). */
function shardSources<N extends string>(layout: ShardLayout<N>, cols: Cols): Int32Array {
  return Int32Array.from(layout.fields, (f) => (f.from === null ? -1 : cols[f.from] ?? -1));
}

/**
 * The shard fields `sources[from, to)` as runs of adjacent input columns, pairs (first, last): a run is
 * copied with its inner commas in one piece. An absent field is a run of its own, (-1, -1).
 */
export function fieldRuns(sources: Int32Array, from: number, to: number): Int32Array {
  const runs: number[] = [];
  for (let i = from; i < to; i++) {
    const c = sources[i], n = runs.length;
    if (c >= 0 && n > 0 && runs[n - 1] >= 0 && runs[n - 1] === c - 1) runs[n - 1] = c;
    else runs.push(c, c);
  }
  return Int32Array.from(runs);
}

const FILE_ORDER = ORDER_SHARD.at.file_order, TIME_VALIDITY = ORDER_SHARD.at.timevalidity;

/** Field offsets of one record, the output line being built, and the security code cache. */
abstract class RowBytes {
  /** Start of each field, and one past the end of the last (filled per row). */
  protected readonly bounds: Int32Array;
  /** The shard line of the last KEEP verdict: `line.subarray(0, lineLength)`. */
  readonly line: Buffer = Buffer.allocUnsafe(4096);
  private readonly lineView = viewOf(this.line);
  lineLength = 0;
  /** The record's buffer as a DataView (one per read chunk: records arrive chunk after chunk). */
  private input: Buffer = this.line;
  private inputView = this.lineView;
  /** Security and Sydney date of the last FILTER or KEEP verdict. */
  security = '';
  date = '';
  protected p = 0;
  private readonly securities = new ShortTexts();

  constructor(protected readonly width: number) {
    this.bounds = new Int32Array(width + 1);
  }

  /** Fills the field offsets of buf[start, end); false when the record has another field count. */
  protected split(buf: Buffer, start: number, end: number): boolean {
    return fieldBounds(buf, start, end, this.bounds, this.width) && end - start + 40 <= this.line.length;
  }

  /** Field f is 1..maxLen ASCII digits. */
  protected digits(buf: Buffer, f: number, maxLen: number): boolean {
    return digits(buf, this.bounds[f], this.bounds[f + 1] - 1, maxLen);
  }

  /** Field f would be copied unchanged by the string rule (see plainText). */
  protected plain(buf: Buffer, f: number): boolean {
    return plainText(buf, this.bounds[f], this.bounds[f + 1] - 1);
  }

  /** Field f is empty. */
  protected empty(f: number): boolean {
    return this.bounds[f + 1] - 1 === this.bounds[f];
  }

  /** Field f is "1" or "2". */
  /**
   * Field f is a nanosecond time the string rule accepts for sure: 1 to 19 digits, a 19-digit one not
   * starting with 9 (below 9e18, under MAX_NANOS_TIME). Others defer (the string rule judges 9xxx... exactly).
   */
  protected time(buf: Buffer, f: number): boolean {
    const s = this.bounds[f], e = this.bounds[f + 1] - 1;
    return digits(buf, s, e, 19) && (e - s < 19 || buf[s] < NINE);
  }

  protected side(buf: Buffer, f: number): boolean {
    const s = this.bounds[f];
    return this.bounds[f + 1] - 1 - s === 1 && (buf[s] === 49 || buf[s] === 50);
  }

  /** Sets `security` and `date` from the security field and the nanosecond timestamp field. */
  protected place(buf: Buffer, security: number, ts: number): void {
    this.security = this.securityOf(buf, this.bounds[security], this.bounds[security + 1] - 1);
    const tsS = this.bounds[ts], tsE = this.bounds[ts + 1] - 1;
    this.date = sydneyDateOfMillis(tsE - tsS > 6 ? numberOf(buf, tsS, tsE - 6) : 0);
  }

  /** Appends field f (absent: nothing) and a comma to the line. */
  protected put(buf: Buffer, f: number): void {
    const out = this.line;
    let p = this.p;
    if (f >= 0) for (let i = this.bounds[f], e = this.bounds[f + 1] - 1; i < e; i++) out[p++] = buf[i];
    out[p++] = COMMA;
    this.p = p;
  }

  /** Appends the fields of `runs` (fieldRuns), each followed by a comma. */
  protected putRuns(buf: Buffer, runs: Int32Array): void {
    if (buf !== this.input) {
      this.input = buf;
      this.inputView = viewOf(buf);
    }
    const b = this.bounds;
    let p = this.p;
    for (let r = 0; r < runs.length; r += 2) {
      const first = runs[r];
      if (first >= 0) {
        const s = b[first], length = b[runs[r + 1] + 1] - 1 - s;
        copyBytes(this.inputView, s, this.lineView, p, length);
        p += length;
      }
      this.line[p++] = COMMA;
    }
    this.p = p;
  }

  /** Ends the line: the last comma becomes the newline. */
  protected finish(): void {
    this.line[this.p - 1] = 10;
    this.lineLength = this.p;
  }

  /** Security codes repeat on every row: looked up by their bytes, not decoded. */
  private securityOf(buf: Buffer, s: number, e: number): string {
    return this.securities.get(buf, s, e);
  }
}

/** `orderRow` on bytes: KEEP (with the shard line), FILTER (not Centre Point) or DEFER. */
export class OrderRowBytes extends RowBytes {
  private readonly countFields: number[];
  /** The copied shard fields before the file order, between it and the time validity, and after that. */
  private readonly runs: [Int32Array, Int32Array, Int32Array];
  private readonly c: Record<'orderId' | 'ts' | 'seq' | 'security' | 'side' | 'price' | 'qty' | 'leaves' | 'matched' | 'type' | 'participant' | 'nb' | 'no' | 'tv', number>;

  constructor(cols: Cols, width: number, private readonly masks: OrderTypeMasks) {
    super(width);
    this.c = {
      orderId: cols.order_id, ts: cols.timestamp, seq: cols.sequence, security: cols.security_code, side: cols.side,
      price: cols.price, qty: cols.quantity, leaves: cols.leavesquantity, matched: cols.totalmatchedquantity,
      type: cols.exchangeordertype, participant: cols.participantid, nb: cols.national_bid, no: cols.national_offer,
      tv: cols.timevalidity,
    };
    const c = this.c;
    this.countFields = [c.price, c.qty, c.leaves, c.matched];
    const sources = shardSources(ORDER_SHARD, cols);
    this.runs = [fieldRuns(sources, 0, FILE_ORDER), fieldRuns(sources, FILE_ORDER + 1, TIME_VALIDITY), fieldRuns(sources, TIME_VALIDITY + 1, sources.length)];
  }

  /** Classifies the record buf[start, end) (no line ending, no quote byte). `fileOrder` < 2^53. */
  route(buf: Buffer, start: number, end: number, fileOrder: number): ByteRowVerdict {
    if (!this.split(buf, start, end)) return DEFER;
    const b = this.bounds, c = this.c;
    // The same checks, in the same order up to the filter decision, as orderRow.
    if (!this.plain(buf, c.security) || this.empty(c.security)) return DEFER;
    if (!this.time(buf, c.ts) || !this.digits(buf, c.orderId, 19) || !this.side(buf, c.side)) return DEFER;
    if (!this.digits(buf, c.type, 15)) return DEFER;
    // Every field is checked before the filter decision, as orderRow does: a lit row with garbage defers.
    for (const f of this.countFields) if (!this.digits(buf, f, 15)) return DEFER;
    if (c.seq >= 0 && !this.empty(c.seq) && !this.digits(buf, c.seq, 19)) return DEFER;
    if (c.nb >= 0 && !quoteText(buf, b[c.nb], b[c.nb + 1] - 1)) return DEFER;
    if (c.no >= 0 && !quoteText(buf, b[c.no], b[c.no + 1] - 1)) return DEFER;
    if (!this.plain(buf, c.participant)) return DEFER;
    this.place(buf, c.security, c.ts);
    if (!isCentrePoint(numberOf(buf, b[c.type], b[c.type + 1] - 1), this.masks)) return FILTER;
    if (c.tv >= 0 && !this.plain(buf, c.tv)) return DEFER;

    // The shard line, in ORDER_SHARD's order: copied fields, then the file order, then the time validity
    // (absent = empty, empty = "null", as orderRow writes it).
    const out = this.line, runs = this.runs;
    this.p = 0;
    this.putRuns(buf, runs[0]);
    this.p = writeDigits(out, this.p, fileOrder);
    out[this.p++] = COMMA;
    this.putRuns(buf, runs[1]);
    if (c.tv < 0) this.p++;
    else if (this.empty(c.tv)) this.p += NULL_TEXT.copy(out, this.p) + 1;
    else this.put(buf, c.tv);
    this.putRuns(buf, runs[2]);
    this.finish();
    return KEEP;
  }
}

/** `tradeRow` on bytes: KEEP (with the shard line) or DEFER (trades are never filtered here). */
export class TradeRowBytes extends RowBytes {
  private readonly c: Record<'orderId' | 'ts' | 'security' | 'price' | 'qty' | 'side' | 'mg' | 'participant' | 'dealSource', number>;
  private readonly runs: Int32Array;

  constructor(cols: Cols, width: number) {
    super(width);
    const sources = shardSources(TRADE_SHARD, cols);
    this.runs = fieldRuns(sources, 0, sources.length);
    this.c = {
      orderId: cols.orderid, ts: cols.tradetime, security: cols.securitycode, price: cols.tradeprice, qty: cols.quantity,
      side: cols.side, mg: cols.matchgroupid, participant: cols.participantid, dealSource: cols.dealsource,
    };
  }

  /** Classifies the record buf[start, end) (no line ending, no quote byte); trades carry no file order. */
  route(buf: Buffer, start: number, end: number, _fileOrder?: number): ByteRowVerdict {
    if (!this.split(buf, start, end)) return DEFER;
    const c = this.c;
    if (!this.plain(buf, c.security) || this.empty(c.security)) return DEFER;
    if (!this.time(buf, c.ts) || !this.digits(buf, c.orderId, 19) || !this.side(buf, c.side)) return DEFER;
    if (!this.digits(buf, c.price, 15) || !this.digits(buf, c.qty, 15)) return DEFER;
    const b = this.bounds;
    if (numberOf(buf, b[c.price], b[c.price + 1] - 1) * numberOf(buf, b[c.qty], b[c.qty + 1] - 1) > MAX_TRADE_NOTIONAL) return DEFER;
    if (c.mg >= 0 && !this.empty(c.mg) && !this.digits(buf, c.mg, 19)) return DEFER;
    if ((c.participant >= 0 && !this.plain(buf, c.participant)) || (c.dealSource >= 0 && !this.plain(buf, c.dealSource))) return DEFER;
    this.place(buf, c.security, c.ts);
    this.p = 0;
    this.putRuns(buf, this.runs);
    this.finish();
    return KEEP;
  }
}

/** `quoteRow` on bytes: KEEP (with the shard line) or DEFER (quotes are never filtered here). */
export class QuoteRowBytes extends RowBytes {
  private readonly c: Record<'ts' | 'security' | 'bid' | 'offer', number>;
  private readonly runs: Int32Array;

  constructor(cols: Cols, width: number) {
    super(width);
    const sources = shardSources(QUOTE_SHARD, cols);
    this.runs = fieldRuns(sources, 0, sources.length);
    this.c = { ts: cols.timestamp, security: cols.orderbookid, bid: cols.bidprice, offer: cols.offerprice };
  }

  /** Classifies the record buf[start, end) (no line ending, no quote byte); quotes carry no file order. */
  route(buf: Buffer, start: number, end: number, _fileOrder?: number): ByteRowVerdict {
    if (!this.split(buf, start, end)) return DEFER;
    const c = this.c, b = this.bounds;
    if (!this.plain(buf, c.security) || this.empty(c.security) || !this.time(buf, c.ts)) return DEFER;
    if (!quoteText(buf, b[c.bid], b[c.bid + 1] - 1) || !quoteText(buf, b[c.offer], b[c.offer + 1] - 1)) return DEFER;
    this.place(buf, c.security, c.ts);
    this.p = 0;
    this.putRuns(buf, this.runs);
    this.finish();
    return KEEP;
  }
}

/** 1..maxLen ASCII digits (maxLen 19 keeps a uint64 check exact; 15 a safe integer). */
export function digits(buf: Buffer, s: number, e: number, maxLen: number): boolean {
  const len = e - s;
  if (len < 1 || len > maxLen) return false;
  for (let i = s; i < e; i++) {
    const ch = buf[i];
    if (ch < ZERO || ch > NINE) return false;
  }
  return true;
}

/** Empty, or an integer with an optional minus sign (any quote value is kept as it is). */
export function quoteText(buf: Buffer, s: number, e: number): boolean {
  if (e === s) return true;
  return buf[s] === MINUS ? digits(buf, s + 1, e, 19) : digits(buf, s, e, 19);
}

/**
 * Text that orderRow would copy unchanged: no padding to trim, no CR (commas and quotes cannot occur in an
 * unquoted record), printable ASCII only (control characters and non-ASCII bytes are the string rule's to judge).
 */
function plainText(buf: Buffer, s: number, e: number): boolean {
  if (e === s) return true;
  if (buf[s] === SPACE || buf[s] === TAB || buf[e - 1] === SPACE || buf[e - 1] === TAB) return false;
  for (let i = s; i < e; i++) {
    const ch = buf[i];
    if (ch < SPACE || ch >= 127) return false;
  }
  return true;
}

/** Value of validated digits (exact below 2^53). */
export function numberOf(buf: Buffer, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + (buf[i] - ZERO);
  return v;
}

const TWO16 = 65_536, TWO32 = 4_294_967_296;
/** Eight bytes the 64-bit value is assembled in, then read as one BigInt. */
const word = new DataView(new ArrayBuffer(8));

/**
 * BigInt of validated decimal digits (an optional leading minus). The digits of at most 19 (below 2^64)
 * are assembled by `unsignedInto` and read back as one unsigned 64-bit BigInt: one BigInt allocated per
 * value instead of the four of BigInt(hi) * 10^9 + BigInt(lo), for the three 64-bit fields of every order
 * event. Longer or signed text goes through BigInt of the string.
 */
export function bigIntOf(buf: Buffer, s: number, e: number): bigint {
  if (!unsignedInto(word, 0, buf, s, e)) return BigInt(buf.toString('latin1', s, e));
  return word.getBigUint64(0, true);
}

/**
 * Writes validated unsigned decimal digits, at most 19 of them (below 2^64), as a little-endian unsigned
 * 64-bit integer at `at` of `view`, with no BigInt: the digits are read as two numbers of at most 10 and 9
 * digits, and hi x 10^9 + lo is worked out in 32-bit halves with doubles (every step below 2^53). False,
 * writing nothing, for longer or signed text.
 */
export function unsignedInto(view: DataView, at: number, buf: Buffer, s: number, e: number): boolean {
  if (e - s > 19 || buf[s] === MINUS) return false;
  const m = e - 9 > s ? e - 9 : s;
  let hi = 0, lo = 0;
  for (let i = s; i < m; i++) hi = hi * 10 + (buf[i] - ZERO);
  for (let i = m; i < e; i++) lo = lo * 10 + (buf[i] - ZERO);
  // hi < 10^10 < 2^34 and lo < 10^9 < 2^30: hi x 10^9 = (hiHigh x 2^16 + hiLow) x 10^9, each product below 2^48.
  const hiHigh = Math.floor(hi / TWO16), hiLow = hi - hiHigh * TWO16;
  const a = hiHigh * 1e9, b = hiLow * 1e9 + lo; // value = a x 2^16 + b
  const aHigh = Math.floor(a / TWO16), bHigh = Math.floor(b / TWO32);
  let low = (a - aHigh * TWO16) * TWO16 + (b - bHigh * TWO32), high = aHigh + bHigh;
  if (low >= TWO32) {
    low -= TWO32;
    high += 1;
  }
  view.setUint32(at, low, true);
  view.setUint32(at + 4, high, true);
  return true;
}

