import { compareEvents, orderStates } from '../../src/domain/order-states';
import { QuoteBook } from '../../src/domain/quotes';
import { isFillAndKill, liquidityMid, simulateSweeps, windowEnd, withinLimit, type SimOrder } from '../../src/domain/simulation';
import type { Mid } from '../../src/domain/types';
import { ev } from '../helpers/events';

/**
 * simulateSweeps walks each side's liquidity with skip links past exhausted orders. The reference here is
 * the plain walk it replaced (every order visited, the ledger in a Map by order id); on random partitions
 * with heavy reuse of liquidity, both give the same matches, candidates and counters.
 */
function referenceMatches(orders: readonly SimOrder[], book: QuoteBook | null): { matches: [bigint, bigint, number][]; noQuote: number; limitBlocked: number } {
  const byArrival = [...orders].sort((a, b) => compareEvents(a.states.arrival, b.states.arrival));
  const remaining = new Map<bigint, number>();
  for (const o of byArrival) remaining.set(o.states.arrival.orderId, o.states.postArrival.leavesQuantity);
  const out = { matches: [] as [bigint, bigint, number][], noQuote: 0, limitBlocked: 0 };
  for (const c of byArrival) {
    if (!c.isSweep || c.states.postArrival.leavesQuantity <= 0) continue;
    const id = c.states.arrival.orderId, side = c.states.arrival.side, end = windowEnd(c);
    for (const l of byArrival) {
      if ((remaining.get(id) ?? 0) <= 0) break;
      if (l.states.arrival.side === side || isFillAndKill(l.states) || compareEvents(l.states.arrival, c.states.arrival) <= 0) continue;
      if (l.states.arrival.timestamp > end) break;
      const lid = l.states.arrival.orderId, avail = remaining.get(lid) ?? 0;
      if (avail <= 0) continue;
      const mid: Mid | null = liquidityMid(l.states, book);
      if (!mid) { out.noQuote++; continue; }
      if (!withinLimit(side, c.states.postArrival.price, mid) || !withinLimit(l.states.arrival.side, l.states.postArrival.price, mid)) { out.limitBlocked++; continue; }
      const q = Math.min(remaining.get(id)!, avail);
      remaining.set(id, remaining.get(id)! - q);
      remaining.set(lid, avail - q);
      out.matches.push([id, lid, q]);
    }
  }
  return out;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const T = 1725494536001032398n, S = 1_000_000_000n;

function randomPartition(r: () => number): SimOrder[] {
  const n = 2 + Math.floor(r() * 60);
  const int = (k: number): number => Math.floor(r() * k);
  return Array.from({ length: n }, (_, i) => {
    const t = T + BigInt(int(40)) * S;
    const side = (1 + int(2)) as 1 | 2;
    const leaves = [0, 100, 300, 1000, 5000][int(5)];
    const quoted = r() < 0.85;
    const common = {
      orderId: 7904794000124134556n + BigInt(i), side, exchangeOrderType: r() < 0.4 ? 2048 : 64,
      price: r() < 0.3 ? 3330 + int(10) : 0, quantity: 10_000,
      nationalBid: quoted ? 3330 + int(5) : null, nationalOffer: quoted ? 3336 + int(5) : null, timeValidity: r() < 0.1 ? '0' : '1',
    };
    const events = [ev({ ...common, t, sequence: BigInt(i * 2 + int(3)), leavesQuantity: leaves })];
    events.push(ev({ ...common, t: t + BigInt(1 + int(30)) * S, sequence: BigInt(1000 + i), leavesQuantity: int(2) ? leaves : 0 }));
    return { states: orderStates(events), trades: [], isSweep: common.exchangeOrderType === 2048 };
  });
}

describe('sweep simulation against the plain walk', () => {
  it('gives the same matches and counters on 500 random partitions', () => {
    const r = rng(17);
    let matched = 0, exhaustedReuse = 0;
    for (let trial = 0; trial < 500; trial++) {
      const orders = randomPartition(r);
      const book = r() < 0.5 ? new QuoteBook([{ timestamp: T, security: 'X', bid: 3331, offer: 3337 }]) : null;
      const got = simulateSweeps(orders, book);
      const want = referenceMatches(orders, book);
      expect(got.matches.map((m) => [m.sweepId, m.liquidityId, m.quantity])).toEqual(want.matches);
      expect([got.noQuote, got.limitBlocked]).toEqual([want.noQuote, want.limitBlocked]);
      for (const c of got.candidates) {
        expect(c.simFilledQty).toBe(want.matches.filter(([s]) => s === c.sweepId).reduce((a, [, , q]) => a + q, 0));
      }
      matched += want.matches.length;
      const used = new Set(want.matches.map(([, l]) => l));
      exhaustedReuse += want.matches.filter(([s]) => used.has(s)).length;
    }
    // The trials really exercise matching and a ledger shared between sweeps.
    expect(matched).toBeGreaterThan(1000);
    expect(exhaustedReuse).toBeGreaterThan(20);
  });
});
