import { ExactSum, RollupBuilder } from '../../src/domain/rollup-builder';
import type { OrderMeasures } from '../../src/domain/order-measures';
import { randomJob, rng, SETTINGS } from '../helpers/random-orders';
import type { CandidateOutcome } from '../../src/domain/rollups';

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
