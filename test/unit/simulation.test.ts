import { orderStates } from '../../src/domain/order-states';
import { QuoteBook } from '../../src/domain/quotes';
import { simulateSweeps, windowEnd, withinLimit, type SimOrder } from '../../src/domain/simulation';
import type { OrderEvent } from '../../src/domain/types';
import { ev, trade } from '../helpers/events';

const T = 1725494536001032398n;
const S = 1_000_000_000n; // one second in ns
let nextSeq = 1n;

/** An order resting with `leaves` after arrival, ending at `end` (final event) with the same leaves. */
function order(p: { id: bigint; t: bigint; side: 1 | 2; leaves: number; sweep?: boolean; limit?: number; bid?: number; offer?: number;
  fak?: boolean; end?: bigint; finalLeaves?: number; seq?: bigint; trades?: SimOrder['trades'] }): SimOrder {
  const common: Partial<OrderEvent> = {
    orderId: p.id, side: p.side, exchangeOrderType: p.sweep ? 2048 : 64, price: p.limit ?? 0, quantity: 10_000,
    nationalBid: p.bid ?? null, nationalOffer: p.offer ?? null, timeValidity: p.fak ? '0' : '1',
  };
  const events = [ev({ ...common, t: p.t, sequence: p.seq ?? nextSeq++, leavesQuantity: p.leaves })];
  events.push(ev({ ...common, t: p.end ?? p.t + 600n * S, sequence: nextSeq++, leavesQuantity: p.finalLeaves ?? p.leaves }));
  return { states: orderStates(events), trades: p.trades ?? [], isSweep: !!p.sweep };
}

const ID = (n: number): bigint => 7904794000124134556n + BigInt(n);

