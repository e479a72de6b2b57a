import { FillTable, orNull } from './fill-table';
import { SAFE } from './exact-sum';
import { midTwiceOf, type PrevailingQuote, type QuoteBook } from './quotes';
import type { OrderStates } from './order-states';
import type { Mid, Side } from './types';

/**
 * DOMAIN.md section 12: execution quality per fill and per order. Every function is pure; a measure is null
 * where its quote does not exist or its denominator is 0. Signs: s = +1 for a buy, -1 for a sell, and every
 * figure is in basis points unless its name says otherwise.
 */

/** A horizon of `thresholds.markoutHorizons` or `fillHorizons`: seconds, with its column label and exact ns. */
export interface Horizon {
  seconds: number;
  /** Column label: whole seconds as `5s`, shorter ones as `100ms`. */
  label: string;
  ns: bigint;
}

export function horizon(seconds: number): Horizon {
  const ms = Math.round(seconds * 1000);
  const label = ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
  return { seconds, label, ns: BigInt(ms) * 1_000_000n };
}

function sign(side: Side): 1 | -1 {
  return side === 1 ? 1 : -1;
}

/** What section 12 says about one fill: price p, quantity q at time t, of an order on `side`. */
export interface FillQuality {
  /** The quote prevailing at t (the latest valid NBBO-file quote at or before it), or null. */
  quote: PrevailingQuote | null;
  /** t minus the quote's timestamp, in ms; null without a quote. */
  quoteAgeMs: number | null;
  /** 2s(p - mid)/mid x 1e4: the fill's cost against the mid (0 at the mid). */
  effectiveSpreadBps: number | null;
  /** s(opp - p)/mid x 1e4, opp = offer for a buy, bid for a sell: what the fill saved against crossing. */
  priceImprovementBps: number | null;
  /** 2s(p - mid)/spread: effective over quoted spread; null on a locked quote. */
  eqRatio: number | null;
  /** bid < p < offer, or p = mid; null without a quote. */
  insideNbbo: boolean | null;
  /** Per horizon h: s(mid(t+h) - p)/p x 1e4 (positive = the market moved the order's way). */
  markoutBps: (number | null)[];
  /** Per horizon h: 2s(p - mid(t+h))/mid(t) x 1e4. */
  realizedSpreadBps: (number | null)[];
  /** Per horizon h: 2s(mid(t+h) - mid(t))/mid(t) x 1e4 (effective = realized + impact). */
  priceImpactBps: (number | null)[];
}

export function fillQuality(side: Side, price: number, time: bigint, book: QuoteBook | null, horizons: readonly Horizon[]): FillQuality {
  const t = new FillTable(horizons, 1);
  t.append(side, { orderId: 0n, tradeTime: time, security: '', price, quantity: 0, side, matchGroupId: null, participantId: '', dealSource: '' }, book);
  return fillQualityAt(t, 0);
}

/** One row of a fill table as a `FillQuality` (nulls where the table holds NaN). */
export function fillQualityAt(t: FillTable, row: number): FillQuality {
  const inside = t.insideNbbo[row];
  const perHorizon = (columns: Float64Array[]): (number | null)[] => columns.map((c) => orNull(c, row));
  return {
    quote: t.quotes[row],
    quoteAgeMs: orNull(t.quoteAgeMs, row),
    effectiveSpreadBps: orNull(t.effectiveSpreadBps, row),
    priceImprovementBps: orNull(t.priceImprovementBps, row),
    eqRatio: orNull(t.eqRatio, row),
    insideNbbo: inside < 0 ? null : inside === 1,
    markoutBps: perHorizon(t.markoutBps),
    realizedSpreadBps: perHorizon(t.realizedSpreadBps),
    priceImpactBps: perHorizon(t.priceImpactBps),
  };
}

/** Where an order's arrival mid came from (section 12): its own national bid/offer, the NBBO file, or nowhere. */
export type ArrivalMidSource = 'order' | 'nbbo' | null;

