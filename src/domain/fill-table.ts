import type { Horizon } from './execution-quality';
import { midValue, type PrevailingQuote, type QuoteBook } from './quotes';
import type { Side, TradeSide } from './types';

/**
 * A job's fills with their DOMAIN.md section 12 measures, column by column: one row per fill, the measures
 * in typed arrays (NaN where the measure is null), so a job of 20k fills holds a few dozen arrays instead of
 * a hundred thousand small objects, and its table columns are those arrays. The formulas live here once;
 * `fillQuality` (execution-quality.ts) measures one fill into a one-row table and reads it back as an object.
 * Signs: s = +1 for a buy, -1 for a sell; every figure in basis points unless its name says otherwise.
 */
export class FillTable {
  length = 0;
  /** The fill's trade row. */
  readonly trades: TradeSide[];
  /** The trade's price and quantity, copied out of its row: the rollup and the fills table read them column by column. */
  readonly price: Float64Array;
  readonly quantity: Float64Array;
  /** The quote prevailing at the trade time (the latest valid NBBO-file quote at or before it), or null. */
  readonly quotes: (PrevailingQuote | null)[];
  /** Trade time minus the quote's timestamp, in ms. */
  quoteAgeMs: Float64Array;
  /** 2s(p - mid)/mid x 1e4: the fill's cost against the mid (0 at the mid). */
  effectiveSpreadBps: Float64Array;
  /** s(opp - p)/mid x 1e4, opp = offer for a buy, bid for a sell: what the fill saved against crossing. */
  priceImprovementBps: Float64Array;
  /** 2s(p - mid)/spread: effective over quoted spread; NaN (null) on a locked quote. */
  eqRatio: Float64Array;
  /** bid < p < offer, or p = mid: 1 or 0; -1 (null) without a quote. */
  insideNbbo: Int8Array;
  /** Per horizon h: s(mid(t+h) - p)/p x 1e4 (positive = the market moved the order's way). */
  markoutBps: Float64Array[];
  /** Per horizon h: 2s(p - mid(t+h))/mid(t) x 1e4. */
  realizedSpreadBps: Float64Array[];
  /** Per horizon h: 2s(mid(t+h) - mid(t))/mid(t) x 1e4 (effective = realized + impact). */
  priceImpactBps: Float64Array[];

  /** @param capacity the most fills it will hold (a job knows its joined trades; appending more is an error) */
  constructor(readonly horizons: readonly Horizon[], readonly capacity: number) {
    // A fill's quote at t + h is searched forward from its quote at t.
    if (horizons.some((h) => h.ns < 0n)) throw new Error(`a markout horizon is after the fill, not ${horizons.find((h) => h.ns < 0n)!.seconds} s`);
    const n = Math.max(1, capacity);
    this.trades = new Array<TradeSide>(capacity); // sized once, as the order table's arrays
    this.quotes = new Array<PrevailingQuote | null>(capacity);
    this.price = new Float64Array(n);
    this.quantity = new Float64Array(n);
    this.quoteAgeMs = new Float64Array(n);
    this.effectiveSpreadBps = new Float64Array(n);
    this.priceImprovementBps = new Float64Array(n);
    this.eqRatio = new Float64Array(n);
    this.insideNbbo = new Int8Array(n);
    this.markoutBps = horizons.map(() => new Float64Array(n));
    this.realizedSpreadBps = horizons.map(() => new Float64Array(n));
    this.priceImpactBps = horizons.map(() => new Float64Array(n));
  }

  /** Appends one fill (a trade row of an order on `side`) measured against `book`; returns its row. */
  append(side: Side, trade: TradeSide, book: QuoteBook | null): number {
    const row = this.length;
    if (row >= this.capacity) throw new Error(`a fill table for ${this.capacity} fills is full`);
    this.length++;
    this.trades[row] = trade;
    this.price[row] = trade.price;
    this.quantity[row] = trade.quantity;
    const price = trade.price, time = trade.tradeTime, s = side === 1 ? 1 : -1;
    const at = book ? book.prevailingIndex(time) : -1;
    const quote = at < 0 ? null : book!.at(at);
    this.quotes[row] = quote;
    const mid = quote ? midValue(quote.mid) : NaN;
    if (quote) {
      const spread = quote.offer - quote.bid;
      this.quoteAgeMs[row] = Number(time - quote.time) / 1e6;
      this.effectiveSpreadBps[row] = (2 * s * (price - mid) / mid) * 1e4;
      this.priceImprovementBps[row] = (s * ((side === 1 ? quote.offer : quote.bid) - price) / mid) * 1e4;
      this.eqRatio[row] = spread > 0 ? (2 * s * (price - mid)) / spread : NaN;
      this.insideNbbo[row] = (quote.bid < price && price < quote.offer) || 2 * price === quote.mid.twice ? 1 : 0;
    } else {
      this.quoteAgeMs[row] = this.effectiveSpreadBps[row] = this.priceImprovementBps[row] = this.eqRatio[row] = NaN;
      this.insideNbbo[row] = -1;
    }
    for (let h = 0; h < this.horizons.length; h++) {
      const laterAt = book ? book.prevailingIndexFrom(time + this.horizons[h].ns, at) : -1;
      const later = laterAt < 0 ? null : book!.at(laterAt).mid;
      const m = later ? midValue(later) : NaN;
      // NaN propagates: no later mid, or no mid at t, gives a null measure.
      this.markoutBps[h][row] = later === null || price === 0 ? NaN : (s * (m - price) / price) * 1e4;
      this.realizedSpreadBps[h][row] = (2 * s * (price - m) / mid) * 1e4;
      this.priceImpactBps[h][row] = (2 * s * (m - mid) / mid) * 1e4;
    }
    return row;
  }

}

/** A column's value at a row, null where it is NaN. */
export function orNull(column: Float64Array, row: number): number | null {
  const v = column[row];
  return v !== v ? null : v;
}

/** An order's fills: rows `start` to `start + count - 1` of a job's fill table, in trade-time order. */
export interface FillRange {
  table: FillTable;
  start: number;
  count: number;
}
