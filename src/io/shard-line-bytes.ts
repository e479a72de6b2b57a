import type { OrderEvent, Side, TradeSide } from '../domain/types';
import { bigIntOf, fieldBounds, numberOf, ShortTexts } from './row-bytes';

/**
 * Records from the bytes of shard lines (our own format, validated when sharded: see domain/ingest-rules
 * ORDER_SHARD_COLUMNS and TRADE_SHARD_COLUMNS), without splitting each line into strings. A parser returns
 * null for a line it does not expect (another field count); the caller then parses it the plain way. The
 * tests check both against the plain parse on whole shard files.
 */
const FIELDS = 15, TRADE_FIELDS = 9, MINUS = 45, ZERO = 48;

export class OrderEventBytes {
  private readonly bounds = new Int32Array(FIELDS + 1);
  private readonly texts = new ShortTexts();

  parse(buf: Buffer, start: number, end: number): OrderEvent | null {
    const b = this.bounds;
    if (!fieldBounds(buf, start, end, b, FIELDS)) return null;
    const s = (f: number): number => b[f], e = (f: number): number => b[f + 1] - 1;
    const seqEmpty = e(2) === s(2), tvEmpty = e(14) === s(14);
    return {
      orderId: bigIntOf(buf, s(0), e(0)),
      timestamp: bigIntOf(buf, s(1), e(1)),
      sequence: seqEmpty ? null : bigIntOf(buf, s(2), e(2)),
      fileOrder: numberOf(buf, s(3), e(3)),
      security: this.text(buf, s(4), e(4)),
      side: numberOf(buf, s(5), e(5)) as Side,
      price: numberOf(buf, s(6), e(6)),
      quantity: numberOf(buf, s(7), e(7)),
      leavesQuantity: numberOf(buf, s(8), e(8)),
      totalMatchedQuantity: numberOf(buf, s(9), e(9)),
      exchangeOrderType: numberOf(buf, s(10), e(10)),
      participantId: this.text(buf, s(11), e(11)),
      nationalBid: quote(buf, s(12), e(12)),
      nationalOffer: quote(buf, s(13), e(13)),
      timeValidity: tvEmpty ? null : this.text(buf, s(14), e(14)),
    };
  }

  private text(buf: Buffer, s: number, e: number): string {
    return this.texts.get(buf, s, e);
  }
}

/** Trade sides from trade shard lines. */
export class TradeSideBytes {
  private readonly bounds = new Int32Array(TRADE_FIELDS + 1);
  private readonly texts = new ShortTexts();
  /** What `share` read last: the line's participant, trade time in whole ms, and quantity. */
  participantId = '';
  tradeTimeMs = 0;
  quantity = 0;

  /**
   * The Centre Point share's view of a line (participant, trade time in ms, quantity) without building a
   * trade: false for a line it does not expect (the caller parses it the plain way).
   */
  share(buf: Buffer, start: number, end: number): boolean {
    const b = this.bounds;
    if (!fieldBounds(buf, start, end, b, TRADE_FIELDS)) return false;
    const ts = b[1], te = b[2] - 1;
    this.tradeTimeMs = te - ts > 6 ? numberOf(buf, ts, te - 6) : 0;
    this.quantity = numberOf(buf, b[4], b[5] - 1);
    this.participantId = this.texts.get(buf, b[7], b[8] - 1);
    return true;
  }

  parse(buf: Buffer, start: number, end: number): TradeSide | null {
    const b = this.bounds;
    if (!fieldBounds(buf, start, end, b, TRADE_FIELDS)) return null;
    const s = (f: number): number => b[f], e = (f: number): number => b[f + 1] - 1;
    return {
      orderId: bigIntOf(buf, s(0), e(0)),
      tradeTime: bigIntOf(buf, s(1), e(1)),
      security: this.texts.get(buf, s(2), e(2)),
      price: numberOf(buf, s(3), e(3)),
      quantity: numberOf(buf, s(4), e(4)),
      side: numberOf(buf, s(5), e(5)) as Side,
      matchGroupId: e(6) === s(6) ? null : bigIntOf(buf, s(6), e(6)),
      participantId: this.texts.get(buf, s(7), e(7)),
      dealSource: this.texts.get(buf, s(8), e(8)),
    };
  }
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
