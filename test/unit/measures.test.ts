import { arrivalCostBps, arrivalMid, elapsedSeconds, execution, fillRatio, filledQtyMismatch, joinTrade, vwap } from '../../src/domain/measures';
import { measureOrder } from '../../src/domain/order-measures';
import { orderStates } from '../../src/domain/order-states';
import { midOf, midText, QuoteBook, quoteValue } from '../../src/domain/quotes';
import type { Quote } from '../../src/domain/types';
import { ev, trade } from '../helpers/events';
import { rng, SETTINGS } from '../helpers/random-orders';

const T = 1725494536001032398n;
const settings = SETTINGS;

describe('quotes', () => {
  it.each([
    ['-9223372036854775808', null], ['0', null], ['-5', null], ['', null], [' 3335 ', 3335], ['abc', null],
  ])('quote value %p is %p', (raw, want) => expect(quoteValue(raw)).toBe(want));

  it('keeps half-unit mids exact', () => {
    const m = midOf(3335, 3336)!;
    expect(m.twice).toBe(6671);
    expect(midText(m)).toBe('3335.5');
    expect(midText(midOf(3334, 3336)!)).toBe('3335');
  });

  it('treats one-sided and crossed quotes as no mid', () => {
    expect(midOf(null, 3336)).toBeNull();
    expect(midOf(3337, 3336)).toBeNull();
    expect(midOf(3336, 3336)).toEqual({ twice: 6672 });
  });

  it('finds the latest valid NBBO quote at or before a time, skipping invalid ones', () => {
    const book = new QuoteBook([
      { timestamp: T - 100n, security: 's', bid: 100, offer: 102 },
      { timestamp: T - 50n, security: 's', bid: null, offer: 110 },
      { timestamp: T, security: 's', bid: 104, offer: 103 },
      { timestamp: T + 1n, security: 's', bid: 200, offer: 202 },
    ]);
    expect(book.size).toBe(2);
    expect(book.midAtOrBefore(T)).toEqual({ twice: 202 });
    expect(book.midAtOrBefore(T - 100n)).toEqual({ twice: 202 });
    expect(book.midAtOrBefore(T - 101n)).toBeNull();
    expect(book.midAtOrBefore(T + 1n)).toEqual({ twice: 402 });
  });
});

describe('quote book times', () => {
  it('takes times up to 2^63 - 1 (ingest allows none past 2262) and refuses one beyond, naming it', () => {
    const q = (timestamp: bigint): Quote => ({ timestamp, security: 's', bid: 100, offer: 102 });
    const book = new QuoteBook([q(2n ** 63n - 1n), q(0n)]);
    expect(book.prevailingIndex(2n ** 63n - 2n)).toBe(0);
    expect(book.prevailingIndex(2n ** 64n)).toBe(1);
    expect(book.prevailingIndex(-1n)).toBe(-1);
    expect(() => new QuoteBook([q(2n ** 63n)])).toThrow('an NBBO quote time beyond signed 64 bits: 9223372036854775808');
  });
});

describe('quote search forward from a known quote', () => {
  it('finds what a search of the whole book finds, for 20,000 times at or after a known quote, on books of 0 to 3,000 quotes with ties', () => {
    const r = rng(5);
    let searches = 0;
    for (let b = 0; b < 40; b++) {
      const n = [0, 1, 2, 3, 3000][b % 5] || Math.floor(r() * 3000);
      const quotes = Array.from({ length: n }, () => ({ timestamp: T + BigInt(Math.floor(r() * 1e6)) * (r() < 0.3 ? 1n : 1000n), security: 's', bid: 100, offer: 102 }));
      const book = new QuoteBook(quotes);
      for (let k = 0; k < 500; k++) {
        // Times and later times are quotes' own times a third of the time: ties decide the answer there.
        const quoteTime = (): bigint | null => (n > 0 && r() < 0.33 ? quotes[Math.floor(r() * n)].timestamp : null);
        const t = quoteTime() ?? T + BigInt(Math.floor(r() * 1.1e9) - 1e7);
        const from = book.prevailingIndex(t);
        const tied = quoteTime();
        const later = tied !== null && tied >= t ? tied : t + BigInt(Math.floor(r() * (r() < 0.5 ? 1e3 : 1e9)));
        expect(book.prevailingIndexFrom(later, from)).toBe(book.prevailingIndex(later));
        expect(book.prevailingIndexFrom(t, from)).toBe(from);
        searches++;
      }
    }
    expect(searches).toBe(20_000);
  });
});

describe('trade-to-order join', () => {
  it('joins on the exact 64-bit order id, in arrival order, and leaves the trades of other orders out', () => {
    const a = 7904794000124134556n, b = 7904794000124134557n; // differ only past 2^53
    const trades = [trade({ t: T, qty: 1, price: 1, orderId: a }), trade({ t: T, qty: 2, price: 1, orderId: b }), trade({ t: T, qty: 3, price: 1, orderId: a })];
    const orders = new Map([[a, { trades: [] as typeof trades }]]);
    expect(trades.map((t) => joinTrade(orders, t))).toEqual([true, false, true]);
    expect(orders.get(a)!.trades.map((t) => t.quantity)).toEqual([1, 3]);
  });
});

