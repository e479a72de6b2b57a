import { arrivalQuote, fillQuality, fillsWithin, fillsWithinBits, horizon, midAtEvent, shortfall, shortfallInto } from '../../src/domain/execution-quality';
import { measureOrder } from '../../src/domain/order-measures';
import { orderStates } from '../../src/domain/order-states';
import { ev, trade } from '../helpers/events';
import { rng, SETTINGS } from '../helpers/random-orders';
import { QuoteBook } from '../../src/domain/quotes';
import type { OrderEvent, Quote } from '../../src/domain/types';

/** DOMAIN.md section 12, computed by hand on a five-quote partition. */
const T = 1_700_000_000_000_000_000n; // above 2^53, as real timestamps are
const s = (x: number): bigint => T + BigInt(Math.round(x * 1e9));
const q = (at: number, bid: number | null, offer: number | null): Quote => ({ timestamp: s(at), security: 'X', bid, offer });
const book = new QuoteBook([
  q(0, 100, 102), // mid 101
  q(2, 102, 104), // mid 103
  q(10, 99, 101), // mid 100
  q(20, 105, 104), // crossed: skipped, so 99/101 keeps prevailing
  q(25, null, 101), // one-sided: skipped
  q(40, 100, 100), // locked: valid, mid 100
]);
const H = [1, 30, 300].map(horizon);
const close = (x: number | null, want: number): void => { expect(x).not.toBeNull(); expect(x!).toBeCloseTo(want, 9); };

describe('section 12 horizons', () => {
  it('labels whole seconds as s and shorter ones as ms, with exact nanoseconds', () => {
    expect([0.1, 1, 5, 300, 1.5].map((h) => horizon(h).label)).toEqual(['100ms', '1s', '5s', '300s', '1500ms']);
    expect(horizon(0.1).ns).toBe(100_000_000n);
    expect(horizon(600).ns).toBe(600_000_000_000n);
  });
});

describe('fill quality (section 12)', () => {
  it('a buy at the mid: no effective spread, half the spread saved, inside, markouts against later mids', () => {
    const f = fillQuality(1, 101, s(1), book, H);
    expect(f.quote).toMatchObject({ bid: 100, offer: 102 });
    expect(f.quoteAgeMs).toBe(1000);
    expect(f.effectiveSpreadBps).toBe(0);
    close(f.priceImprovementBps, (1 / 101) * 1e4); // 99.0099
    expect(f.eqRatio).toBe(0);
    expect(f.insideNbbo).toBe(true);
    // mid(2 s) = 103; mid(31 s) = 100 (the crossed and one-sided rows are skipped); mid(301 s) = the last quote, 100.
    close(f.markoutBps[0], (2 / 101) * 1e4);
    close(f.markoutBps[1], (-1 / 101) * 1e4);
    close(f.markoutBps[2], (-1 / 101) * 1e4);
    close(f.realizedSpreadBps[0], (2 * (101 - 103) / 101) * 1e4);
    close(f.priceImpactBps[0], (2 * (103 - 101) / 101) * 1e4);
    // effective = realized + impact at every horizon
    for (let i = 0; i < H.length; i++) close(f.realizedSpreadBps[i]! + f.priceImpactBps[i]!, f.effectiveSpreadBps!);
  });

  it('a sell at the offer: negative effective spread (sold above the mid), E/Q -1, outside the NBBO', () => {
    const f = fillQuality(2, 104, s(3), book, H);
    expect(f.quote).toMatchObject({ bid: 102, offer: 104 });
    close(f.effectiveSpreadBps, (-2 * 1 / 103) * 1e4);
    close(f.priceImprovementBps, (-(102 - 104) / 103) * 1e4);
    expect(f.eqRatio).toBe(-1);
    expect(f.insideNbbo).toBe(false); // exactly at the offer is outside
    close(f.markoutBps[0], (-(103 - 104) / 104) * 1e4); // mid(4 s) is still 103: the market fell, the sell gains
  });

  it('a locked quote: E/Q null, inside only at the mid; a stale quote keeps ageing', () => {
    const at = fillQuality(1, 100, s(45), book, H);
    expect(at.eqRatio).toBeNull();
    expect(at.insideNbbo).toBe(true);
    expect(fillQuality(1, 99, s(45), book, H).insideNbbo).toBe(false);
    const stale = fillQuality(1, 100, s(22), book, H); // the crossed quote at 20 s is skipped: 10 s's quote prevails
    expect(stale.quoteAgeMs).toBe(12_000);
    expect(stale.quote).toMatchObject({ bid: 99, offer: 101 });
  });

  it('no quote: every measure null, inside null (not counted outside)', () => {
    const f = fillQuality(1, 100, s(-1), book, H);
    expect(f).toMatchObject({ quote: null, quoteAgeMs: null, effectiveSpreadBps: null, priceImprovementBps: null, eqRatio: null, insideNbbo: null });
    // a markout needs only mid(t + h): 1 s later the first quote prevails; realized and impact need mid(t) too
    close(f.markoutBps[0], (101 - 100) / 100 * 1e4);
    expect(f.realizedSpreadBps[0]).toBeNull();
    expect(f.priceImpactBps[0]).toBeNull();
    const none = fillQuality(1, 100, s(1), null, H);
    expect([...none.markoutBps, ...none.realizedSpreadBps]).toEqual([null, null, null, null, null, null]);
  });
});

