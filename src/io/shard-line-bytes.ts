import type { OrderEvent, Quote, Side, TradeSide } from '../domain/types';
import { ORDER_SHARD, QUOTE_SHARD, TRADE_SHARD } from '../domain/shard-records';
import { bigIntOf, fieldBounds, numberOf, ShortTexts } from './row-bytes';

/**
 * Records from the bytes of shard lines (our own format, validated when sharded; the layouts are
 * domain/shard-records ORDER_SHARD and TRADE_SHARD), without splitting each line into strings. A parser returns
 * null for a line it does not expect (another field count); the caller then parses it the plain way. The
 * tests check both against the plain parse on whole shard files.
 */
const O = ORDER_SHARD.at, T = TRADE_SHARD.at, Q = QUOTE_SHARD.at;
const FIELDS = ORDER_SHARD.columns.length, TRADE_FIELDS = TRADE_SHARD.columns.length, QUOTE_FIELDS = QUOTE_SHARD.columns.length;
const MINUS = 45, ZERO = 48;

export class OrderEventBytes {
  private readonly bounds = new Int32Array(FIELDS + 1);
  private readonly texts = new ShortTexts();

  parse(buf: Buffer, start: number, end: number): OrderEvent | null {
    const b = this.bounds;
    if (!fieldBounds(buf, start, end, b, FIELDS)) return null;
    const s = (f: number): number => b[f], e = (f: number): number => b[f + 1] - 1;
    const seqEmpty = e(O.sequence) === s(O.sequence), tvEmpty = e(O.timevalidity) === s(O.timevalidity);
    return {
      orderId: bigIntOf(buf, s(O.order_id), e(O.order_id)),
      timestamp: bigIntOf(buf, s(O.timestamp), e(O.timestamp)),
      sequence: seqEmpty ? null : bigIntOf(buf, s(O.sequence), e(O.sequence)),
      fileOrder: numberOf(buf, s(O.file_order), e(O.file_order)),
      security: this.text(buf, s(O.security), e(O.security)),
      side: numberOf(buf, s(O.side), e(O.side)) as Side,
      price: numberOf(buf, s(O.price), e(O.price)),
      quantity: numberOf(buf, s(O.quantity), e(O.quantity)),
      leavesQuantity: numberOf(buf, s(O.leaves), e(O.leaves)),
      totalMatchedQuantity: numberOf(buf, s(O.matched), e(O.matched)),
      exchangeOrderType: numberOf(buf, s(O.type), e(O.type)),
      participantId: this.text(buf, s(O.participant), e(O.participant)),
      nationalBid: quote(buf, s(O.national_bid), e(O.national_bid)),
      nationalOffer: quote(buf, s(O.national_offer), e(O.national_offer)),
      timeValidity: tvEmpty ? null : this.text(buf, s(O.timevalidity), e(O.timevalidity)),
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
    const ts = b[T.trade_time], te = b[T.trade_time + 1] - 1;
    this.tradeTimeMs = te - ts > 6 ? numberOf(buf, ts, te - 6) : 0;
    this.quantity = numberOf(buf, b[T.quantity], b[T.quantity + 1] - 1);
    this.participantId = this.texts.get(buf, b[T.participant], b[T.participant + 1] - 1);
    return true;
  }

  parse(buf: Buffer, start: number, end: number): TradeSide | null {
    const b = this.bounds;
    if (!fieldBounds(buf, start, end, b, TRADE_FIELDS)) return null;
    const s = (f: number): number => b[f], e = (f: number): number => b[f + 1] - 1;
    return {
      orderId: bigIntOf(buf, s(T.order_id), e(T.order_id)),
      tradeTime: bigIntOf(buf, s(T.trade_time), e(T.trade_time)),
      security: this.texts.get(buf, s(T.security), e(T.security)),
      price: numberOf(buf, s(T.price), e(T.price)),
      quantity: numberOf(buf, s(T.quantity), e(T.quantity)),
      side: numberOf(buf, s(T.side), e(T.side)) as Side,
      matchGroupId: e(T.match_group_id) === s(T.match_group_id) ? null : bigIntOf(buf, s(T.match_group_id), e(T.match_group_id)),
      participantId: this.texts.get(buf, s(T.participant), e(T.participant)),
      dealSource: this.texts.get(buf, s(T.deal_source), e(T.deal_source)),
    };
  }
}

/**
 * NBBO quotes from quote shard lines. Stricter than the others: a line whose timestamp is not 1 to 19 plain
 * digits, or whose bid or offer is neither empty, plain digits nor a minus and digits, is not answered
 * (the plain parse, with quoteValue's trimming, decides it).
 */
export class QuoteBytes {
  private readonly bounds = new Int32Array(QUOTE_FIELDS + 1);
  private readonly texts = new ShortTexts();

  parse(buf: Buffer, start: number, end: number): Quote | null {
    const b = this.bounds;
    if (!fieldBounds(buf, start, end, b, QUOTE_FIELDS)) return null;
    const ts = b[Q.timestamp], te = b[Q.timestamp + 1] - 1;
    if (te - ts < 1 || te - ts > 19 || !plainDigits(buf, ts, te)) return null;
    const bs = b[Q.bid], be = b[Q.bid + 1] - 1, os = b[Q.offer], oe = b[Q.offer + 1] - 1;
    if (!quoteText(buf, bs, be) || !quoteText(buf, os, oe)) return null;
    return { timestamp: bigIntOf(buf, ts, te), security: this.texts.get(buf, b[Q.security], b[Q.security + 1] - 1), bid: quote(buf, bs, be), offer: quote(buf, os, oe) };
  }
}

function plainDigits(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (buf[i] < ZERO || buf[i] > ZERO + 9) return false;
  return true;
}

/** Empty, digits, or a minus and digits: text `quote` reads as quoteValue does (no spaces to trim). */
function quoteText(buf: Buffer, s: number, e: number): boolean {
  if (e === s) return true;
  const from = buf[s] === MINUS ? s + 1 : s;
  return from < e && plainDigits(buf, from, e);
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
