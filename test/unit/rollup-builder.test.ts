import { ExactSum } from '../../src/domain/exact-sum';
import { RollupBuilder } from '../../src/domain/rollup-builder';
import type { OrderMeasures } from '../../src/domain/order-measures';
import { randomJob, rng, SETTINGS } from '../helpers/random-orders';
import { groupKeys, LEVELS, maxOf, minOf, type Accumulator, type CandidateOutcome } from '../../src/domain/rollups';

/**
 * The builder keeps sums as plain numbers while they are safe and switches to BigInt beyond. Reference:
 * every value added as a BigInt, as DOMAIN.md section 10 defines the sums. Values are drawn to cross 2^53
 * (quantities near 2^53, notionals near 2^63, costs whose micro-units are beyond 2^53).
 */
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
const SHAPE = { markouts: SETTINGS.markoutHorizons, fills: SETTINGS.fillHorizons };

/** A measured order with quantities, notionals and costs drawn to cross 2^53. */
function order(r: () => number, base: OrderMeasures): OrderMeasures {
  const huge = r() < 0.2;
  const finalQty = huge ? Number.MAX_SAFE_INTEGER - Math.floor(r() * 1000) : 1 + Math.floor(r() * 100_000);
  const filledQty = r() < 0.3 ? 0 : Math.min(finalQty, huge ? finalQty - 1 : Math.floor(r() * finalQty) + 1);
  const price = 3000 + Math.floor(r() * 700);
  return {
    ...base, finalQty, filledQty, notional: BigInt(filledQty) * BigInt(price) * (huge ? 1000n : 1n),
    arrivalCostBps: filledQty && r() < 0.8 ? (r() - 0.5) * 40 : null,
    implementationShortfallBps: r() < 0.8 ? (r() - 0.5) * 4000 : null,
  };
}

it('RollupBuilder gives the sums of adding every value as a BigInt, on 300 random jobs', () => {
  const r = rng(21);
  for (let trial = 0; trial < 300; trial++) {
    const builder = new RollupBuilder(SHAPE);
    const job = randomJob(r, 'S', '2024-09-05', 1 + Math.floor(r() * 50));
    const want: Record<string, bigint> = {};
    const add = (k: string, v: bigint): void => { want[k] = (want[k] ?? 0n) + v; };
    for (const o0 of job.orders) {
      const o = order(r, o0.measures);
      const c: CandidateOutcome | undefined = o.isSweep
        ? { residualQty: o.finalQty, simFilledQty: Math.floor(r() * o.finalQty), priceImprovementBps: r() < 0.8 ? (r() - 0.5) * 20 : null }
        : undefined;
      builder.add(o, c);
      const q = BigInt(o.finalQty);
      add('orders', 1n);
      add('total_qty', q);
      add('sum_qty_sq', q * q);
      add('filled_qty', BigInt(o.filledQty));
      add('notional', o.notional);
      if (o.arrivalCostBps !== null && o.filledQty > 0) {
        add('arrival_cost_bps', micro(o.arrivalCostBps * o.filledQty));
        add('arrival_cost_bps:w', BigInt(o.filledQty));
      }
      if (o.implementationShortfallBps !== null) {
        add('implementation_shortfall_bps', micro(o.implementationShortfallBps * o.finalQty));
        add('implementation_shortfall_bps:w', q);
      }
      if (c) {
        add('sim_candidates', 1n);
        add('residual_qty', BigInt(c.residualQty));
        add('sim_filled_qty', BigInt(c.simFilledQty));
        if (c.priceImprovementBps !== null && c.simFilledQty > 0) {
          add('sim_price_improvement_bps', micro(c.priceImprovementBps * c.simFilledQty));
          add('sim_price_improvement_bps:w', BigInt(c.simFilledQty));
        }
      }
    }
    const got = builder.build().global.get('all')!.sums;
    for (const [k, v] of Object.entries(want)) expect([k, got[k] ?? 0n]).toEqual([k, v]);
  }
});