describe('arrival mid source and age', () => {
  const ev = (bid: number | null, offer: number | null, at: number): OrderEvent => ({
    orderId: 1n, timestamp: s(at), sequence: null, fileOrder: 0, security: 'X', side: 1, price: 0, quantity: 10, leavesQuantity: 10,
    totalMatchedQuantity: 0, exchangeOrderType: 64, participantId: 'P', nationalBid: bid, nationalOffer: offer, timeValidity: null,
  });
  it('its own national bid/offer first, else the NBBO file with the quote age, else nothing', () => {
    const one = (e: OrderEvent) => arrivalQuote({ arrival: e, postArrival: e, final: e, events: 1 }, book);
    expect(one(ev(200, 202, 5))).toEqual({ mid: { twice: 402 }, source: 'order', ageMs: null });
    expect(one(ev(202, 200, 5))).toEqual({ mid: { twice: 206 }, source: 'nbbo', ageMs: 3000 }); // crossed own quote
    expect(one(ev(null, null, 3600))).toEqual({ mid: { twice: 200 }, source: 'nbbo', ageMs: 3_560_000 }); // an hour-old quote, and it says so
    expect(one(ev(null, null, -5))).toEqual({ mid: null, source: null, ageMs: null });
    expect(midAtEvent(null, null, s(1), null)).toEqual({ mid: null, source: null, ageMs: null });
  });
});

describe('implementation shortfall (Perold)', () => {
  it('a buy of 1,000 filled 100 @ 101 and 50 @ 104, arrival mid 100.5, final mid 100', () => {
    const sf = shortfall(1, { twice: 201 }, 1000, 150, 100n * 101n + 50n * 104n, { twice: 200 });
    close(sf.executionCostBps, ((15300 - 150 * 100.5) / (1000 * 100.5)) * 1e4); // 22.388
    close(sf.opportunityCostBps, ((850 * (100 - 100.5)) / (1000 * 100.5)) * 1e4); // -42.289
    close(sf.implementationShortfallBps, sf.executionCostBps! + sf.opportunityCostBps!);
  });
  it('a sell has the opposite sign', () => {
    const sf = shortfall(2, { twice: 201 }, 1000, 150, 15300n, { twice: 200 });
    close(sf.executionCostBps, -((15300 - 150 * 100.5) / (1000 * 100.5)) * 1e4);
    close(sf.opportunityCostBps, -((850 * -0.5) / (1000 * 100.5)) * 1e4);
  });
  it('the edge rules: no P0 or Q = 0 gives nulls; Q = F gives opportunity 0 without Pn; unfilled with P0 gives execution 0', () => {
    expect(shortfall(1, null, 100, 0, 0n, { twice: 200 })).toEqual({ executionCostBps: null, opportunityCostBps: null, implementationShortfallBps: null });
    expect(shortfall(1, { twice: 200 }, 0, 0, 0n, { twice: 200 })).toEqual({ executionCostBps: null, opportunityCostBps: null, implementationShortfallBps: null });
    expect(shortfall(1, { twice: 200 }, 10, 10, 1010n, null)).toEqual({ executionCostBps: 100, opportunityCostBps: 0, implementationShortfallBps: 100 });
    expect(shortfall(1, { twice: 200 }, 10, 0, 0n, { twice: 202 })).toEqual({ executionCostBps: 0, opportunityCostBps: 100, implementationShortfallBps: 100 });
    expect(shortfall(1, { twice: 200 }, 10, 0, 0n, null)).toEqual({ executionCostBps: 0, opportunityCostBps: null, implementationShortfallBps: null });
  });
  it('stays exact on notionals beyond 2^53', () => {
    const sf = shortfall(1, { twice: 2 * 9_000_000 }, 2_000_000_000, 2_000_000_000, 2_000_000_000n * 9_000_001n, null);
    close(sf.executionCostBps, (1 / 9_000_000) * 1e4);
  });
});

