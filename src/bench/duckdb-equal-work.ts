/**
 * The fair reference of `npm run bench`: the DuckDB script an analyst would write instead of sweepflow,
 * doing the same analytic work on the same input. It builds the per-order table (DOMAIN.md sections 6-8:
 * order states by (timestamp, sequence), trades joined within the (security, Sydney date) partition,
 * arrival mid from the arrival event or the latest valid NBBO quote at or before it, VWAP, fill ratio,
 * times, arrival cost, fill status, scenario, size bucket, hour), writes it to Parquet, and writes every
 * section 10 level to Parquet. No simulation, no execution quality, no CSV: it does less than we do.
 *
 * `compareWithOurs` then reads our global and by-security rollups beside its own and fails the bench
 * unless the figures agree, so the ratio is known to compare equal work.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type Connection, openDuckdb, sydneyTime as sydney, timed } from './duckdb-references';

type Row = Record<string, unknown>;

export interface EqualWorkInputs {
  orders: string;
  trades: string;
  nbbo: string;
}

export interface EqualWorkResult {
  seconds: number;
  orders: number;
  /** Where its per-order table and rollups were written (removed by `cleanUp`). */
  dir: string;
  connection: Connection;
  cleanUp(): void;
}

const CENTRE_POINT_MASK = 64 | 256 | 2048 | 4096;
const SWEEP_MASK = 2048;

/** Section 10's eleven levels: each one's group key, spelled as our rollup tables spell it. */
const LEVEL_KEYS: Record<string, string | null> = {
  global: `'all'`,
  security: 'security',
  date: 'date_text',
  security_date: `security || '|' || date_text`,
  participant: 'participant',
  hour: 'hour_text',
  size_bucket: 'size_bucket',
  fill_status: 'fill_status',
  scenario: 'scenario',
  hourly_series: `date_text || ' ' || hour_text`,
  daily_series: 'date_text',
};

const MEASURES = `count(*) AS orders, count_if(is_sweep) AS sweeps, count(DISTINCT participant) AS participants,
  count(DISTINCT security) AS securities, sum(final_qty) AS total_qty, sum(filled_qty) AS filled_qty,
  count_if(fill_status = 'FILLED') AS filled, count_if(fill_status = 'PARTIAL') AS partial,
  count_if(fill_status = 'UNFILLED') AS unfilled, sum(notional) / nullif(sum(filled_qty), 0) AS vwap,
  avg(final_qty) AS mean_qty, stddev_pop(final_qty) AS std_qty, min(min_trade_price) AS min_price,
  max(max_trade_price) AS max_price,
  sum(arrival_cost_bps * filled_qty) FILTER (WHERE filled_qty > 0 AND arrival_cost_bps IS NOT NULL)
    / sum(filled_qty) FILTER (WHERE filled_qty > 0 AND arrival_cost_bps IS NOT NULL) AS mean_arrival_cost_bps`;

