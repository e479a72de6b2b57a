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
  if (bid === null || offer === null || bid <= 0 || offer <= 0 || bid > offer) return null;
  return { twice: bid + offer };
}

export function midValue(mid: Mid): number {
  return mid.twice / 2;
}

/** Exact decimal text of a mid: "3335.5", "3335". */
export function midText(mid: Mid): string {
  const whole = Math.floor(mid.twice / 2);
  return mid.twice % 2 === 0 ? String(whole) : `${whole}.5`;
}

/**
 * The NBBO file of one partition, as a time-ordered list of valid mids, for "latest valid quote at or
 * before t" look-ups by binary search.
 */
export class QuoteBook {
  private readonly times: bigint[] = [];
  private readonly mids: Mid[] = [];

  constructor(quotes: Iterable<Quote>) {
    const valid: { t: bigint; mid: Mid }[] = [];
    for (const q of quotes) {
      const mid = midOf(q.bid, q.offer);
      if (mid) valid.push({ t: q.timestamp, mid });
    }
    // Stable sort keeps the file order of quotes with equal timestamps: the later row wins.
    valid.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
    for (const v of valid) {
      this.times.push(v.t);
      this.mids.push(v.mid);
    }
  }

  get size(): number {
    return this.times.length;
  }

  /** Latest valid mid at or before `t`, or null. */
  midAtOrBefore(t: bigint): Mid | null {
    let lo = 0, hi = this.times.length; // first index with time > t
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.times[m] <= t) lo = m + 1;
      else hi = m;
    }
    return lo === 0 ? null : this.mids[lo - 1];
  }
}
