import type { OrderEvent, Quote, Side, TradeSide } from '../domain/types';
import { ORDER_SHARD, QUOTE_SHARD, TRADE_SHARD } from '../domain/shard-records';
import { bigIntOf, digits, fieldBounds, numberOf, quoteText, ShortTexts } from './row-bytes';

/**
 * Records from the bytes of shard lines (our own format, validated when sharded; the layouts are
 * domain/shard-records ORDER_SHARD and TRADE_SHARD), without splitting each line into strings. A parser returns
 * null for a line it does not expect (another field count); the caller then parses it the plain way. The
 * tests check both against the plain parse on whole shard files.
 */
const O = ORDER_SHARD.at, T = TRADE_SHARD.at, Q = QUOTE_SHARD.at;
const FIELDS = ORDER_SHARD.columns.length, TRADE_FIELDS = TRADE_SHARD.columns.length, QUOTE_FIELDS = QUOTE_SHARD.columns.length;
const MINUS = 45, ZERO = 48;

/** Where field f of a line ends (exclusive), from fieldBounds' starts: the next field's start less its comma. */
function to(bounds: Int32Array, f: number): number {
  return bounds[f + 1] - 1;
}

export class OrderEventBytes {
  private readonly bounds = new Int32Array(FIELDS + 1);
  private readonly texts = new ShortTexts();

  parse(buf: Buffer, start: number, end: number): OrderEvent | null {
    const b = this.bounds;
    if (!fieldBounds(buf, start, end, b, FIELDS)) return null;
    // Field f is buf[b[f], to(b, f)): plain indexing, so nothing is allocated per line beyond the event.
    const seqEmpty = to(b, O.sequence) === b[O.sequence], tvEmpty = to(b, O.timevalidity) === b[O.timevalidity];
    return {
      orderId: bigIntOf(buf, b[O.order_id], to(b, O.order_id)),
      timestamp: bigIntOf(buf, b[O.timestamp], to(b, O.timestamp)),
      sequence: seqEmpty ? null : bigIntOf(buf, b[O.sequence], to(b, O.sequence)),
      fileOrder: numberOf(buf, b[O.file_order], to(b, O.file_order)),
      security: this.texts.get(buf, b[O.security], to(b, O.security)),
      side: numberOf(buf, b[O.side], to(b, O.side)) as Side,
      price: numberOf(buf, b[O.price], to(b, O.price)),
      quantity: numberOf(buf, b[O.quantity], to(b, O.quantity)),
      leavesQuantity: numberOf(buf, b[O.leaves], to(b, O.leaves)),
      totalMatchedQuantity: numberOf(buf, b[O.matched], to(b, O.matched)),
      exchangeOrderType: numberOf(buf, b[O.type], to(b, O.type)),
      participantId: this.texts.get(buf, b[O.participant], to(b, O.participant)),
      nationalBid: quote(buf, b[O.national_bid], to(b, O.national_bid)),
      nationalOffer: quote(buf, b[O.national_offer], to(b, O.national_offer)),
      timeValidity: tvEmpty ? null : this.texts.get(buf, b[O.timevalidity], to(b, O.timevalidity)),
    };
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
    const ts = b[T.trade_time], te = to(b, T.trade_time);
    this.tradeTimeMs = te - ts > 6 ? numberOf(buf, ts, te - 6) : 0;
    this.quantity = numberOf(buf, b[T.quantity], to(b, T.quantity));
    this.participantId = this.texts.get(buf, b[T.participant], to(b, T.participant));
    return true;
  }

  parse(buf: Buffer, start: number, end: number): TradeSide | null {
    const b = this.bounds;
    if (!fieldBounds(buf, start, end, b, TRADE_FIELDS)) return null;
    return {
      orderId: bigIntOf(buf, b[T.order_id], to(b, T.order_id)),
      tradeTime: bigIntOf(buf, b[T.trade_time], to(b, T.trade_time)),
      security: this.texts.get(buf, b[T.security], to(b, T.security)),
      price: numberOf(buf, b[T.price], to(b, T.price)),
      quantity: numberOf(buf, b[T.quantity], to(b, T.quantity)),
      side: numberOf(buf, b[T.side], to(b, T.side)) as Side,
      matchGroupId: to(b, T.match_group_id) === b[T.match_group_id] ? null : bigIntOf(buf, b[T.match_group_id], to(b, T.match_group_id)),
      participantId: this.texts.get(buf, b[T.participant], to(b, T.participant)),
      dealSource: this.texts.get(buf, b[T.deal_source], to(b, T.deal_source)),
    };
  }
}

/**
 * NBBO quotes from quote shard lines. Stricter than the others: a line whose timestamp is not 1 to 19 plain
 * digits, or whose bid or offer is neither empty nor up to 19 digits with an optional minus (row-bytes'
 * checks of the shard step), is not answered (the plain parse, with quoteValue's trimming, decides it).
 */
export class QuoteBytes {
  private readonly bounds = new Int32Array(QUOTE_FIELDS + 1);
  private readonly texts = new ShortTexts();

  parse(buf: Buffer, start: number, end: number): Quote | null {
    const b = this.bounds;
    if (!fieldBounds(buf, start, end, b, QUOTE_FIELDS)) return null;
    const ts = b[Q.timestamp], te = to(b, Q.timestamp);
    if (!digits(buf, ts, te, 19)) return null;
    const bs = b[Q.bid], be = to(b, Q.bid), os = b[Q.offer], oe = to(b, Q.offer);
    if (!quoteText(buf, bs, be) || !quoteText(buf, os, oe)) return null;
    return { timestamp: bigIntOf(buf, ts, te), security: this.texts.get(buf, b[Q.security], to(b, Q.security)), bid: quote(buf, bs, be), offer: quote(buf, os, oe) };
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