function perOrderSql(inputs: EqualWorkInputs): string {
  const csv = (dir: string, types: Record<string, string>): string =>
    `read_csv('${path.join(dir, '*.csv')}', header = true, types = {${Object.entries(types).map(([k, v]) => `'${k}': '${v}'`).join(', ')}})`;
  const orders = csv(inputs.orders, { order_id: 'UBIGINT', sequence: 'UBIGINT', timestamp: 'BIGINT', security_code: 'VARCHAR', participantid: 'VARCHAR',
    national_bid: 'BIGINT', national_offer: 'BIGINT', price: 'BIGINT', quantity: 'BIGINT', leavesquantity: 'BIGINT', totalmatchedquantity: 'BIGINT' });
  const trades = csv(inputs.trades, { orderid: 'UBIGINT', tradetime: 'BIGINT', securitycode: 'VARCHAR', tradeprice: 'BIGINT', quantity: 'BIGINT' });
  const nbbo = csv(inputs.nbbo, { timestamp: 'BIGINT', orderbookid: 'VARCHAR', bidprice: 'BIGINT', offerprice: 'BIGINT' });
  return `
  WITH events AS (
    SELECT *, cast(${sydney('timestamp')} AS DATE) AS date, {'t': timestamp, 's': sequence} AS k
    FROM ${orders} WHERE (exchangeordertype & ${CENTRE_POINT_MASK}) != 0),
  states AS (
    SELECT order_id, security_code AS security, date, count(*) AS events,
      min(timestamp) AS arrival_time, arg_min(side, k) AS side, arg_min(participantid, k) AS participant,
      arg_min(exchangeordertype, k) AS order_type, arg_min(price, k) AS limit_price,
      arg_min(national_bid, k) AS arrival_bid, arg_min(national_offer, k) AS arrival_offer,
      arg_max(quantity, k) AS final_qty, arg_max(leavesquantity, k) AS final_leaves,
      arg_max(totalmatchedquantity, k) AS final_matched
    FROM events GROUP BY order_id, security_code, date),
  fills AS (
    SELECT orderid, securitycode, cast(${sydney('tradetime')} AS DATE) AS date, count(*) AS num_trades,
      sum(quantity) AS filled_qty, sum(quantity::HUGEINT * tradeprice) AS notional,
      min(tradetime) AS first_trade_time, max(tradetime) AS last_trade_time,
      min(tradeprice) AS min_trade_price, max(tradeprice) AS max_trade_price
    FROM ${trades} GROUP BY ALL),
  quotes AS (
    SELECT orderbookid AS security, cast(${sydney('timestamp')} AS DATE) AS date, timestamp AS ts, (bidprice + offerprice) / 2 AS mid
    FROM ${nbbo} WHERE bidprice > 0 AND offerprice > 0 AND bidprice <= offerprice),
  joined AS (
    SELECT s.*, coalesce(f.num_trades, 0) AS num_trades, coalesce(f.filled_qty, 0) AS filled_qty,
      coalesce(f.notional, 0) AS notional, f.first_trade_time, f.last_trade_time, f.min_trade_price, f.max_trade_price,
      CASE WHEN s.arrival_bid > 0 AND s.arrival_offer > 0 AND s.arrival_bid <= s.arrival_offer
        THEN (s.arrival_bid + s.arrival_offer) / 2 ELSE q.mid END AS arrival_mid
    FROM states s
    LEFT JOIN fills f ON f.orderid = s.order_id AND f.securitycode = s.security AND f.date = s.date
    ASOF LEFT JOIN quotes q ON q.security = s.security AND q.date = s.date AND s.arrival_time >= q.ts),
  measured AS (
    SELECT *, (order_type & ${SWEEP_MASK}) != 0 AS is_sweep,
      notional / nullif(filled_qty, 0) AS vwap,
      CASE WHEN final_qty = 0 THEN 0 ELSE final_matched / final_qty END AS fill_ratio,
      greatest(0, first_trade_time - arrival_time) / 1e9 AS time_to_first_fill_s,
      greatest(0, last_trade_time - arrival_time) / 1e9 AS duration_s,
      CASE WHEN final_matched <= 0 THEN 'UNFILLED' WHEN final_leaves = 0 THEN 'FILLED' ELSE 'PARTIAL' END AS fill_status,
      CASE WHEN final_qty <= 1000 THEN '<=1K' WHEN final_qty <= 5000 THEN '1K-5K' WHEN final_qty <= 10000 THEN '5K-10K'
        WHEN final_qty <= 50000 THEN '10K-50K' ELSE '>50K' END AS size_bucket,
      hour(${sydney('arrival_time')}) AS hour
    FROM joined)
  SELECT *,
    CASE WHEN side = 1 THEN 1 ELSE -1 END * (vwap - arrival_mid) / arrival_mid * 1e4 AS arrival_cost_bps,
    CASE WHEN NOT is_sweep THEN NULL
      WHEN fill_ratio >= 0.99 AND duration_s < 1.0 THEN 'A_IMMEDIATE_FULL'
      WHEN fill_ratio >= 0.99 AND duration_s >= 1.0 THEN 'B_EVENTUAL_FULL' ELSE 'C_PARTIAL_NONE' END AS scenario,
    strftime(date, '%Y-%m-%d') AS date_text, lpad(hour::VARCHAR, 2, '0') AS hour_text
  FROM measured`;
}

