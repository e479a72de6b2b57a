import { sydneyDateOfMillisCached, type Cols } from '../domain/ingest-rules';
import { isCentrePoint, type OrderTypeMasks } from '../domain/order-type';

/**
 * The order rule of the shard step (domain/ingest-rules `orderRow`) on the raw bytes of an unquoted record,
 * for the common case of a well-formed row: no field string is created except the security code, and a
 * kept row's shard line is assembled byte by byte. It answers only when it is sure; any row that is not
 * plainly valid (wrong field count, padding, a 20-digit or 16-digit number, a non-digit, a CR inside) is
 * handed back (`DEFER`) to `orderRow`, which decides and words the reject reason. The unit tests check it
 * against `orderRow` on random valid and invalid rows: same outcome, same line, byte for byte.
 */
export const DEFER = 0, FILTER = 1, KEEP = 2;
export type ByteRowVerdict = typeof DEFER | typeof FILTER | typeof KEEP;

const COMMA = 44, MINUS = 45, ZERO = 48, NINE = 57, SPACE = 32, TAB = 9, CR = 13;
const NULL_TEXT = Buffer.from('null');

export class OrderRowBytes {
  /** Start of each field, and one past the end of the last (filled per row). */
  private readonly bounds: Int32Array;
  /** The shard line of the last KEEP verdict: `line.subarray(0, lineLength)`. */
  readonly line: Buffer = Buffer.allocUnsafe(4096);
  lineLength = 0;
  /** Security and Sydney date of the last FILTER or KEEP verdict. */
  security = '';
  date = '';
  private readonly securities = new Map<number, string>();
  private readonly countFields: number[];
  private p = 0;
  private readonly c: Record<'orderId' | 'ts' | 'seq' | 'security' | 'side' | 'price' | 'qty' | 'leaves' | 'matched' | 'type' | 'participant' | 'nb' | 'no' | 'tv', number>;

  constructor(cols: Cols, private readonly width: number, private readonly masks: OrderTypeMasks) {
    this.bounds = new Int32Array(width + 1);
    this.c = {
      orderId: cols.order_id, ts: cols.timestamp, seq: cols.sequence, security: cols.security_code, side: cols.side,
      price: cols.price, qty: cols.quantity, leaves: cols.leavesquantity, matched: cols.totalmatchedquantity,
      type: cols.exchangeordertype, participant: cols.participantid, nb: cols.national_bid, no: cols.national_offer,
      tv: cols.timevalidity,
    };
    const c = this.c;
    this.countFields = [c.price, c.qty, c.leaves, c.matched];
  }

  /** Classifies the record buf[start, end) (no line ending, no quote byte). `fileOrder` < 2^53. */
  route(buf: Buffer, start: number, end: number, fileOrder: number): ByteRowVerdict {
    const b = this.bounds, width = this.width;
    let n = 0;
    b[0] = start;
    for (let i = start; i < end; i++) {
      if (buf[i] === COMMA) {
        if (++n >= width) return DEFER;
        b[n] = i + 1;
      }
    }
    if (n !== width - 1) return DEFER;
    b[width] = end + 1;
    const c = this.c;
    // The same checks, in the same order up to the filter decision, as orderRow.
    const secS = b[c.security], secE = b[c.security + 1] - 1;
    if (!plainText(buf, secS, secE) || secE === secS) return DEFER;
    if (!digits(buf, b[c.ts], b[c.ts + 1] - 1, 19)) return DEFER;
    if (!digits(buf, b[c.orderId], b[c.orderId + 1] - 1, 19)) return DEFER;
    const sideS = b[c.side];
    if (b[c.side + 1] - 1 - sideS !== 1 || (buf[sideS] !== 49 && buf[sideS] !== 50)) return DEFER;
    const typeS = b[c.type], typeE = b[c.type + 1] - 1;
    if (!digits(buf, typeS, typeE, 15)) return DEFER;
    this.security = this.securityOf(buf, secS, secE);
    const tsS = b[c.ts], tsE = b[c.ts + 1] - 1;
    this.date = sydneyDateOfMillisCached(tsE - tsS > 6 ? numberOf(buf, tsS, tsE - 6) : 0);
    if (!isCentrePoint(numberOf(buf, typeS, typeE), this.masks)) return FILTER;
    for (const f of this.countFields) if (!digits(buf, b[f], b[f + 1] - 1, 15)) return DEFER;
    if (c.seq >= 0 && b[c.seq + 1] - 1 > b[c.seq] && !digits(buf, b[c.seq], b[c.seq + 1] - 1, 19)) return DEFER;
    if (c.nb >= 0 && !quote(buf, b[c.nb], b[c.nb + 1] - 1)) return DEFER;
    if (c.no >= 0 && !quote(buf, b[c.no], b[c.no + 1] - 1)) return DEFER;
    if (!plainText(buf, b[c.participant], b[c.participant + 1] - 1)) return DEFER;
    if (c.tv >= 0 && !plainText(buf, b[c.tv], b[c.tv + 1] - 1)) return DEFER;
    if (end - start + 40 > this.line.length) return DEFER;

    const out = this.line;
    this.p = 0;
    this.put(buf, c.orderId); this.put(buf, c.ts); this.put(buf, c.seq);
    let p = writeUint(out, this.p, fileOrder);
    out[p++] = COMMA;
    this.p = p;
    this.put(buf, c.security); this.put(buf, c.side); this.put(buf, c.price); this.put(buf, c.qty); this.put(buf, c.leaves);
    this.put(buf, c.matched); this.put(buf, c.type); this.put(buf, c.participant); this.put(buf, c.nb); this.put(buf, c.no);
    p = this.p;
    if (c.tv >= 0) {
      if (b[c.tv + 1] - 1 === b[c.tv]) p += NULL_TEXT.copy(out, p);
      else {
        this.p = p;
        this.put(buf, c.tv);
        p = this.p - 1; // no comma after the last field
      }
    }
    out[p++] = 10;
    this.lineLength = p;
    return KEEP;
  }

