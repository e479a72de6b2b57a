import type { Mid, Quote } from './types';

/** INT64_MIN, zero and negative values mean "no quote" (DOMAIN.md section 2). */
export function quoteValue(raw: string | undefined | null): number | null {
  if (raw === undefined || raw === null) return null;
  const t = raw.trim();
  if (t === '' || t[0] === '-') return null;
  if (!/^\d+$/.test(t)) return null;
  const v = Number(t);
  return v > 0 && Number.isSafeInteger(v) ? v : null;
}

/** Exact mid of a valid two-sided quote (both present and bid <= offer); null otherwise. */
export function midOf(bid: number | null, offer: number | null): Mid | null {
  const twice = midTwiceOf(bid, offer);
  return twice === twice ? { twice } : null;
}

/** midOf as twice the mid, NaN where there is none: no object, for the per-order measures. */
export function midTwiceOf(bid: number | null, offer: number | null): number {
  if (bid === null || offer === null || bid <= 0 || offer <= 0 || bid > offer) return NaN;
  return bid + offer;
}

export function midValue(mid: Mid): number {
  return mid.twice / 2;
}

/** Exact decimal text of a mid: "3335.5", "3335". */
export function midText(mid: Mid): string {
  const whole = Math.floor(mid.twice / 2);
  return mid.twice % 2 === 0 ? String(whole) : `${whole}.5`;
}

/** A valid NBBO-file quote: its time, bid and offer (bid <= offer, both > 0) and its exact mid. */
export interface PrevailingQuote {
  time: bigint;
  bid: number;
  offer: number;
  mid: Mid;
}

/**
 * The NBBO file of one partition, as a time-ordered list of valid quotes, for "latest valid quote at or
 * before t" look-ups by binary search (DOMAIN.md sections 7 and 12). Invalid rows (crossed, 0, negative,
 * INT64_MIN) are left out, so the previous valid quote keeps prevailing; of quotes with one timestamp the
 * last in the file wins.
 */
export class QuoteBook {
  private readonly quotes: PrevailingQuote[] = [];

  constructor(quotes: Iterable<Quote>) {
    for (const q of quotes) {
      const mid = midOf(q.bid, q.offer);
      if (mid) this.quotes.push({ time: q.timestamp, bid: q.bid!, offer: q.offer!, mid });
    }
    // Stable sort keeps the file order of quotes with equal timestamps: the later row wins.
    this.quotes.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  }

  get size(): number {
    return this.quotes.length;
  }

  /** The quote prevailing at `t`: the latest valid one at or before it, or null. */
  prevailing(t: bigint): PrevailingQuote | null {
    const qs = this.quotes;
    let lo = 0, hi = qs.length; // first index with time > t
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (qs[m].time <= t) lo = m + 1;
      else hi = m;
    }
    return lo === 0 ? null : qs[lo - 1];
  }

  /** Latest valid mid at or before `t`, or null. */
  midAtOrBefore(t: bigint): Mid | null {
    return this.prevailing(t)?.mid ?? null;
  }
}