/**
 * The shortfall rule in BigInt throughout, as DOMAIN.md section 12 states it: the oracle of shortfallInto,
 * which answers in plain numbers when every term is a safe integer.
 */
function shortfallByBigInt(side: 1 | 2, p0: number, q: number, f: number, notional: bigint, pn: number): (number | null)[] {
  if (p0 !== p0 || q === 0) return [null, null, null];
  const sgn = side === 1 ? 1n : -1n;
  const den = Number(BigInt(q) * BigInt(p0));
  const execution = Number(sgn * (2n * notional - BigInt(f) * BigInt(p0))) / den * 1e4;
  const opportunity = q === f ? 0 : pn !== pn ? null : Number(sgn * BigInt(q - f) * BigInt(pn - p0)) / den * 1e4;
  return [execution === 0 ? 0 : execution, opportunity === 0 ? 0 : opportunity, opportunity === null ? null : execution + opportunity];
}

const signedText = (x: number | null): string => (Object.is(x, -0) ? '-0' : String(x));

describe('shortfall in plain numbers when exact', () => {
  it('gives the BigInt rule\'s doubles, signs of zero included, for 200,000 orders small and past 2^53, and answers every realistic one in numbers', () => {
    const r = rng(12);
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
    const out = new Float64Array(3);
    let realistic = 0, realisticInNumbers = 0, inBigInt = 0;
    for (let i = 0; i < 200_000; i++) {
      const huge = r() < 0.15;
      const p0 = pick([NaN, 2 + Math.floor(r() * 2_000_000), huge ? 2 ** 40 + Math.floor(r() * 2 ** 40) : 200]);
      const q = pick([0, 1 + Math.floor(r() * 1_000_000), huge ? Number.MAX_SAFE_INTEGER - Math.floor(r() * 1000) : 10]);
      const f = pick([0, q, Math.floor(r() * q), q + 1 + Math.floor(r() * 100)]);
      const pn = pick([NaN, p0, p0 + 1, Math.max(2, p0 - 1 - Math.floor(r() * 1000))]);
      // A notional near F x P0 (P0 = p0 / 2), or one past 2^53 or 2^63.
      const near = BigInt(Math.floor((f * (p0 === p0 ? p0 : 200)) / 2)) + BigInt(Math.floor((r() - 0.5) * 1000));
      const notional = pick([near < 0n ? 0n : near, huge ? 2n ** 53n + BigInt(i) : 0n, huge ? 2n ** 63n - BigInt(i) : near < 0n ? 0n : near]);
      const side = r() < 0.5 ? 1 : 2;
      const inNumbers = shortfallInto(out, side, p0, q, f, notional, pn);
      const want = shortfallByBigInt(side, p0, q, f, notional, pn);
      for (let k = 0; k < 3; k++) {
        const got = out[k] !== out[k] ? null : out[k];
        if (!Object.is(got, want[k])) throw new Error(`order ${i} (side ${side}, P0x2 ${p0}, Q ${q}, F ${f}, notional ${notional}, Pnx2 ${pn}): figure ${k} ${signedText(got)} against ${signedText(want[k])}`);
      }
      if (!huge && p0 === p0 && q > 0) {
        realistic++;
        if (inNumbers) realisticInNumbers++;
      }
      if (!inNumbers) inBigInt++;
    }
    expect(realisticInNumbers).toBe(realistic);
    expect(realistic).toBeGreaterThan(50_000);
    expect(inBigInt).toBeGreaterThan(1_000); // the BigInt path is exercised too
  });
});

