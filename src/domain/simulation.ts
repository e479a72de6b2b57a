import { compareEvents, type OrderStates } from './order-states';
import { midOf, type QuoteBook } from './quotes';
import type { Mid, TradeSide } from './types';

/**
 * DOMAIN.md section 9: had the unexecuted remainder of each sweep rested in Centre Point, how much would
 * later-arriving Centre Point liquidity have filled, at what price?
 *
 * One ledger per partition: every order's remaining quantity (its post-arrival leaves) is shared, so a sweep
 * that served as liquidity for an earlier sweep enters as a candidate with what is left.
 */

export interface SimOrder {
  states: OrderStates;
  trades: readonly TradeSide[];
  isSweep: boolean;
}

export interface SimMatch {
  sweepId: bigint;
  liquidityId: bigint;
  /** Arrival time of the liquidity order: when the match would have happened. */
  time: bigint;
  quantity: number;
  mid: Mid;
}

export interface SimCandidate {
  sweepId: bigint;
  side: 1 | 2;
  arrivalTime: bigint;
  windowEnd: bigint;
  /** Post-arrival leaves: what rested after the immediate execution. */
  residualQty: number;
  simFilledQty: number;
  simFillRatio: number;
  /** Sum of mid x quantity, as twice-mids (exact). */
  simNotionalTwice: bigint;
  simVwap: number | null;
  matches: number;
  realQtyAfterArrival: number;
  realNotionalAfterArrival: bigint;
  realVwapAfterArrival: number | null;
  priceImprovementBps: number | null;
}

export interface SimulationResult {
  candidates: SimCandidate[];
  matches: SimMatch[];
  /** Liquidity visits skipped because no valid quote gave a mid. */
  noQuote: number;
  /** Liquidity visits skipped because the mid broke either order's limit. */
  limitBlocked: number;
}

/** A fill-and-kill order (time validity 0, when the column exists) never rests, so it offers no liquidity. */
export function isFillAndKill(o: OrderStates): boolean {
  return o.arrival.timeValidity === '0';
}

/** End of a sweep's window: its last trade when it finished filled, else its final event. */
export function windowEnd(o: SimOrder): bigint {
  const { final } = o.states;
  if (final.leavesQuantity === 0 && o.trades.length > 0) {
    let last = o.trades[0].tradeTime;
    for (const t of o.trades) if (t.tradeTime > last) last = t.tradeTime;
    return last;
  }
  return final.timestamp;
}

/** Whether a price (as twice-mid) respects an order's limit (post-arrival price; 0 = no limit). */
export function withinLimit(side: 1 | 2, limit: number, mid: Mid): boolean {
  if (limit <= 0) return true;
  return side === 1 ? mid.twice <= 2 * limit : mid.twice >= 2 * limit;
}

/** The mid at a liquidity order's arrival: its own national quotes if valid, else the NBBO file. */
export function liquidityMid(o: OrderStates, book: QuoteBook | null): Mid | null {
  return midOf(o.arrival.nationalBid, o.arrival.nationalOffer) ?? (book ? book.midAtOrBefore(o.arrival.timestamp) : null);
}

/**
 * A side's resting liquidity in arrival order, with skip links past exhausted orders: a long window would
 * otherwise walk every order already used up by earlier sweeps, again for each sweep.
 */
class LiquidityPool {
  readonly orders: number[] = [];
  private next: Int32Array = new Int32Array(0);

  seal(remaining: Float64Array): void {
    this.next = new Int32Array(this.orders.length + 1);
    for (let k = 0; k <= this.orders.length; k++) this.next[k] = k;
    for (let k = 0; k < this.orders.length; k++) if (remaining[this.orders[k]] <= 0) this.exhausted(k);
  }

  /** The first position at or after k whose order still has quantity (orders.length when none). */
  live(k: number): number {
    let r = k;
    while (this.next[r] !== r) r = this.next[r];
    while (this.next[k] !== r) {
      const n = this.next[k];
      this.next[k] = r;
      k = n;
    }
    return r;
  }

  exhausted(k: number): void {
    this.next[k] = k + 1;
  }
}

/** Simulation orders by their arrival events (a module-level comparator, as order-states' byArrival). */
function simOrdersByArrival(a: SimOrder, b: SimOrder): number {
  return compareEvents(a.states.arrival, b.states.arrival);
}

/**
 * One job's simulation while it runs: the orders in arrival order, the shared ledger, the liquidity pools
 * and the mids found so far. A class whose method measures one sweep, not closures made per call: V8
 * keeps a function's optimised code only while one of its closures lives, and compiles a hot loop by
 * compiling its whole function, which here was the whole simulation.
 */