export interface ArrivalQuote {
  mid: Mid | null;
  source: ArrivalMidSource;
  /** Arrival time minus the NBBO quote's timestamp, in ms, for the `nbbo` source; null otherwise. */
  ageMs: number | null;
}

/** The section 7 arrival-mid rule at one event: its own valid national bid/offer, else the prevailing NBBO quote. */
export function midAtEvent(bid: number | null, offer: number | null, time: bigint, book: QuoteBook | null): ArrivalQuote {
  const m = eventMidInto(noEventMid(), bid, offer, time, book);
  return { mid: m.twice === m.twice ? { twice: m.twice } : null, source: m.source, ageMs: m.ageMs === m.ageMs ? m.ageMs : null };
}

export function arrivalQuote(states: OrderStates, book: QuoteBook | null): ArrivalQuote {
  const a = states.arrival;
  return midAtEvent(a.nationalBid, a.nationalOffer, a.timestamp, book);
}

/** midAtEvent in numbers (NaN where null), filled in place: an order table measures every order through one. */
export interface EventMid {
  twice: number;
  source: ArrivalMidSource;
  ageMs: number;
}

/** An EventMid holding no mid yet, for eventMidInto to fill. */
export function noEventMid(): EventMid {
  return { twice: NaN, source: null, ageMs: NaN };
}

/** The arrival-mid rule at one event (midAtEvent) into `out`, which it returns. */
export function eventMidInto(out: EventMid, bid: number | null, offer: number | null, time: bigint, book: QuoteBook | null): EventMid {
  const own = midTwiceOf(bid, offer);
  if (own === own) {
    out.twice = own;
    out.source = 'order';
    out.ageMs = NaN;
    return out;
  }
  const q = book ? book.prevailing(time) : null;
  out.twice = q ? q.mid.twice : NaN;
  out.source = q ? 'nbbo' : null;
  out.ageMs = q ? Number(time - q.time) / 1e6 : NaN;
  return out;
}

/** Implementation shortfall with opportunity cost (Perold), in bps of the arrival mid's value of the order. */
export interface Shortfall {
  executionCostBps: number | null;
  opportunityCostBps: number | null;
  implementationShortfallBps: number | null;
}

/**
 * P0 = arrival mid, Q = final quantity, F = filled quantity, notional = sum of q x p over the fills (exact),
 * Pn = the mid at the order's final event. execution = s(notional - F x P0)/(Q x P0) x 1e4, opportunity =
 * s(Q - F)(Pn - P0)/(Q x P0) x 1e4, shortfall = their sum. Q = 0 or no P0: all null; Q = F: opportunity 0
 * even without Pn; no Pn otherwise: opportunity and shortfall null. The numerators are exact integers in
 * twice-mid units; only the final division is a double.
 */
export function shortfall(side: Side, p0: Mid | null, finalQty: number, filledQty: number, notional: bigint, pn: Mid | null): Shortfall {
  const out = new Float64Array(3);
  shortfallInto(out, side, p0 ? p0.twice : NaN, finalQty, filledQty, notional, pn ? pn.twice : NaN);
  const [execution, opportunity, total] = out;
  return { executionCostBps: orNullOf(execution), opportunityCostBps: orNullOf(opportunity), implementationShortfallBps: orNullOf(total) };
}

function orNullOf(x: number): number | null {
  return x === x ? x : null;
}

/** Half the largest safe integer: 2 x notional is still safe below it. */
const HALF_SAFE = SAFE / 2n;
const MAX = Number.MAX_SAFE_INTEGER;

/**
 * `shortfall` into out[0..2] (execution, opportunity, their sum; NaN where null), from twice the mids (NaN:
 * none). The numerators are computed in plain numbers when every term is a safe integer, which makes them
 * exact and the result the same double; otherwise in BigInt. Returns whether the numbers answered.
 */