describe('fill probability with censoring', () => {
  const H2 = [0.1, 1, 10, 60].map(horizon);
  it('a fill 0.5 s after arrival, final event at 30 s', () => {
    expect(fillsWithin(s(0), s(0.5), s(30), H2)).toEqual([
      { filled: false, observed: true }, { filled: true, observed: true }, { filled: true, observed: true }, { filled: true, observed: true },
    ]);
  });
  it('an unfilled order last seen at 5 s is censored beyond it; bounds are inclusive', () => {
    expect(fillsWithin(s(0), null, s(5), H2).map((x) => x.observed)).toEqual([true, true, false, false]);
    expect(fillsWithin(s(0), null, s(10), H2).map((x) => x.observed)).toEqual([true, true, true, false]);
    expect(fillsWithin(s(0), s(1), s(1), H2).map((x) => x.filled)).toEqual([false, true, true, true]);
  });
  it('a fill before arrival counts as at arrival', () => {
    expect(fillsWithin(s(5), s(4), s(5), H2)).toEqual(H2.map(() => ({ filled: true, observed: true })));
  });
  it('gives as bits what the rule says per horizon, on 2,000 random orders and 31 horizons', () => {
    let seed = 11;
    const next = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const H31 = Array.from({ length: 31 }, (_, i) => horizon(0.001 * 1.6 ** i));
    const bits = new Int32Array(2);
    for (let i = 0; i < 2000; i++) {
      const arrival = 1_727_740_800_000_000_000n + BigInt(Math.floor(next() * 1e15));
      const firstFill = next() < 0.3 ? null : arrival + BigInt(Math.floor((next() - 0.1) * 1e12));
      const finalEvent = arrival + BigInt(Math.floor(next() * 1e13));
      fillsWithinBits(arrival, firstFill, finalEvent, H31, bits);
      H31.forEach((h, k) => {
        const filled = firstFill !== null && (firstFill < arrival ? 0n : firstFill - arrival) <= h.ns;
        expect([((bits[0] >> k) & 1) === 1, ((bits[1] >> k) & 1) === 1]).toEqual([filled, filled || finalEvent - arrival >= h.ns]);
      });
    }
    expect(() => fillsWithinBits(0n, null, 0n, [...H31, horizon(1e6)], bits)).toThrow('at most 31 fill horizons, not 32');
  });
});

describe('an order\'s section 12 columns (measureOrder)', () => {
  it('weights its fills\' measures by fill quantity over the non-null ones, and prices its shortfall at its final event', () => {
    const id = 7904794000124134556n;
    const states = orderStates([
      ev({ orderId: id, t: s(-2), sequence: 1n, quantity: 1000, leavesQuantity: 1000 }), // before any quote: no arrival mid
      ev({ orderId: id, t: s(45), sequence: 2n, quantity: 1000, leavesQuantity: 600, totalMatchedQuantity: 400 }),
    ]);
    const fills = [trade({ orderId: id, t: s(3), qty: 300, price: 104 }), trade({ orderId: id, t: s(-1), qty: 100, price: 101 }), trade({ orderId: id, t: s(1), qty: 100, price: 101 })];
    const m = measureOrder(states, fills, book, { ...SETTINGS, markoutHorizons: H });
    const { table, start, count } = m.fills;
    expect(table.trades.slice(start, start + count).map((f) => f.tradeTime)).toEqual([s(-1), s(1), s(3)]); // in trade-time order
    // The fill at -1 s has no quote: it counts in no mean; 1 s: effective 0; 3 s (mid 103): 2(104 - 103)/103 x 1e4.
    close(m.meanEffectiveSpreadBps, (100 * 0 + 300 * (2 / 103) * 1e4) / 400);
    close(m.meanPriceImprovementBps, (100 * (1 / 101) * 1e4 + 300 * ((104 - 104) / 103) * 1e4) / 400);
    // Markouts need only mid(t + h): all three fills count at 1 s (mids 101, 103, 103).
    close(m.meanMarkoutBps[0], (100 * ((101 - 101) / 101) + 100 * ((103 - 101) / 101) + 300 * ((103 - 104) / 104)) * 1e4 / 500);
    expect(m).toMatchObject({ arrivalMidSource: null, arrivalQuoteAgeMs: null, executionCostBps: null, implementationShortfallBps: null });
    expect(m.finalMid).toEqual({ twice: 200 }); // the locked 100/100 quote of 40 s prevails at 45 s
    expect(m.fillsWithin.map((w) => w.filled)).toEqual([false, true, true, true]); // first fill 1 s after arrival: not within 100 ms, within 1 s (inclusive)
  });
});