  /** Appends field f (absent: nothing) and a comma to the line. */
  private put(buf: Buffer, f: number): void {
    const out = this.line;
    let p = this.p;
    if (f >= 0) for (let i = this.bounds[f], e = this.bounds[f + 1] - 1; i < e; i++) out[p++] = buf[i];
    out[p++] = COMMA;
    this.p = p;
  }

  /** Security codes repeat on every row: short ASCII codes are looked up by their bytes, not decoded. */
  private securityOf(buf: Buffer, s: number, e: number): string {
    if (e - s > 6) return buf.toString('utf8', s, e);
    let key = 0;
    for (let i = s; i < e; i++) key = key * 256 + buf[i];
    key = key * 8 + (e - s);
    let v = this.securities.get(key);
    if (v === undefined) this.securities.set(key, (v = buf.toString('utf8', s, e)));
    return v;
  }
}

/** 1..maxLen ASCII digits (maxLen 19 keeps a uint64 check exact; 15 a safe integer). */
function digits(buf: Buffer, s: number, e: number, maxLen: number): boolean {
  const len = e - s;
  if (len < 1 || len > maxLen) return false;
  for (let i = s; i < e; i++) {
    const ch = buf[i];
    if (ch < ZERO || ch > NINE) return false;
  }
  return true;
}

/** Empty, or an integer with an optional minus sign (any quote value is kept as it is). */
function quote(buf: Buffer, s: number, e: number): boolean {
  if (e === s) return true;
  return buf[s] === MINUS ? digits(buf, s + 1, e, 19) : digits(buf, s, e, 19);
}

/**
 * Text that orderRow would copy unchanged: no padding to trim, no CR (commas and quotes cannot occur in an
 * unquoted record), ASCII only (orderRow's UTF-8 decoding would replace invalid bytes).
 */
function plainText(buf: Buffer, s: number, e: number): boolean {
  if (e === s) return true;
  if (buf[s] === SPACE || buf[e - 1] === SPACE || buf[e - 1] === TAB) return false;
  for (let i = s; i < e; i++) {
    const ch = buf[i];
    if (ch === CR || ch >= 128) return false;
  }
  return true;
}

/** Value of validated digits (at most 15: exact). */
function numberOf(buf: Buffer, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + (buf[i] - ZERO);
  return v;
}

function writeUint(out: Buffer, p: number, v: number): number {
  if (v === 0) {
    out[p] = ZERO;
    return p + 1;
  }
  let digitsCount = 0;
  for (let t = v; t >= 1; t = Math.floor(t / 10)) digitsCount++;
  let q = p + digitsCount;
  for (let t = v; t >= 1; t = Math.floor(t / 10)) out[--q] = ZERO + (t % 10);
  return p + digitsCount;
}