class SweepSimulation {
  readonly result: SimulationResult = { candidates: [], matches: [], noQuote: 0, limitBlocked: 0 };
  /** The shared ledger, by position in arrival order. */
  private readonly remaining: Float64Array;
  private readonly liquidity: Record<1 | 2, LiquidityPool> = { 1: new LiquidityPool(), 2: new LiquidityPool() };
  private readonly mids: (Mid | null | undefined)[];

  constructor(private readonly byArrival: readonly SimOrder[], private readonly book: QuoteBook | null) {
    this.remaining = new Float64Array(byArrival.length);
    for (let i = 0; i < byArrival.length; i++) this.remaining[i] = byArrival[i].states.postArrival.leavesQuantity;
    for (let i = 0; i < byArrival.length; i++) if (!isFillAndKill(byArrival[i].states)) this.liquidity[byArrival[i].states.arrival.side].orders.push(i);
    this.liquidity[1].seal(this.remaining);
    this.liquidity[2].seal(this.remaining);
    this.mids = new Array<Mid | null | undefined>(byArrival.length);
  }

  private midFor(i: number): Mid | null {
    if (this.mids[i] === undefined) this.mids[i] = liquidityMid(this.byArrival[i].states, this.book);
    return this.mids[i]!;
  }

  /** Simulates order `ci` (in arrival order) if it is a sweep with a residual. */
  sweep(ci: number): void {
    const { byArrival, remaining, result } = this;
    const c = byArrival[ci];
    if (!c.isSweep || c.states.postArrival.leavesQuantity <= 0) return;
    const id = c.states.arrival.orderId;
    const side = c.states.arrival.side;
    const limit = c.states.postArrival.price;
    const end = windowEnd(c);
    const pool = this.liquidity[side === 1 ? 2 : 1];
    const positions = pool.orders;
    // First liquidity order arriving strictly after the sweep, by (timestamp, sequence).
    let lo = 0, hi = positions.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (compareEvents(byArrival[positions[m]].states.arrival, c.states.arrival) <= 0) lo = m + 1;
      else hi = m;
    }
    let filled = 0, notionalTwice = 0n, matches = 0;
    for (let k = pool.live(lo); k < positions.length && remaining[ci] > 0; k = pool.live(k + 1)) {
      const li = positions[k];
      const l = byArrival[li];
      if (l.states.arrival.timestamp > end) break;
      // Live, so above zero: liquidity is on the other side and arrives after the sweep, so it is never the
      // sweep itself and has not been a candidate yet, and every match that used it up marked it exhausted.
      const avail = remaining[li];
      const mid = this.midFor(li);
      if (!mid) {
        result.noQuote++;
        continue;
      }
      if (!withinLimit(side, limit, mid) || !withinLimit(l.states.arrival.side, l.states.postArrival.price, mid)) {
        result.limitBlocked++;
        continue;
      }
      const q = Math.min(remaining[ci], avail);
      remaining[ci] -= q;
      remaining[li] = avail - q;
      if (remaining[li] <= 0) pool.exhausted(k);
      filled += q;
      notionalTwice += BigInt(mid.twice) * BigInt(q);
      matches++;
      result.matches.push({ sweepId: id, liquidityId: l.states.arrival.orderId, time: l.states.arrival.timestamp, quantity: q, mid });
    }
    let realQty = 0, realNotional = 0n;
    for (const t of c.trades) {
      if (t.tradeTime > c.states.arrival.timestamp) {
        realQty += t.quantity;
        realNotional += BigInt(t.price) * BigInt(t.quantity);
      }
    }
    const residual = c.states.postArrival.leavesQuantity;
    const simVwap = filled > 0 ? Number(notionalTwice) / 2 / filled : null;
    const realVwap = realQty > 0 ? Number(realNotional) / realQty : null;
    const s = side === 1 ? 1 : -1;
    result.candidates.push({
      sweepId: id, side, arrivalTime: c.states.arrival.timestamp, windowEnd: end, residualQty: residual,
      simFilledQty: filled, simFillRatio: filled / residual, simNotionalTwice: notionalTwice, simVwap, matches,
      realQtyAfterArrival: realQty, realNotionalAfterArrival: realNotional, realVwapAfterArrival: realVwap,
      priceImprovementBps: simVwap !== null && realVwap !== null ? (s * (realVwap - simVwap) / realVwap) * 1e4 : null,
    });
  }
}

export function simulateSweeps(orders: readonly SimOrder[], book: QuoteBook | null): SimulationResult {
  const sim = new SweepSimulation([...orders].sort(simOrdersByArrival), book);
  for (let ci = 0; ci < orders.length; ci++) sim.sweep(ci);
  return sim.result;
}
