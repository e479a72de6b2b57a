import { RollupBuilder } from '../../src/domain/rollup-builder';
import { emptyRollup, groupKeys, levelRows, LEVELS, mergeRollups, rollupFromJson, rollupToJson, type Rollup } from '../../src/domain/rollups';
import type { OrderMeasures } from '../../src/domain/order-measures';

let seed = 12345;
const rnd = (n: number): number => ((seed = (seed * 48271) % 2147483647) % n);

function randomOrder(i: number): OrderMeasures {
  const filled = rnd(3) === 0 ? 0 : 1 + rnd(5000);
  const price = 3000 + rnd(700);
  const sweep = rnd(3) === 0;
  const status = (['FILLED', 'PARTIAL', 'UNFILLED'] as const)[rnd(3)];
  return {
    orderId: 7904794000124134556n + BigInt(i), security: `S${rnd(4)}`, date: `2024-09-0${1 + rnd(5)}`, participantId: `P${rnd(6)}`,
    side: rnd(2) === 0 ? 1 : 2, isSweep: sweep, exchangeOrderType: sweep ? 2048 : 64, events: 1 + rnd(5),
    arrivalTime: 1725494536001032398n, finalTime: 1725494536001032398n, limitPrice: 0, arrivalQty: 100, postArrivalLeaves: 0,
    finalQty: 1 + rnd(60000), finalLeaves: 0, finalMatched: filled, filledQty: filled, numTrades: filled ? 1 : 0,
    notional: BigInt(filled) * BigInt(price), minTradePrice: filled ? price : null, maxTradePrice: filled ? price : null,
    firstTradeTime: null, lastTradeTime: null, vwap: filled ? price : null, fillRatio: 0, timeToFirstFillS: null,
    durationS: null, arrivalMid: { twice: 2 * price + 1 }, arrivalCostBps: filled ? (rnd(2000) - 1000) / 7 : null,
    fillStatus: status, scenario: sweep ? 'C_PARTIAL_NONE' : null, sizeBucket: '<=1K', hour: 10 + rnd(6), filledQtyMismatch: false,
  };
}

function serialise(r: Rollup): string {
  return JSON.stringify(LEVELS.map((l) => levelRows(r, l)));
}

describe('mergeable rollups', () => {
  it('any partition of jobs, merged in any grouping and order, gives identical rollups (200 random trials)', () => {
    for (let trial = 0; trial < 200; trial++) {
      const orders = Array.from({ length: 5 + rnd(40) }, (_, i) => randomOrder(i));
      const wholeBuilder = new RollupBuilder();
      for (const o of orders) wholeBuilder.add(o, o.isSweep ? { residualQty: 100, simFilledQty: rnd(100), priceImprovementBps: rnd(50) / 3 } : undefined);
      const whole = wholeBuilder.build();
      // Rebuild the same orders' outcomes deterministically for the parts.
      seed = 777 + trial;
      const builders = Array.from({ length: 1 + rnd(6) }, () => new RollupBuilder());
      const whole2Builder = new RollupBuilder();
      for (const o of orders) {
        const c = o.isSweep ? { residualQty: 100, simFilledQty: rnd(100), priceImprovementBps: rnd(50) / 3 } : undefined;
        builders[rnd(builders.length)].add(o, c);
        whole2Builder.add(o, c);
      }
      const parts: Rollup[] = builders.map((b) => b.build());
      const whole2 = whole2Builder.build();
      // Left fold, right fold, shuffled fold, and a JSON round trip of every part.
      const left = parts.reduce((a, b) => mergeRollups(a, b), emptyRollup());
      const right = parts.reduceRight((a, b) => mergeRollups(b, a), emptyRollup());
      const shuffled = [...parts].sort(() => rnd(3) - 1).map((p) => rollupFromJson(JSON.parse(JSON.stringify(rollupToJson(p)))))
        .reduce((a, b) => mergeRollups(b, a), emptyRollup());
      const pairs = parts.length > 1 ? mergeRollups(mergeRollups(parts[0], parts[1]), parts.slice(2).reduce((a, b) => mergeRollups(a, b), emptyRollup())) : parts[0];
      const want = serialise(whole2);
      expect(serialise(left)).toBe(want);
      expect(serialise(right)).toBe(want);
      expect(serialise(shuffled)).toBe(want);
      expect(serialise(pairs)).toBe(want);
      expect(whole.global.get('all')!.orders).toBe(orders.length);
    }
  });

  it('computes the analyst figures from exact sums', () => {
    const builder = new RollupBuilder();
    const a = randomOrder(1), b = randomOrder(2);
    Object.assign(a, { security: 'X', finalQty: 100, filledQty: 100, notional: 100n * 3000n, arrivalCostBps: 10, fillStatus: 'FILLED', isSweep: true, scenario: 'C_PARTIAL_NONE', participantId: 'P1', minTradePrice: 3000, maxTradePrice: 3000 });
    Object.assign(b, { security: 'X', finalQty: 300, filledQty: 300, notional: 300n * 3004n, arrivalCostBps: -2, fillStatus: 'PARTIAL', isSweep: false, scenario: null, participantId: 'P2', minTradePrice: 3004, maxTradePrice: 3004 });
    builder.add(a, { residualQty: 50, simFilledQty: 40, priceImprovementBps: 5 });
    builder.add(b);
    const r = builder.build();
    const [row] = levelRows(r, 'security');
    expect(row).toMatchObject({
      key: 'X', orders: 2, sweeps: 1, participants: 2, securities: 1, total_qty: '400', filled_qty: '400', filled: 1, partial: 1, unfilled: 0,
      vwap: 3003, mean_qty: 200, std_qty: 100, min_price: 3000, max_price: 3004, mean_arrival_cost_bps: 1,
      sim_candidates: 1, residual_qty: '50', sim_filled_qty: '40', mean_price_improvement_bps: 5,
    });
    expect(levelRows(r, 'scenario').map((x) => x.key)).toEqual(['C_PARTIAL_NONE']);
  });

  it('names each group by its level key (composite keys come from a cache: same text)', () => {
    for (const hour of [0, 7, 9, 10, 23, 24]) {
      const o = Object.assign(randomOrder(hour), { security: 'BHP', date: '2024-09-05', hour, participantId: 'P9', sizeBucket: '<1k', fillStatus: 'PARTIAL', scenario: null });
      const hh = String(hour).padStart(2, '0');
      expect(groupKeys(o)).toEqual({
        global: 'all', security: 'BHP', date: '2024-09-05', security_date: 'BHP|2024-09-05', participant: 'P9', hour: hh,
        size_bucket: '<1k', fill_status: 'PARTIAL', scenario: null, hourly_series: `2024-09-05 ${hh}`, daily_series: '2024-09-05',
      });
    }
  });
});
