import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { generate, type Truth } from '../../src/generator/generate';
import type { RunResult } from '../../src/workflows/types';
import { readJobCsv } from '../helpers/outputs';
import { expectRunInvariants, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';

/**
 * DOMAIN.md section 12 end to end: on generated data with a dense NBBO series (its quotes drive the fill
 * prices, so markouts follow a real walk), every section 12 figure of the rollups equals a recomputation
 * from the run's own fills and orders tables (and, for the Centre Point share, the input trade files),
 * written here independently of the pipeline's code: plain sums over CSV text, Intl for Sydney hours.
 */
const dir = path.join(TEST_OUTPUT, 'execution-quality');
const queue = 'it-eq';
const MARKOUTS = ['1s', '5s', '30s', '60s', '300s'];
const FILLS: [string, bigint][] = [['100ms', 100_000_000n], ['1s', 1_000_000_000n], ['10s', 10_000_000_000n], ['60s', 60_000_000_000n], ['600s', 600_000_000_000n]];
let env: TestEnv;
let truth: Truth;
let result: RunResult;

type Row = Record<string, string>;
const sydney = new Intl.DateTimeFormat('en-CA', { timeZone: 'Australia/Sydney', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
function sydneyOf(ns: string): { date: string; hour: string } {
  const p = Object.fromEntries(sydney.formatToParts(new Date(Number(BigInt(ns) / 1_000_000n))).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hour: p.hour };
}

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  truth = await generate({ securities: 3, dates: 2, rowsPerJob: 3000, seed: 23, out: path.join(dir, 'data') });
  env = await startTestEnv('execution-quality');
  await env.startWorker(queue);
  result = await env.client.workflow.execute('pipelineRun', {
    taskQueue: queue, workflowId: 'sweepflow-eq',
    args: [{ name: 'eq', baseDir: dir, output: { formats: ['parquet', 'csv'] }, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' } }],
  });
});

afterAll(async () => {
  await env?.teardown();
});

/** A weighted mean's running sums. */
class Mean {
  sum = 0;
  weight = 0;
  add(v: string, w: number): void {
    if (v === '' || w <= 0) return;
    this.sum += Number(v) * w;
    this.weight += w;
  }
  value(): number | null {
    return this.weight > 0 ? this.sum / this.weight : null;
  }
}

interface Group {
  orders: number;
  fills: number;
  outside: number;
  means: Map<string, Mean>;
  filled: Map<string, number>;
  observed: Map<string, number>;
  cp: number;
  all: number;
}

const group = (): Group => ({ orders: 0, fills: 0, outside: 0, means: new Map(), filled: new Map(), observed: new Map(), cp: 0, all: 0 });
const mean = (g: Group, k: string): Mean => g.means.get(k) ?? g.means.set(k, new Mean()).get(k)!;
const bump = (m: Map<string, number>, k: string): void => { m.set(k, (m.get(k) ?? 0) + 1); };

it('every section 12 rollup figure equals a recomputation from the fills and orders tables (security, participant, hour, status and global levels)', async () => {
  expect(result).toMatchObject({ jobs: 6, failed: 0 });
  await expectRunInvariants(result.summaryFile);
  const levels = ['global', 'security', 'participant', 'hour', 'fill_status', 'daily_series'] as const;
  const want: Record<string, Map<string, Group>> = Object.fromEntries(levels.map((l) => [l, new Map()]));
  const at = (level: string, key: string): Group => want[level].get(key) ?? want[level].set(key, group()).get(key)!;
  const orderKeys = (o: Row): Record<string, string> => ({ global: 'all', security: o.security, participant: o.participant_id, hour: o.hour.padStart(2, '0'), fill_status: o.fill_status, daily_series: o.date });
  let fillsSeen = 0;
  for (const job of Object.keys(truth.jobs)) {
    const [security, date] = job.split('/');
    const orders = readJobCsv(result.out, 'orders', security, date);
    const byId = new Map(orders.map((o) => [o.order_id, o]));
    for (const o of orders) {
      for (const [level, key] of Object.entries(orderKeys(o))) {
        const g = at(level, key);
        g.orders++;
        for (const k of ['execution_cost_bps', 'opportunity_cost_bps', 'implementation_shortfall_bps']) mean(g, k).add(o[k], Number(o.final_qty));
        for (const [label, ns] of FILLS) {
          const wait = o.first_trade_time === '' ? null : BigInt(o.first_trade_time) - BigInt(o.arrival_time);
          const filled = wait !== null && (wait < 0n ? 0n : wait) <= ns;
          const observed = filled || BigInt(o.final_time) - BigInt(o.arrival_time) >= ns;
          for (const prefix of o.is_sweep === 'true' ? ['fill', 'sweep_fill'] : ['fill']) {
            if (filled) bump(g.filled, `${prefix}_${label}`);
            if (observed) bump(g.observed, `${prefix}_${label}`);
          }
        }
      }
    }
    for (const f of readJobCsv(result.out, 'fills', security, date)) {
      fillsSeen++;
      const o = byId.get(f.order_id)!;
      const q = Number(f.quantity);
      for (const [level, key] of Object.entries(orderKeys(o))) {
        const g = at(level, key);
        g.fills++;
        if (f.inside_nbbo === 'false') g.outside++;
        mean(g, 'effective_spread_bps').add(f.effective_spread_bps, q);
        mean(g, 'price_improvement_bps').add(f.price_improvement_bps, q);
        for (const h of MARKOUTS) for (const fam of ['markout', 'realized_spread', 'price_impact']) mean(g, `${fam}_${h}_bps`).add(f[`${fam}_${h}_bps`], q);
      }
      // The Centre Point share's numerator by the trade's own hour (security, date and global levels here).
      for (const [level, key] of [['global', 'all'], ['security', security], ['daily_series', date], ['hour', f.hour.padStart(2, '0')]]) at(level, key).cp += q;
    }
  }
  // Its denominator: every trade row of the inputs, by its own Sydney date and hour.
  for (const file of readdirSync(path.join(dir, 'data', 'trades'))) {
    for (const t of parse(readFileSync(path.join(dir, 'data', 'trades', file)), { columns: true }) as Row[]) {
      const { date, hour } = sydneyOf(t.tradetime);
      for (const [level, key] of [['global', 'all'], ['security', t.securitycode], ['daily_series', date], ['hour', hour]]) at(level, key).all += Number(t.quantity);
    }
  }
  expect(fillsSeen).toBeGreaterThan(1000);

  let compared = 0;
  for (const level of levels) {
    const rows = parse(readFileSync(path.join(result.out, 'rollups', `${level}.csv`)), { columns: true }) as Row[];
    // Groups exist only through orders: an hour only trades reached has no row.
    expect(rows.map((r) => r.key).sort()).toEqual([...want[level]].filter(([, g]) => g.orders > 0).map(([k]) => k).sort());
    for (const r of rows) {
      const g = want[level].get(r.key)!;
      const close = (k: string, v: number | null): void => {
        compared++;
        if (v === null) expect([level, r.key, k, r[k]]).toEqual([level, r.key, k, '']);
        else expect([level, r.key, k, Math.abs(Number(r[k]) - v) < 1e-6 * Math.max(1, Math.abs(v))]).toEqual([level, r.key, k, true]);
      };
      expect([level, r.key, Number(r.orders), Number(r.fills), Number(r.outside_nbbo_fills)]).toEqual([level, r.key, g.orders, g.fills, g.outside]);
      for (const [k, m] of g.means) close(`mean_${k}`, m.value());
      for (const prefix of ['fill', 'sweep_fill']) {
        for (const [label] of FILLS) {
          const filled = g.filled.get(`${prefix}_${label}`) ?? 0, observed = g.observed.get(`${prefix}_${label}`) ?? 0;
          expect([level, r.key, label, Number(r[`${prefix}_filled_${label}`]), Number(r[`${prefix}_observed_${label}`])]).toEqual([level, r.key, label, filled, observed]);
          close(`${prefix}_prob_${label}`, observed > 0 ? filled / observed : null);
        }
      }
      if (level === 'participant' || level === 'fill_status') continue;
      expect([level, r.key, Number(r.cp_trade_qty), Number(r.all_trade_qty)]).toEqual([level, r.key, g.cp, g.all]);
      close('centre_point_share', g.cp / g.all);
    }
  }
  expect(compared).toBeGreaterThan(500); // weighted means and ratios, besides the exact counts
  // The fill-status level carries no share; the global share is about a half (each match has a lit other side).
  const status = parse(readFileSync(path.join(result.out, 'rollups', 'fill_status.csv')), { columns: true }) as Row[];
  expect(status.every((r) => r.centre_point_share === '' && r.cp_trade_qty === '')).toBe(true);
  const global = (parse(readFileSync(path.join(result.out, 'rollups', 'global.csv')), { columns: true }) as Row[])[0];
  expect(Number(global.centre_point_share)).toBeGreaterThan(0.3);
  expect(Number(global.centre_point_share)).toBeLessThan(0.7);
  expect(global.vwap).toBe('');
});