/** Runs the reference with `threads` DuckDB threads, writing into `dir`; the returned connection stays open for the comparison. */
export async function duckdbEqualWork(inputs: EqualWorkInputs, dir: string, threads: number): Promise<EqualWorkResult> {
  const c = await openDuckdb(threads);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'rollups'), { recursive: true });
  const [seconds] = await timed(async () => {
    await c.run(`CREATE TEMP TABLE per_order AS ${perOrderSql(inputs)}`);
    await c.run(`COPY (SELECT * EXCLUDE (date_text, hour_text) FROM per_order) TO '${path.join(dir, 'orders.parquet')}' (FORMAT parquet)`);
    for (const [level, key] of Object.entries(LEVEL_KEYS)) {
      await c.run(`COPY (SELECT ${key} AS key, ${MEASURES} FROM per_order WHERE ${key} IS NOT NULL GROUP BY 1 ORDER BY 1)
        TO '${path.join(dir, 'rollups', `${level}.parquet`)}' (FORMAT parquet)`);
    }
  });
  const orders = Number((await c.runAndReadAll(`SELECT count(*) AS n FROM per_order`)).getRowObjects()[0].n);
  return { seconds, orders, dir, connection: c, cleanUp: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The figures checked equal, level by level: integers exactly, means to a part in 1e9 (or 1e-6 absolute). */
const CHECKED: Record<string, string[]> = {
  global: ['orders', 'sweeps', 'total_qty', 'filled_qty', 'filled', 'partial', 'unfilled', 'mean_arrival_cost_bps'],
  security: ['orders', 'sweeps', 'total_qty', 'filled_qty', 'vwap', 'min_price', 'max_price', 'mean_arrival_cost_bps'],
};

export interface Comparison {
  /** The figures compared and the first differences (empty when equal). */
  compared: number;
  differences: string[];
  global: Row;
}

/** Reads our rollups (`ourRollups`: our run's rollups folder) beside the reference's and lists every figure that differs. */
export async function compareWithOurs(ref: EqualWorkResult, ourRollups: string): Promise<Comparison> {
  const differences: string[] = [];
  let compared = 0;
  let global: Row = {};
  for (const [level, columns] of Object.entries(CHECKED)) {
    const rows = (await ref.connection.runAndReadAll(`
      SELECT coalesce(o.key, r.key) AS key, ${columns.map((c) => `o.${c} AS ours_${c}, r.${c} AS ref_${c}`).join(', ')}
      FROM read_parquet('${path.join(ourRollups, `${level}.parquet`)}') o
      FULL JOIN read_parquet('${path.join(ref.dir, 'rollups', `${level}.parquet`)}') r ON o.key = r.key ORDER BY 1`)).getRowObjects();
    for (const row of rows) {
      for (const c of columns) {
        compared++;
        const a = row[`ours_${c}`], b = row[`ref_${c}`];
        if (!sameFigure(a, b)) differences.push(`${level} ${String(row.key)} ${c}: ours ${String(a)}, DuckDB ${String(b)}`);
      }
      if (level === 'global') global = Object.fromEntries(columns.map((c) => [c, row[`ours_${c}`]]));
    }
  }
  return { compared, differences: differences.slice(0, 20), global };
}

function sameFigure(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'bigint' || typeof b === 'bigint') return BigInt(a as bigint) === BigInt(b as bigint);
  const x = Number(a), y = Number(b);
  return Math.abs(x - y) <= Math.max(1e-6, 1e-9 * Math.abs(y));
}