describe('sweep simulation', () => {
  it('fills a sweep residual from later opposite Centre Point orders at their exact half-unit mid', () => {
    const r = simulateSweeps([
      order({ id: ID(1), t: T, side: 1, leaves: 500, sweep: true }),
      order({ id: ID(2), t: T + S, side: 2, leaves: 200, bid: 3335, offer: 3336 }),
      order({ id: ID(3), t: T + 2n * S, side: 2, leaves: 1000, bid: 3336, offer: 3337 }),
    ], null);
    expect(r.matches).toEqual([
      { sweepId: ID(1), liquidityId: ID(2), time: T + S, quantity: 200, mid: { twice: 6671 } },
      { sweepId: ID(1), liquidityId: ID(3), time: T + 2n * S, quantity: 300, mid: { twice: 6673 } },
    ]);
    const [c] = r.candidates;
    expect(c).toMatchObject({ sweepId: ID(1), residualQty: 500, simFilledQty: 500, simFillRatio: 1, matches: 2, simNotionalTwice: 6671n * 200n + 6673n * 300n });
    expect(c.simVwap).toBeCloseTo((3335.5 * 200 + 3336.5 * 300) / 500, 10);
  });

  it('only uses liquidity on the opposite side, arriving strictly after the sweep (by sequence on equal timestamps) and by its end', () => {
    const r = simulateSweeps([
      order({ id: ID(0), t: T, side: 2, leaves: 100, bid: 10, offer: 12, seq: 5n }),
      order({ id: ID(1), t: T, side: 1, leaves: 500, sweep: true, seq: 6n, end: T + 10n * S }),
      order({ id: ID(2), t: T, side: 2, leaves: 100, bid: 10, offer: 12, seq: 7n }),
      order({ id: ID(3), t: T + S, side: 1, leaves: 100, bid: 10, offer: 12 }),
      order({ id: ID(4), t: T + 10n * S, side: 2, leaves: 100, bid: 10, offer: 12 }),
      order({ id: ID(5), t: T + 11n * S, side: 2, leaves: 100, bid: 10, offer: 12 }),
    ], null);
    expect(r.matches.map((m) => m.liquidityId)).toEqual([ID(2), ID(4)]);
  });

  it('shares one ledger: a sweep that served as liquidity enters as a candidate with its reduced remainder', () => {
    const r = simulateSweeps([
      order({ id: ID(1), t: T, side: 1, leaves: 300, sweep: true }),
      order({ id: ID(2), t: T + S, side: 2, leaves: 1000, sweep: true, bid: 100, offer: 102 }),
      order({ id: ID(3), t: T + 2n * S, side: 1, leaves: 900, bid: 100, offer: 102 }),
    ], null);
    // Sweep 2 gives 300 to sweep 1, then as a candidate has 700 left for order 3.
    expect(r.matches.map((m) => [m.sweepId, m.liquidityId, m.quantity])).toEqual([[ID(1), ID(2), 300], [ID(2), ID(3), 700]]);
    expect(r.candidates.map((c) => [c.sweepId, c.residualQty, c.simFilledQty])).toEqual([[ID(1), 300, 300], [ID(2), 1000, 700]]);
  });

  it('counts and skips limit-blocked liquidity, for both orders\' limits', () => {
    const r = simulateSweeps([
      order({ id: ID(1), t: T, side: 1, leaves: 100, sweep: true, limit: 100 }),
      order({ id: ID(2), t: T + S, side: 2, leaves: 100, bid: 101, offer: 103 }), // mid 102 > buy limit 100
      order({ id: ID(3), t: T + 2n * S, side: 2, leaves: 100, limit: 101, bid: 99, offer: 100 }), // mid 99.5 < sell limit 101
      order({ id: ID(4), t: T + 3n * S, side: 2, leaves: 100, limit: 99, bid: 99, offer: 102 }), // mid 100.5 > buy limit 100
      order({ id: ID(5), t: T + 4n * S, side: 2, leaves: 100, limit: 99, bid: 99, offer: 101 }), // mid 100: ok for both
    ], null);
    expect(r.limitBlocked).toBe(3);
    expect(r.matches.map((m) => m.liquidityId)).toEqual([ID(5)]);
  });

  it('excludes fill-and-kill orders from liquidity and counts liquidity without any quote', () => {
    const book = new QuoteBook([{ timestamp: T + 3n * S, security: 's', bid: 200, offer: 202 }]);
    const r = simulateSweeps([
      order({ id: ID(1), t: T, side: 1, leaves: 300, sweep: true }),
      order({ id: ID(2), t: T + S, side: 2, leaves: 100, fak: true, bid: 100, offer: 102 }),
      order({ id: ID(3), t: T + 2n * S, side: 2, leaves: 100 }), // no own quote, nothing in the book yet
      order({ id: ID(4), t: T + 4n * S, side: 2, leaves: 100 }), // no own quote: the NBBO file gives 201
    ], book);
    expect(r.noQuote).toBe(1);
    expect(r.matches).toEqual([{ sweepId: ID(1), liquidityId: ID(4), time: T + 4n * S, quantity: 100, mid: { twice: 402 } }]);
  });

  it('is not a candidate without a post-arrival remainder; a lone sweep is a candidate with nothing simulated', () => {
    const full = order({ id: ID(1), t: T, side: 1, leaves: 0, sweep: true });
    const lone = order({ id: ID(2), t: T, side: 2, leaves: 50, sweep: true });
    const r = simulateSweeps([full, lone], null);
    expect(r.candidates.map((c) => c.sweepId)).toEqual([ID(2)]);
    expect(r.candidates[0]).toMatchObject({ simFilledQty: 0, simFillRatio: 0, simVwap: null, matches: 0, priceImprovementBps: null });
  });

  it('ends the window at the last trade when the sweep finished filled, else at its final event', () => {
    const trades = [trade({ t: T + 3n * S, qty: 10, price: 5 }), trade({ t: T + 7n * S, qty: 10, price: 5 })];
    expect(windowEnd(order({ id: ID(1), t: T, side: 1, leaves: 20, sweep: true, finalLeaves: 0, end: T + 9n * S, trades }))).toBe(T + 7n * S);
    expect(windowEnd(order({ id: ID(1), t: T, side: 1, leaves: 20, sweep: true, finalLeaves: 5, end: T + 9n * S, trades }))).toBe(T + 9n * S);
  });

  it('compares with real execution after arrival: price improvement positive when the dark would have been cheaper', () => {
    const trades = [
      trade({ t: T, qty: 100, price: 90 }), // at arrival: not "after arrival"
      trade({ t: T + 5n * S, qty: 200, price: 104 }),
    ];
    const r = simulateSweeps([
      order({ id: ID(1), t: T, side: 1, leaves: 200, sweep: true, finalLeaves: 0, end: T + 5n * S, trades }),
      order({ id: ID(2), t: T + S, side: 2, leaves: 500, bid: 100, offer: 104 }),
    ], null);
    const [c] = r.candidates;
    expect(c).toMatchObject({ realQtyAfterArrival: 200, realVwapAfterArrival: 104, simVwap: 102, windowEnd: T + 5n * S });
    expect(c.priceImprovementBps).toBeCloseTo(((104 - 102) / 104) * 1e4, 10);
    // A sell is better off receiving more: the same prices give a negative improvement.
    const sell = simulateSweeps([
      order({ id: ID(1), t: T, side: 2, leaves: 200, sweep: true, finalLeaves: 0, end: T + 5n * S, trades }),
      order({ id: ID(2), t: T + S, side: 1, leaves: 500, bid: 100, offer: 104 }),
    ], null);
    expect(sell.candidates[0].priceImprovementBps).toBeCloseTo(-((104 - 102) / 104) * 1e4, 10);
  });

  it('checks limits on exact twice-mids (a half-unit mid against an integer limit)', () => {
    expect(withinLimit(1, 100, { twice: 201 })).toBe(false);
    expect(withinLimit(1, 101, { twice: 201 })).toBe(true);
    expect(withinLimit(2, 100, { twice: 201 })).toBe(true);
    expect(withinLimit(2, 0, { twice: 1 })).toBe(true);
  });
});