export function shortfallInto(out: Float64Array, side: Side, p0Twice: number, finalQty: number, filledQty: number, notional: bigint, pnTwice: number): boolean {
  if (p0Twice !== p0Twice || finalQty === 0) {
    out.fill(NaN);
    return true;
  }
  const s = sign(side);
  const paid = filledQty * p0Twice;
  const unfilled = finalQty === filledQty || pnTwice !== pnTwice ? 0 : (finalQty - filledQty) * (pnTwice - p0Twice);
  const quantityAtMid = finalQty * p0Twice; // Q x 2P0, the denominator
  const exact = Math.abs(quantityAtMid) <= MAX && paid >= 0 && paid <= MAX && notional >= 0n && notional <= HALF_SAFE && Math.abs(unfilled) <= MAX;
  const denominator = exact ? quantityAtMid : Number(BigInt(finalQty) * BigInt(p0Twice));
  const execution = (exact
    ? signed(s, 2 * Number(notional) - paid)
    : Number(BigInt(s) * (2n * notional - BigInt(filledQty) * BigInt(p0Twice)))) / denominator * 1e4;
  let opportunity: number;
  if (finalQty === filledQty) opportunity = 0;
  else if (pnTwice !== pnTwice) opportunity = NaN;
  else {
    opportunity = (exact
      ? signed(s, unfilled)
      : Number(BigInt(s) * BigInt(finalQty - filledQty) * BigInt(pnTwice - p0Twice))) / denominator * 1e4;
  }
  out[0] = execution === 0 ? 0 : execution;
  out[1] = opportunity === 0 ? 0 : opportunity;
  out[2] = execution + opportunity;
  return exact;
}

/** s x an exact integer, with no -0 (a BigInt's zero has no sign, so the result is the BigInt rule's double). */
function signed(s: 1 | -1, x: number): number {
  return s === 1 ? x + 0 : 0 - x;
}

/** Per fill-probability horizon: whether the order filled within it and whether it was observed through it. */
export interface FillWithin {
  filled: boolean;
  observed: boolean;
}

/**
 * Censoring-aware fill probability (section 12): an order fills within h when its first fill is at most h
 * after arrival (a first fill before arrival counts as 0); it is observed through h when it filled within h
 * or its final event is at least h after arrival. Bounds are inclusive.
 */
export function fillsWithin(arrival: bigint, firstFill: bigint | null, finalEvent: bigint, horizons: readonly Horizon[]): FillWithin[] {
  const bits = new Int32Array(2);
  fillsWithinBits(arrival, firstFill, finalEvent, horizons, bits);
  return fillsWithinOfBits(bits[0], bits[1], horizons.length);
}

/** The flags of `count` horizons from fillsWithinBits' bits. */
export function fillsWithinOfBits(filled: number, observed: number, count: number): FillWithin[] {
  return Array.from({ length: count }, (_, h) => ({ filled: ((filled >> h) & 1) === 1, observed: ((observed >> h) & 1) === 1 }));
}

/**
 * fillsWithin as bits (bit h for horizon h: out[0] filled within it, out[1] observed through it), with no
 * array or object per order: an order table keeps the bits. At most 31 horizons.
 */
export function fillsWithinBits(arrival: bigint, firstFill: bigint | null, finalEvent: bigint, horizons: readonly Horizon[], out: Int32Array): void {
  if (horizons.length > 31) throw new Error(`at most 31 fill horizons, not ${horizons.length}`);
  const sinceArrival = firstFill === null ? null : firstFill - arrival;
  const wait = sinceArrival !== null && sinceArrival < 0n ? 0n : sinceArrival;
  const seen = finalEvent - arrival;
  let filled = 0, observed = 0;
  for (let h = 0; h < horizons.length; h++) {
    const within = wait !== null && wait <= horizons[h].ns;
    if (within) filled |= 1 << h;
    if (within || seen >= horizons[h].ns) observed |= 1 << h;
  }
  out[0] = filled;
  out[1] = observed;
}