describe('per-order measures', () => {
  it('sums trades exactly and measures times in BigInt', () => {
    const ex = execution([trade({ t: T + 2_500_000_000n, qty: 300, price: 3335 }), trade({ t: T + 500_000_000n, qty: 100, price: 3337 })]);
    expect(ex).toEqual({ filledQty: 400, numTrades: 2, notional: 1334200n, firstTradeTime: T + 500_000_000n, lastTradeTime: T + 2_500_000_000n });
    expect(vwap(ex.notional, ex.filledQty)).toBe(3335.5);
    expect(elapsedSeconds(T, ex.firstTradeTime)).toBe(0.5);
    expect(elapsedSeconds(T, ex.lastTradeTime)).toBe(2.5);
  });

  it('sums the notional exactly when a product or the sum passes 2^53 (numbers while safe, BigInt beyond)', () => {
    const big = 2 ** 40 + 1, qty = 2 ** 14 - 1; // a product of 54 significant bits: no double holds it
    const beyond = execution([trade({ t: T, qty, price: big }), trade({ t: T + 1n, qty: 3, price: 7 })]);
    expect(beyond.notional).toBe(BigInt(big) * BigInt(qty) + 21n);
    const safe = 2 ** 52; // each product safe, their sum 2^53 + 21: not
    const sum = execution([trade({ t: T, qty: 1, price: safe }), trade({ t: T, qty: 1, price: safe }), trade({ t: T, qty: 3, price: 7 })]);
    expect(sum.notional).toBe(2n ** 53n + 21n);
  });

  it('has null VWAP and times without trades, and clamps negative elapsed time to 0', () => {
    expect(vwap(0n, 0)).toBeNull();
    expect(elapsedSeconds(T, null)).toBeNull();
    expect(elapsedSeconds(T, T - 5n)).toBe(0);
  });

  it('fill ratio uses the final quantity, never the arrival quantity (amendments)', () => {
    const s = orderStates([
      ev({ t: T, sequence: 1n, quantity: 1000, leavesQuantity: 1000 }),
      ev({ t: T + 1n, sequence: 2n, quantity: 500, leavesQuantity: 500 }),
      ev({ t: T + 2n, sequence: 3n, quantity: 500, leavesQuantity: 0, totalMatchedQuantity: 500 }),
    ]);
    expect(fillRatio(s.final.totalMatchedQuantity, s.final.quantity)).toBe(1);
    expect(fillRatio(0, 0)).toBe(0);
  });

  it('takes the arrival mid from the order when valid, else from the NBBO file, else null', () => {
    const book = new QuoteBook([{ timestamp: T - 1n, security: 's', bid: 100, offer: 103 }]);
    const own = orderStates([ev({ t: T, nationalBid: 3335, nationalOffer: 3336 })]);
    const crossed = orderStates([ev({ t: T, nationalBid: 3337, nationalOffer: 3336 })]);
    const none = orderStates([ev({ t: T })]);
    expect(arrivalMid(own, book)).toEqual({ twice: 6671 });
    expect(arrivalMid(crossed, book)).toEqual({ twice: 203 });
    expect(arrivalMid(none, null)).toBeNull();
    expect(arrivalMid(orderStates([ev({ t: T - 2n })]), book)).toBeNull();
  });

  it('signs arrival cost: positive when a buy pays above mid or a sell receives below it', () => {
    expect(arrivalCostBps(1, 101, { twice: 200 })).toBeCloseTo(100, 10);
    expect(arrivalCostBps(2, 99, { twice: 200 })).toBeCloseTo(100, 10);
    expect(arrivalCostBps(2, 101, { twice: 200 })).toBeCloseTo(-100, 10);
    expect(arrivalCostBps(1, null, { twice: 200 })).toBeNull();
    expect(arrivalCostBps(1, 100, null)).toBeNull();
  });

  it('flags a mismatch between trades and the final matched quantity', () => {
    expect(filledQtyMismatch(400, 400)).toBe(false);
    expect(filledQtyMismatch(300, 400)).toBe(true);
  });

  it('measures a whole sweep: states, trades, mid, classes, hour, with the id kept exact', () => {
    const id = 7904794000124134556n;
    const s = orderStates([
      ev({ orderId: id, t: T, sequence: 1n, exchangeOrderType: 2048, quantity: 6000, leavesQuantity: 6000, nationalBid: 3335, nationalOffer: 3336 }),
      ev({ orderId: id, t: T, sequence: 2n, exchangeOrderType: 2048, quantity: 6000, leavesQuantity: 2000, totalMatchedQuantity: 4000, price: 3340 }),
      ev({ orderId: id, t: T + 3_000_000_000n, sequence: 3n, exchangeOrderType: 2048, quantity: 6000, leavesQuantity: 0, totalMatchedQuantity: 6000 }),
    ]);
    const m = measureOrder(s, [trade({ t: T, qty: 4000, price: 3335 }), trade({ t: T + 3_000_000_000n, qty: 2000, price: 3336 })], null, settings);
    expect(m.orderId).toBe(id);
    expect(m.isSweep).toBe(true);
    expect(m.limitPrice).toBe(3340);
    expect(m.postArrivalLeaves).toBe(2000);
    expect(m.fillStatus).toBe('FILLED');
    expect(m.scenario).toBe('B_EVENTUAL_FULL');
    expect(m.sizeBucket).toBe('5K-10K');
    expect(m.date).toBe('2024-09-05');
    expect(m.hour).toBe(10);
    expect(m.vwap).toBeCloseTo(3335.3333333, 6);
    expect(m.arrivalCostBps).toBeCloseTo(((3335.3333333333 - 3335.5) / 3335.5) * 1e4, 6);
    expect(m.filledQtyMismatch).toBe(false);
    expect(m.minTradePrice).toBe(3335);
    expect(m.maxTradePrice).toBe(3336);
  });
});
