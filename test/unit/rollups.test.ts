import { RollupBuilder } from '../../src/domain/rollup-builder';
import {
  emptyRollup, groupKeys, levelRows, LEVELS, mergeRollups, rollupColumns, rollupFromJson, rollupToJson, rowObject, type Rollup, type RollupShape,
} from '../../src/domain/rollups';
import { randomJob, rng, SETTINGS, type RandomJob } from '../helpers/random-orders';

const SHAPE: RollupShape = { markouts: SETTINGS.markoutHorizons, fills: SETTINGS.fillHorizons };
const COLUMNS = rollupColumns(SHAPE);

function serialise(r: Rollup): string {
  return JSON.stringify(LEVELS.map((l) => levelRows(r, l, COLUMNS)), (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** Adds a job's orders (and trade rows) to a builder. */
function addJob(b: RollupBuilder, job: RandomJob, keep: (i: number) => boolean = () => true): void {
  job.orders.forEach((o, i) => { if (keep(i)) b.add(o.measures, o.candidate); });
  job.trades.forEach((t, i) => { if (keep(i)) b.addTrades(job.security, job.date, t.participantId, t.hour, t.quantity, t.joined ? t.quantity : 0); });
}

describe('mergeable rollups (sections 10 and 12)', () => {
  it('any partition of jobs, merged in any grouping and order, gives identical rollups, every section 12 measure included (150 random trials)', () => {
    const r = rng(12345);
    let filledSeen = 0, outsideSeen = 0, shareSeen = 0;
    for (let trial = 0; trial < 150; trial++) {
      const jobs = Array.from({ length: 1 + Math.floor(r() * 4) }, (_, j) => randomJob(r, `S${j % 3}`, `2024-09-0${1 + Math.floor(r() * 3)}`, 2 + Math.floor(r() * 25)));
      const whole = new RollupBuilder(SHAPE);
      for (const job of jobs) addJob(whole, job);
      // The same rows split at random over several builders (a job's rows may land in any of them).
      const parts = Array.from({ length: 1 + Math.floor(r() * 5) }, () => new RollupBuilder(SHAPE));
      for (const job of jobs) {
        const owner = job.orders.map(() => Math.floor(r() * parts.length));
        const tradeOwner = job.trades.map(() => Math.floor(r() * parts.length));
        parts.forEach((p, k) => {
          job.orders.forEach((o, i) => { if (owner[i] === k) p.add(o.measures, o.candidate); });
          job.trades.forEach((t, i) => { if (tradeOwner[i] === k) p.addTrades(job.security, job.date, t.participantId, t.hour, t.quantity, t.joined ? t.quantity : 0); });
        });
      }
      const built = parts.map((p) => p.build());
      const left = built.reduce((a, b) => mergeRollups(a, b), emptyRollup());
      const right = built.reduceRight((a, b) => mergeRollups(b, a), emptyRollup());
      const shuffled = [...built].sort(() => r() - 0.5).map((p) => rollupFromJson(JSON.parse(JSON.stringify(rollupToJson(p)))))
        .reduce((a, b) => mergeRollups(b, a), emptyRollup());
      const want = serialise(whole.build());
      expect(serialise(left)).toBe(want);
      expect(serialise(right)).toBe(want);
      expect(serialise(shuffled)).toBe(want);
      const g = rowObject(levelRows(left, 'global', COLUMNS)[0], COLUMNS);
      filledSeen += Number(g.fill_filled_1s);
      outsideSeen += Number(g.outside_nbbo_fills);
      if (g.centre_point_share !== null) shareSeen++;
    }
    // The trials exercise the new measures, not only nulls.
    expect(filledSeen).toBeGreaterThan(50);
    expect(outsideSeen).toBeGreaterThan(50);
    expect(shareSeen).toBeGreaterThan(100);
  });

  it('gives prices and VWAP only where a group is one security, and the Centre Point share only at its levels', () => {
    const job = randomJob(rng(3), 'X', '2024-09-05', 30);
    const b = new RollupBuilder(SHAPE);
    addJob(b, job);
    const r = b.build();
    const at = (level: (typeof LEVELS)[number]) => rowObject(levelRows(r, level, COLUMNS)[0], COLUMNS);
    for (const level of ['security', 'security_date'] as const) expect(at(level).vwap).not.toBeNull();
    for (const level of ['global', 'date', 'participant', 'hour', 'size_bucket', 'fill_status', 'hourly_series', 'daily_series'] as const) {
      expect([at(level).vwap, at(level).min_price, at(level).max_price]).toEqual([null, null, null]);
    }
    for (const level of ['size_bucket', 'fill_status'] as const) expect([at(level).cp_trade_qty, at(level).all_trade_qty, at(level).centre_point_share]).toEqual([null, null, null]);
    const cp = job.trades.filter((t) => t.joined).reduce((s, t) => s + t.quantity, 0), all = job.trades.reduce((s, t) => s + t.quantity, 0);
    expect(at('global')).toMatchObject({ cp_trade_qty: BigInt(cp), all_trade_qty: BigInt(all), centre_point_share: cp / all });
    expect(at('security').centre_point_share).toBe(cp / all);
  });

  it('keeps out groups that only trades reached (groups exist through orders)', () => {
    const b = new RollupBuilder(SHAPE);
    b.addTrades('X', '2024-09-05', 'LIT-ONLY', 11, 500, 0);
    const job = randomJob(rng(5), 'X', '2024-09-05', 3);
    addJob(b, job);
    const r = b.build();
    expect(r.participant.has('LIT-ONLY')).toBe(true); // kept in the partial, so merges stay exact
    expect(levelRows(r, 'participant', COLUMNS).map((x) => x.key)).not.toContain('LIT-ONLY');
  });

  it('computes the analyst figures from exact sums (hand-checked)', () => {
    const job = randomJob(rng(9), 'X', '2024-09-05', 2);
    const [a, c] = job.orders.map((o) => o.measures);
    Object.assign(a, { finalQty: 100, filledQty: 100, notional: 100n * 3000n, arrivalCostBps: 10, fillStatus: 'FILLED', isSweep: true, scenario: 'C_PARTIAL_NONE', participantId: 'P1', minTradePrice: 3000, maxTradePrice: 3000, implementationShortfallBps: 4 });
    Object.assign(c, { finalQty: 300, filledQty: 300, notional: 300n * 3004n, arrivalCostBps: -2, fillStatus: 'PARTIAL', isSweep: false, scenario: null, participantId: 'P2', minTradePrice: 3004, maxTradePrice: 3004, implementationShortfallBps: 8 });
    const b = new RollupBuilder(SHAPE);
    b.add(a, { residualQty: 50, simFilledQty: 40, priceImprovementBps: 5 });
    b.add(c);
    const row = rowObject(levelRows(b.build(), 'security', COLUMNS)[0], COLUMNS);
    expect(row).toMatchObject({
      key: 'X', orders: 2n, sweeps: 1n, participants: 2, securities: 1, total_qty: 400n, filled_qty: 400n, filled: 1n, partial: 1n, unfilled: 0n,
      vwap: 3003, mean_qty: 200, std_qty: 100, min_price: 3000, max_price: 3004, mean_arrival_cost_bps: 1,
      sim_candidates: 1n, residual_qty: 50n, sim_filled_qty: 40n, mean_sim_price_improvement_bps: 5,
      mean_implementation_shortfall_bps: (4 * 100 + 8 * 300) / 400, fills: BigInt(a.fills.count + c.fills.count),
    });
  });

  it('names each group by its level key (composite keys come from a cache: same text)', () => {
    const o = randomJob(rng(1), 'BHP', '2024-09-05', 1).orders[0].measures;
    for (const hour of [0, 7, 9, 10, 23, 24]) {
      Object.assign(o, { hour, participantId: 'P9', sizeBucket: '<1k', fillStatus: 'PARTIAL', scenario: null });
      const hh = String(hour).padStart(2, '0');
      expect(groupKeys(o)).toEqual({
        global: 'all', security: 'BHP', date: '2024-09-05', security_date: 'BHP|2024-09-05', participant: 'P9', hour: hh,
        size_bucket: '<1k', fill_status: 'PARTIAL', scenario: null, hourly_series: `2024-09-05 ${hh}`, daily_series: '2024-09-05',
        order_kind: o.isSweep ? 'sweep' : 'other',
      });
    }
  });

  it('names its columns once per horizon, in order', () => {
    const names = COLUMNS.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['mean_markout_1s_bps', 'mean_realized_spread_30s_bps', 'mean_price_impact_5s_bps', 'fill_prob_100ms', 'sweep_fill_observed_60s', 'centre_point_share']));
    expect(new Set(names).size).toBe(names.length);
  });
});
