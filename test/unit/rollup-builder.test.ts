import { ExactSum, RollupBuilder } from '../../src/domain/rollup-builder';
import type { OrderMeasures } from '../../src/domain/order-measures';
import type { CandidateOutcome } from '../../src/domain/rollups';

/**
 * The builder keeps sums as plain numbers while they are safe and switches to BigInt beyond. Reference:
 * every value added as a BigInt, as DOMAIN.md section 10 defines the sums. Values are drawn to cross 2^53
 * (quantities near 2^53, notionals near 2^63, costs whose micro-units are beyond 2^53).
 */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('ExactSum', () => {
  it('equals the BigInt sum of 100,000 random integers, small and near 2^53, of both signs', () => {
    const r = rng(9);
    const sum = new ExactSum();
    let want = 0n;
    for (let i = 0; i < 100_000; i++) {
      const big = r() < 0.05;
      const x = Math.floor((r() - 0.3) * (big ? Number.MAX_SAFE_INTEGER : 1e6));
      if (r() < 0.02) {
        const b = BigInt(x) * 4096n; // beyond 2^53 as a BigInt
        sum.addBig(b);
        want += b;
      } else {
        sum.add(x);
        want += BigInt(x);
      }
      if (i % 997 === 0) expect(sum.value()).toBe(want);
    }
    expect(sum.value()).toBe(want);
  });
});

const micro = (x: number): bigint => BigInt(Math.round(x * 1e6));

function order(r: () => number, i: number): OrderMeasures {
  const huge = r() < 0.2;
  const finalQty = huge ? Number.MAX_SAFE_INTEGER - Math.floor(r() * 1000) : 1 + Math.floor(r() * 100_000);
  const filledQty = r() < 0.3 ? 0 : Math.min(finalQty, huge ? finalQty - 1 : Math.floor(r() * finalQty) + 1);
  const price = 3000 + Math.floor(r() * 700);
  return {
    orderId: 7904794000124134556n + BigInt(i), security: `S${Math.floor(r() * 3)}`, date: '2024-09-05', participantId: `P${Math.floor(r() * 4)}`,
    side: 1, isSweep: r() < 0.4, exchangeOrderType: 2048, events: 2, arrivalTime: 1725494536001032398n, finalTime: 1725494536001032398n,
    limitPrice: 0, arrivalQty: finalQty, postArrivalLeaves: 0, finalQty, finalLeaves: 0, finalMatched: filledQty, filledQty,
    numTrades: filledQty ? 1 : 0, notional: BigInt(filledQty) * BigInt(price) * (huge ? 1000n : 1n),
    minTradePrice: filledQty ? price : null, maxTradePrice: filledQty ? price + 3 : null, firstTradeTime: null, lastTradeTime: null,
    vwap: null, fillRatio: 0, timeToFirstFillS: null, durationS: null, arrivalMid: null,
    arrivalCostBps: filledQty && r() < 0.8 ? (r() - 0.5) * 40 : null,
    fillStatus: (['FILLED', 'PARTIAL', 'UNFILLED'] as const)[Math.floor(r() * 3)], scenario: null, sizeBucket: '<=1K',
    hour: 10 + Math.floor(r() * 6), filledQtyMismatch: false,
  };
}

it('RollupBuilder gives the sums of adding every value as a BigInt, on 300 random jobs', () => {
  const r = rng(21);
  for (let trial = 0; trial < 300; trial++) {
    const builder = new RollupBuilder();
    const want = { orders: 0, totalQty: 0n, sumQtySq: 0n, filledQty: 0n, notional: 0n, costMicro: 0n, costWeight: 0n,
      simCandidates: 0, residualQty: 0n, simFilledQty: 0n, improvementMicro: 0n, improvementWeight: 0n };
    for (let i = 0; i < 1 + Math.floor(r() * 50); i++) {
      const o = order(r, i);
      const c: CandidateOutcome | undefined = o.isSweep
        ? { residualQty: o.finalQty, simFilledQty: Math.floor(r() * o.finalQty), priceImprovementBps: r() < 0.8 ? (r() - 0.5) * 20 : null }
        : undefined;
      builder.add(o, c);
      want.orders++;
      const q = BigInt(o.finalQty);
      want.totalQty += q;
      want.sumQtySq += q * q;
      want.filledQty += BigInt(o.filledQty);
      want.notional += o.notional;
      if (o.arrivalCostBps !== null && o.filledQty > 0) {
        want.costMicro += micro(o.arrivalCostBps * o.filledQty);
        want.costWeight += BigInt(o.filledQty);
      }
      if (c) {
        want.simCandidates++;
        want.residualQty += BigInt(c.residualQty);
        want.simFilledQty += BigInt(c.simFilledQty);
        if (c.priceImprovementBps !== null && c.simFilledQty > 0) {
          want.improvementMicro += micro(c.priceImprovementBps * c.simFilledQty);
          want.improvementWeight += BigInt(c.simFilledQty);
        }
      }
    }
    const got = builder.build().global.get('all')!;
    expect({
      orders: got.orders, totalQty: got.totalQty, sumQtySq: got.sumQtySq, filledQty: got.filledQty, notional: got.notional,
      costMicro: got.costMicro, costWeight: got.costWeight, simCandidates: got.simCandidates, residualQty: got.residualQty,
      simFilledQty: got.simFilledQty, improvementMicro: got.improvementMicro, improvementWeight: got.improvementWeight,
    }).toEqual(want);
  }
});
