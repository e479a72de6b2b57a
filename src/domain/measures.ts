import { ExactSum } from './exact-sum';
import { midOf, midValue, QuoteBook } from './quotes';
import type { OrderStates } from './order-states';
import type { Mid, TradeSide } from './types';

/**
 * The trade-to-order join of DOMAIN.md section 7, one trade at a time as trades stream: a trade joins the
 * partition's order whose order_id equals its orderid (exact 64-bit ids), appended to that order's trades in
 * the order trades arrive; false for a trade of another order (lit orders, the other side of a match). One
 * look-up per trade, where grouping all trades first and attaching the groups took four.
 */
export function joinTrade<T extends { orderId: bigint }>(orders: ReadonlyMap<bigint, { trades: T[] }>, trade: T): boolean {
  const order = orders.get(trade.orderId);
  if (order === undefined) return false;
  order.trades.push(trade);
  return true;
}

/** What an order's trades add up to (DOMAIN.md section 7). */
export interface Execution {
  filledQty: number;
  numTrades: number;
  /** Sum of price x quantity, exact. */
  notional: bigint;
  firstTradeTime: bigint | null;
  lastTradeTime: bigint | null;
}

export const NO_EXECUTION: Execution = { filledQty: 0, numTrades: 0, notional: 0n, firstTradeTime: null, lastTradeTime: null };

/**
 * The notional is summed in plain numbers while every product and partial sum is a safe integer (no BigInt
 * per trade), and exactly beyond: a product past 2^53 rounds to an unsafe double, so the check never lets an
 * inexact one through.
 */
export function execution(trades: readonly TradeSide[]): Execution {
  let filledQty = 0;
  const notional = new ExactSum();
  let first: bigint | null = null, last: bigint | null = null;
  for (const t of trades) {
    filledQty += t.quantity;
    const pq = t.price * t.quantity;
    if (Number.isSafeInteger(pq)) notional.add(pq);
    else notional.addBig(BigInt(t.price) * BigInt(t.quantity));
    if (first === null || t.tradeTime < first) first = t.tradeTime;
    if (last === null || t.tradeTime > last) last = t.tradeTime;
  }
  return { filledQty, numTrades: trades.length, notional: notional.value(), firstTradeTime: first, lastTradeTime: last };
}

/** Quantity-weighted average price; null without quantity. */
export function vwap(notional: bigint, quantity: number): number | null {
  if (quantity <= 0) return null;
  return Number(notional) / quantity;
}

/** Final matched over final quantity (never the arrival quantity: amendments change it); 0 when quantity is 0. */
export function fillRatio(finalMatched: number, finalQuantity: number): number {
  return finalQuantity > 0 ? finalMatched / finalQuantity : 0;
}

/** max(0, later - earlier) in seconds; the subtraction is exact in BigInt, only the small result is converted. */
export function elapsedSeconds(earlier: bigint, later: bigint | null): number | null {
  if (later === null) return null;
  const d = later - earlier;
  return d <= 0n ? 0 : Number(d) / 1e9;
}

/** The order's own national quotes at arrival when valid, else the latest valid NBBO-file quote, else null. */
export function arrivalMid(states: OrderStates, book: QuoteBook | null): Mid | null {
  const own = midOf(states.arrival.nationalBid, states.arrival.nationalOffer);
  if (own) return own;
  return book ? book.midAtOrBefore(states.arrival.timestamp) : null;
}

/** s x (vwap - mid) / mid x 1e4, s = +1 buy, -1 sell: positive = paid more than mid. */
export function arrivalCostBps(side: 1 | 2, vwapPrice: number | null, mid: Mid | null): number | null {
  if (vwapPrice === null || mid === null) return null;
  const m = midValue(mid);
  const s = side === 1 ? 1 : -1;
  return (s * (vwapPrice - m) / m) * 1e4;
}

/** Data-quality flag: the trades file and the order's own matched quantity disagree. */
export function filledQtyMismatch(filledQty: number, finalMatched: number): boolean {
  return filledQty !== finalMatched;
}
