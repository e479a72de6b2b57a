import type { OrderEvent, Side } from '../domain/types';

/**
 * Order events from the bytes of an order shard line (our own format, validated when sharded: see
 * domain/ingest-rules ORDER_SHARD_COLUMNS), without splitting the line into fifteen strings. Returns null
 * for a line it does not expect (another field count); the caller then parses it the plain way. The tests
 * check it against the plain parse on whole shard files.
 */
const FIELDS = 15, COMMA = 44, MINUS = 45, ZERO = 48;

export class OrderEventBytes {
  private readonly bounds = new Int32Array(FIELDS + 1);
  private readonly texts = new Map<number, string>();

  parse(buf: Buffer, start: number, end: number): OrderEvent | null {
    const b = this.bounds;
    let n = 0;
    b[0] = start;
    for (let i = start; i < end; i++) {
      if (buf[i] === COMMA) {
        if (++n >= FIELDS) return null;
        b[n] = i + 1;
      }
    }
    if (n !== FIELDS - 1) return null;
    b[FIELDS] = end + 1;
    const s = (f: number): number => b[f], e = (f: number): number => b[f + 1] - 1;
    const seqEmpty = e(2) === s(2), tvEmpty = e(14) === s(14);
    return {
      orderId: BigInt(buf.toString('latin1', s(0), e(0))),
      timestamp: BigInt(buf.toString('latin1', s(1), e(1))),
      sequence: seqEmpty ? null : BigInt(buf.toString('latin1', s(2), e(2))),
      fileOrder: digits(buf, s(3), e(3)),
      security: this.text(buf, s(4), e(4)),
      side: digits(buf, s(5), e(5)) as Side,
      price: digits(buf, s(6), e(6)),
      quantity: digits(buf, s(7), e(7)),
      leavesQuantity: digits(buf, s(8), e(8)),
      totalMatchedQuantity: digits(buf, s(9), e(9)),
      exchangeOrderType: digits(buf, s(10), e(10)),
      participantId: this.text(buf, s(11), e(11)),
      nationalBid: quote(buf, s(12), e(12)),
      nationalOffer: quote(buf, s(13), e(13)),
      timeValidity: tvEmpty ? null : this.text(buf, s(14), e(14)),
    };
  }

  /** Short texts (securities, participants, time validities) repeat on every line: looked up by their bytes. */
  private text(buf: Buffer, s: number, e: number): string {
    if (e - s > 6) return buf.toString('utf8', s, e);
    let key = 0;
    for (let i = s; i < e; i++) {
      if (buf[i] >= 128) return buf.toString('utf8', s, e);
      key = key * 256 + buf[i];
    }
    key = key * 8 + (e - s);
    let v = this.texts.get(key);
    if (v === undefined) this.texts.set(key, (v = buf.toString('utf8', s, e)));
    return v;
  }
}

/** Validated digits (a safe integer) to their value. */
function digits(buf: Buffer, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + (buf[i] - ZERO);
  return v;
}

/** domain/quotes quoteValue on bytes: empty, negative or zero is "no quote"; a value beyond 2^53 too. */
function quote(buf: Buffer, s: number, e: number): number | null {
  if (e === s || buf[s] === MINUS) return null;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i] - ZERO;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return v > 0 && Number.isSafeInteger(v) ? v : null;
}
