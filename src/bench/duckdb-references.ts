/**
 * DuckDB references for `npm run bench`, all on the same generated input and in the same run as ours.
 *
 * The issue's reference is a single group-by over the order file. It reads a third of what the pipeline
 * reads and writes nothing, so two more references put our wall time in context: DuckDB doing parts of
 * the pipeline's work as an analyst would script them. They are context, not the issue's ratio.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export type Connection = { run(sql: string): Promise<unknown>; runAndReadAll(sql: string): Promise<{ getRowObjects(): Record<string, unknown>[] }> };

/**
 * The Sydney local timestamp of a nanosecond UTC epoch column or expression. make_timestamp gives a
 * zone-less TIMESTAMP, on which timezone() would only attach a zone; cast to TIMESTAMPTZ (in the UTC
 * session `openDuckdb` sets) it is an instant, which timezone() converts to Sydney wall time.
 */
export const sydneyTime = (ns: string): string => `timezone('Australia/Sydney', make_timestamp(${ns} // 1000)::TIMESTAMPTZ)`;
const sydneyDate = (column: string): string => `cast(${sydneyTime(`"${column}"`)} as date)`;
const CENTRE_POINT = '(exchangeordertype & 6464) != 0';

/** An in-memory DuckDB with `threads` threads and a UTC session (see `sydneyTime`). */
export async function openDuckdb(threads: number): Promise<Connection> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const c = (await db.connect()) as unknown as Connection;
  await c.run(`SET TimeZone = 'UTC'`);
  return c;
}

export interface Inputs {
  orders: string;
  trades: string;
}

export interface ReferenceTimes {
  /** The issue's reference: by-security x date counts and quantity sums of Centre Point orders. */
  groupBySeconds: number;
  groups: number;
  /** The context references; null when not asked for. */
  context: ContextTimes | null;
}

export interface ContextTimes {
  /** Centre Point orders and all trades written to CSV files partitioned by security and Sydney date (our shard stage, without per-row checks or rejects). */
  partitionSeconds: number;
  /** One Parquet row per Centre Point order: arrival and final state by sequence, joined trade count, quantity, notional and times (a fifth of our orders table's columns; no classification, simulation or rollups). */
  perOrderSeconds: number;
  perOrderRows: number;
}

export async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = process.hrtime.bigint();
  const v = await f();
  return [Number(process.hrtime.bigint() - t0) / 1e9, v];
}

/**
 * Runs the reference, then (when `context`) the two context references, with `threads` DuckDB threads;
 * `scratch` receives their files and is removed afterwards.
 */
export async function duckdbReferences(inputs: Inputs, scratch: string, threads: number, context: boolean): Promise<ReferenceTimes> {
  const c = await openDuckdb(threads);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const orders = `read_csv('${path.join(inputs.orders, '*.csv')}', header = true)`;
  const trades = `read_csv('${path.join(inputs.trades, '*.csv')}', header = true)`;

  const [groupBySeconds, groups] = await timed(async () => (await c.runAndReadAll(`
    SELECT security_code, ${sydneyDate('timestamp')} AS d, count(*) AS orders, sum(quantity) AS qty
    FROM ${orders} WHERE ${CENTRE_POINT} GROUP BY 1, 2`)).getRowObjects().length);
  if (!context) return { groupBySeconds, groups, context: null };

  const [partitionSeconds] = await timed(async () => {
    await c.run(`COPY (SELECT *, ${sydneyDate('timestamp')} AS sydney_date FROM ${orders} WHERE ${CENTRE_POINT})
      TO '${path.join(scratch, 'orders')}' (FORMAT csv, PARTITION_BY (security_code, sydney_date))`);
    await c.run(`COPY (SELECT *, ${sydneyDate('tradetime')} AS sydney_date FROM ${trades})
      TO '${path.join(scratch, 'trades')}' (FORMAT csv, PARTITION_BY (securitycode, sydney_date))`);
  });

  const perOrderFile = path.join(scratch, 'orders.parquet');
  const [perOrderSeconds] = await timed(() => c.run(`COPY (
    WITH s AS (
      SELECT order_id, any_value(security_code) AS security, ${sydneyDate('timestamp')} AS date, count(*) AS events,
        arg_min(timestamp, sequence) AS arrival_time, arg_min(quantity, sequence) AS arrival_qty,
        arg_min(price, sequence) AS limit_price, arg_max(timestamp, sequence) AS final_time,
        arg_max(leavesquantity, sequence) AS final_leaves, arg_max(totalmatchedquantity, sequence) AS final_matched
      FROM ${orders} WHERE ${CENTRE_POINT} GROUP BY order_id, date),
    t AS (
      SELECT orderid, count(*) AS num_trades, sum(quantity) AS filled_qty, sum(quantity * tradeprice) AS notional,
        min(tradetime) AS first_trade_time, max(tradetime) AS last_trade_time
      FROM ${trades} GROUP BY orderid)
    SELECT s.*, t.num_trades, t.filled_qty, t.notional, t.first_trade_time, t.last_trade_time
    FROM s LEFT JOIN t ON t.orderid = s.order_id
  ) TO '${perOrderFile}' (FORMAT parquet)`));
  const perOrderRows = Number((await c.runAndReadAll(`SELECT count(*) AS n FROM '${perOrderFile}'`)).getRowObjects()[0].n);
  rmSync(scratch, { recursive: true, force: true });
  return { groupBySeconds, groups, context: { partitionSeconds, perOrderSeconds, perOrderRows } };
}