it('adds orders through their cells to the same groups, sums, participants, securities and prices as adding each to its groups, on 60 random jobs', () => {
  const r = rng(33);
  const cells = new Set<string>();
  let orders = 0;
  for (let trial = 0; trial < 60; trial++) {
    const builder = new RollupBuilder(SHAPE);
    type Want = { sums: Record<string, bigint>; participants: Set<string>; securities: Set<string>; minPrice: number | null; maxPrice: number | null };
    const want = new Map<string, Want>(); // by level and key
    const job = randomJob(r, 'S', '2024-09-05', 100 + Math.floor(r() * 100));
    for (const o0 of job.orders) {
      // Attributes drawn from small sets, so orders share cells; now and then an hour the cell code cannot hold.
      const o: OrderMeasures = {
        ...order(r, o0.measures), hour: r() < 0.05 ? 24 + Math.floor(r() * 3) : 10 + Math.floor(r() * 2), participantId: `P${Math.floor(r() * 3)}`,
        sizeBucket: r() < 0.5 ? '(0,1000]' : '(1000,5000]', security: r() < 0.1 ? 'T' : 'S', date: r() < 0.1 ? '2024-09-06' : '2024-09-05',
        minTradePrice: r() < 0.5 ? null : 3000 + Math.floor(r() * 9), maxTradePrice: r() < 0.5 ? null : 3100 + Math.floor(r() * 9),
      };
      const c: CandidateOutcome | undefined = o.isSweep ? { residualQty: o.finalQty, simFilledQty: 1, priceImprovementBps: 2 } : undefined;
      builder.add(o, c);
      cells.add(`${trial} ${o.security} ${o.date} ${o.participantId} ${o.hour} ${o.sizeBucket} ${o.fillStatus} ${o.scenario} ${o.isSweep}`);
      orders++;
      // The reference: the order's own sums (its global group alone), added to its group of every level.
      const one = new RollupBuilder(SHAPE);
      one.add(o, c);
      const own = one.build().global.get('all')!.sums;
      const keys = groupKeys(o);
      for (const level of LEVELS) {
        if (keys[level] === null) continue;
        const id = `${level}/${keys[level]}`;
        if (!want.has(id)) want.set(id, { sums: {}, participants: new Set(), securities: new Set(), minPrice: null, maxPrice: null });
        const w = want.get(id)!;
        for (const [k, v] of Object.entries(own)) w.sums[k] = (w.sums[k] ?? 0n) + v;
        w.participants.add(o.participantId);
        w.securities.add(o.security);
        w.minPrice = minOf(w.minPrice, o.minTradePrice);
        w.maxPrice = maxOf(w.maxPrice, o.maxTradePrice);
      }
    }
    const built = builder.build();
    // Each level's groups in the order of their first order (want's keys were inserted in that order).
    for (const level of LEVELS) {
      expect([level, [...built[level].keys()]]).toEqual([level, [...want.keys()].filter((id) => id.startsWith(`${level}/`)).map((id) => id.slice(level.length + 1))]);
    }
    const got = new Map<string, Accumulator>(LEVELS.flatMap((level) => [...built[level]].map(([key, a]) => [`${level}/${key}`, a] as const)));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [id, w] of want) {
      const a = got.get(id)!;
      expect([id, Object.fromEntries(Object.entries(a.sums).filter(([, v]) => v !== 0n))]).toEqual([id, Object.fromEntries(Object.entries(w.sums).filter(([, v]) => v !== 0n))]);
      expect([id, [...a.participants].sort(), [...a.securities].sort(), a.minPrice, a.maxPrice]).toEqual([id, [...w.participants].sort(), [...w.securities].sort(), w.minPrice, w.maxPrice]);
    }
  }
  expect(cells.size).toBeLessThan(orders * 0.7); // orders did share cells
});

it('refuses an order whose fill table has other markout horizons than the rollup, instead of adding to the wrong sums', () => {
  const r = rng(4);
  const job = randomJob(r, 'S', '2024-09-05', 20);
  const filled = job.orders.find((o) => o.measures.fills.count > 0)!;
  const builder = new RollupBuilder({ markouts: SETTINGS.markoutHorizons.slice(0, 2), fills: SETTINGS.fillHorizons });
  expect(() => builder.add(filled.measures)).toThrow(`a fill table with ${SETTINGS.markoutHorizons.length} markout horizons, a rollup with 2`);
});
