import type { Horizon } from '../domain/execution-quality';
import type { OrderTable } from '../domain/order-table';
import { midValue, type PrevailingQuote } from '../domain/quotes';
import type { SimCandidate, SimMatch } from '../domain/simulation';
import { sydneyHour, sydneyLocalNanos } from '../domain/sydney-time';
import type { Mid, Side } from '../domain/types';
import type { JobTable } from './paths';
import type { ColumnSpec, ColumnType } from './tables';

/**
 * The columns of a job's tables, declared once: the Parquet and CSV writers and docs/OUTPUTS.md (checked by
 * a test) follow them. Ids are UINT64; times TIMESTAMP(NANOS, UTC), with Sydney wall-clock times as local
 * TIMESTAMP(NANOS); dates DATE; mids DOUBLE (a half-integer is exact); "no limit" and "no quote" are nulls.
 * In CSV a time is its nanoseconds since the epoch as decimal text, exact.
 */

/** What every table of one job shares: its partition, the reference data and the run's horizons. */
export interface TableContext {
  security: string;
  date: string;
  /** From the reference file's `Name`; null without a reference file or entry. */
  securityName: string | null;
  /** From the reference file's `DecimalsInPrice` (prices are integers in units of 10^-decimals). */
  priceDecimals: number | null;
  markoutHorizons: readonly Horizon[];
}

const sideText = (s: Side): string => (s === 1 ? 'BUY' : 'SELL');
const mid = (m: Mid | null): number | null => (m ? midValue(m) : null);
const local = (t: bigint | null): bigint | null => (t === null ? null : sydneyLocalNanos(t));

/** What a job table's columns read besides its rows: every source holds the job's context. */
interface Sourced {
  ctx: TableContext;
}

/** The per-order table's source: the job's order table (a row is its row). */
export interface OrderSource extends Sourced {
  t: OrderTable;
}

/** The fill table's source: the job's order table, and each fill's order row. */
export interface FillSource extends Sourced {
  orders: OrderTable;
  orderOf: Int32Array;
}

/** security, date (and the reference columns): the partition, also inside every file so tables concatenate. */
function partitionColumns<T, S extends Sourced>(withReference: boolean): ColumnSpec<T, S>[] {
  return [
    { name: 'security', type: 'STRING', get: (_, s) => s.ctx.security },
    { name: 'date', type: 'DATE', get: (_, s) => s.ctx.date },
    ...(withReference ? [
      { name: 'security_name', type: 'STRING', get: (_, s) => s.ctx.securityName },
      { name: 'price_decimals', type: 'INT32', get: (_, s) => s.ctx.priceDecimals },
    ] satisfies ColumnSpec<T, S>[] : []),
  ];
}

/**
 * A DOUBLE column from a typed one (NaN a null), its first `length` values. Not declared distinct unless
 * `distinct`: a job's basis-point measures come from a few hundred prices, so most hold a few thousand
 * values in 14,000 rows and their dictionary pages are smaller and faster to write than PLAIN ones. Times
 * worked out from nanosecond differences are distinct: a dictionary tried on them was given up in every one
 * of 30 jobs, after hashing half a column.
 */
function typed<S>(name: string, column: (s: S) => Float64Array, length: (s: S) => number, distinct = false): ColumnSpec<number, S> {
  return { name, type: 'DOUBLE', distinct, column: (s) => column(s).subarray(0, length(s)) };
}

/** An INT64 or INT32 column the order or fill table holds as doubles (NaN a null), its first `length` values. */
function integers<S>(name: string, type: 'INT64' | 'INT32', column: (s: S) => Float64Array, length: (s: S) => number): ColumnSpec<number, S> {
  return { ...typed(name, column, length), type };
}

/** A column the order table holds as a list (ids, times, texts), its first `length` values. */
function listed<S>(name: string, type: ColumnType, list: (s: S) => readonly unknown[], length: (s: S) => number, distinct = false): ColumnSpec<number, S> {
  return {
    name, type, distinct, column: (s) => {
      const all = list(s), n = length(s);
      return all.length === n ? all : all.slice(0, n);
    },
  };
}

/** Mids from twice their value (NaN stays a null). */
function mids(twice: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = twice[i] / 2;
  return out;
}

/**
 * A table's columns for each set of markout horizons, built once: its getters then live as long as the
 * worker, and keep their compiled code. At most a few sets are kept (a worker rarely sees more than one).
 */
function perHorizons<C>(build: (horizons: readonly Horizon[]) => C): (horizons: readonly Horizon[]) => C {
  const built = new Map<string, C>();
  return (horizons) => {
    const key = horizons.map((h) => h.ns).join(',');
    let columns = built.get(key);
    if (columns === undefined) {
      if (built.size >= 8) built.clear();
      built.set(key, (columns = build(horizons)));
    }
    return columns;
  };
}

const orderRows = (s: OrderSource): number => s.t.length;

/** The per-order table: every measure and class of DOMAIN.md sections 7, 8 and 12 (one row per order-day; the row is the order table's). */
export const orderColumns = perHorizons((horizons): ColumnSpec<number, OrderSource>[] => [
  listed('order_id', 'UINT64', (s: OrderSource) => s.t.orderId, orderRows, true),
  ...partitionColumns<number, OrderSource>(true),
  listed('participant_id', 'STRING', (s: OrderSource) => s.t.participantId, orderRows),
  { name: 'side', type: 'STRING', get: (r, { t }) => sideText(t.side[r] as Side) },
  { name: 'is_sweep', type: 'BOOLEAN', get: (r, { t }) => t.isSweep[r] === 1 },
  integers('exchange_order_type', 'INT64', (s: OrderSource) => s.t.exchangeOrderType, orderRows),
  integers('events', 'INT32', (s: OrderSource) => s.t.events, orderRows),
  listed('arrival_time', 'TIMESTAMP_UTC', (s: OrderSource) => s.t.arrivalTime, orderRows, true),
  { name: 'arrival_local_time', type: 'TIMESTAMP_LOCAL', get: (r, { t }) => local(t.arrivalTime[r]), distinct: true },
  { name: 'hour', type: 'INT32', get: (r, { t }) => t.hour[r] },
  listed('final_time', 'TIMESTAMP_UTC', (s: OrderSource) => s.t.finalTime, orderRows, true),
  { name: 'limit_price', type: 'INT64', get: (r, { t }) => (t.limitPrice[r] === 0 ? null : t.limitPrice[r]) },
  integers('arrival_qty', 'INT64', (s: OrderSource) => s.t.arrivalQty, orderRows),
  integers('post_arrival_leaves', 'INT64', (s: OrderSource) => s.t.postArrivalLeaves, orderRows),
  integers('final_qty', 'INT64', (s: OrderSource) => s.t.finalQty, orderRows),
  integers('final_leaves', 'INT64', (s: OrderSource) => s.t.finalLeaves, orderRows),
  integers('final_matched', 'INT64', (s: OrderSource) => s.t.finalMatched, orderRows),
  integers('filled_qty', 'INT64', (s: OrderSource) => s.t.filledQty, orderRows),
  integers('num_trades', 'INT32', (s: OrderSource) => s.t.numTrades, orderRows),
  listed('notional', 'UINT64', (s: OrderSource) => s.t.notional, orderRows, true),
  integers('min_trade_price', 'INT64', (s: OrderSource) => s.t.minTradePrice, orderRows),
  integers('max_trade_price', 'INT64', (s: OrderSource) => s.t.maxTradePrice, orderRows),
  listed('first_trade_time', 'TIMESTAMP_UTC', (s: OrderSource) => s.t.firstTradeTime, orderRows, true),
  listed('last_trade_time', 'TIMESTAMP_UTC', (s: OrderSource) => s.t.lastTradeTime, orderRows, true),
  typed('vwap', (s) => s.t.vwap, orderRows),
  typed('fill_ratio', (s) => s.t.fillRatio, orderRows),
  typed('time_to_first_fill_s', (s) => s.t.timeToFirstFillS, orderRows, true),
  typed('duration_s', (s) => s.t.durationS, orderRows, true),
  { name: 'arrival_mid', type: 'DOUBLE', column: ({ t }) => mids(t.arrivalMidTwice, t.length) },
  listed('arrival_mid_source', 'STRING', (s: OrderSource) => s.t.arrivalMidSource, orderRows),
  typed('arrival_quote_age_ms', (s) => s.t.arrivalQuoteAgeMs, orderRows),
  typed('arrival_cost_bps', (s) => s.t.arrivalCostBps, orderRows),
  { name: 'final_mid', type: 'DOUBLE', column: ({ t }) => mids(t.finalMidTwice, t.length) },
  typed('execution_cost_bps', (s) => s.t.executionCostBps, orderRows),
  typed('opportunity_cost_bps', (s) => s.t.opportunityCostBps, orderRows),
  typed('implementation_shortfall_bps', (s) => s.t.implementationShortfallBps, orderRows),
  typed('mean_effective_spread_bps', (s) => s.t.meanEffectiveSpreadBps, orderRows),
  typed('mean_price_improvement_bps', (s) => s.t.meanPriceImprovementBps, orderRows),
  ...horizons.map((h, i) => typed(`mean_markout_${h.label}_bps`, (s: OrderSource) => s.t.meanMarkoutBps[i], orderRows)),
  listed('fill_status', 'STRING', (s: OrderSource) => s.t.fillStatus, orderRows),
  listed('scenario', 'STRING', (s: OrderSource) => s.t.scenario, orderRows),
  listed('size_bucket', 'STRING', (s: OrderSource) => s.t.sizeBucket, orderRows),
  { name: 'dq_filled_qty_mismatch', type: 'BOOLEAN', get: (r, { t }) => t.filledQtyMismatch[r] === 1 },
]);

/** The fill table's source: each fill's order row found once. */
export function fillSource(ctx: TableContext, orders: OrderTable): FillSource {
  const orderOf = new Int32Array(orders.fills.length);
  for (let o = 0; o < orders.length; o++) orderOf.fill(o, orders.fillStart[o], orders.fillStart[o] + orders.fillCount[o]);
  return { ctx, orders, orderOf };
}

const fillRows = (s: FillSource): number => s.orders.fills.length;
const quoteOf = (s: FillSource, r: number): PrevailingQuote | null => s.orders.fills.quotes[r];

/**
 * One row per fill (the row is the fill table's): a trade row joined to a Centre Point order of the job,
 * with its section 12 measures. A fill's sign, side, participant and sweep flag are its order's.
 */
export const fillColumns = perHorizons((horizons): ColumnSpec<number, FillSource>[] => {
  const perHorizon = (family: string, columns: (s: FillSource) => Float64Array[]): ColumnSpec<number, FillSource>[] =>
    horizons.map((h, i) => typed(`${family}_${h.label}_bps`, (s: FillSource) => columns(s)[i], fillRows));
  return [
    { name: 'order_id', type: 'UINT64', get: (r, { orders, orderOf }) => orders.orderId[orderOf[r]], distinct: true },
    ...partitionColumns<number, FillSource>(true),
    { name: 'time', type: 'TIMESTAMP_UTC', get: (r, { orders }) => orders.fills.trades[r].tradeTime, distinct: true },
    { name: 'local_time', type: 'TIMESTAMP_LOCAL', get: (r, { orders }) => local(orders.fills.trades[r].tradeTime), distinct: true },
    { name: 'hour', type: 'INT32', get: (r, { orders }) => sydneyHour(orders.fills.trades[r].tradeTime) },
    integers('price', 'INT64', (s: FillSource) => s.orders.fills.price, fillRows),
    integers('quantity', 'INT64', (s: FillSource) => s.orders.fills.quantity, fillRows),
    { name: 'side', type: 'STRING', get: (r, { orders, orderOf }) => sideText(orders.side[orderOf[r]] as Side) },
    { name: 'participant_id', type: 'STRING', get: (r, { orders, orderOf }) => orders.participantId[orderOf[r]] },
    { name: 'is_sweep', type: 'BOOLEAN', get: (r, { orders, orderOf }) => orders.isSweep[orderOf[r]] === 1 },
    { name: 'deal_source', type: 'STRING', get: (r, { orders }) => orders.fills.trades[r].dealSource || null },
    { name: 'match_group_id', type: 'UINT64', get: (r, { orders }) => orders.fills.trades[r].matchGroupId, distinct: true },
    { name: 'trade_participant_id', type: 'STRING', get: (r, { orders }) => orders.fills.trades[r].participantId || null },
    { name: 'mid', type: 'DOUBLE', get: (r, s) => mid(quoteOf(s, r)?.mid ?? null) },
    { name: 'bid', type: 'INT64', get: (r, s) => quoteOf(s, r)?.bid ?? null },
    { name: 'offer', type: 'INT64', get: (r, s) => quoteOf(s, r)?.offer ?? null },
    typed('quote_age_ms', (s) => s.orders.fills.quoteAgeMs, fillRows, true),
    typed('effective_spread_bps', (s) => s.orders.fills.effectiveSpreadBps, fillRows),
    typed('price_improvement_bps', (s) => s.orders.fills.priceImprovementBps, fillRows),
    typed('eq_ratio', (s) => s.orders.fills.eqRatio, fillRows),
    { name: 'inside_nbbo', type: 'BOOLEAN', get: (r, { orders }) => (orders.fills.insideNbbo[r] < 0 ? null : orders.fills.insideNbbo[r] === 1) },
    ...perHorizon('markout', (s) => s.orders.fills.markoutBps),
    ...perHorizon('realized_spread', (s) => s.orders.fills.realizedSpreadBps),
    ...perHorizon('price_impact', (s) => s.orders.fills.priceImpactBps),
  ];
});

/** One row per simulation candidate (DOMAIN.md section 9); the source is the job's context. */
export const candidateColumns: ColumnSpec<SimCandidate, Sourced>[] = [
  { name: 'sweep_id', type: 'UINT64', get: (c) => c.sweepId, distinct: true },
  ...partitionColumns<SimCandidate, Sourced>(false),
  { name: 'side', type: 'STRING', get: (c) => sideText(c.side) },
  { name: 'arrival_time', type: 'TIMESTAMP_UTC', get: (c) => c.arrivalTime, distinct: true },
  { name: 'window_end', type: 'TIMESTAMP_UTC', get: (c) => c.windowEnd, distinct: true },
  { name: 'residual_qty', type: 'INT64', get: (c) => c.residualQty },
  { name: 'sim_filled_qty', type: 'INT64', get: (c) => c.simFilledQty },
  { name: 'sim_fill_ratio', type: 'DOUBLE', get: (c) => c.simFillRatio, distinct: true },
  { name: 'sim_vwap', type: 'DOUBLE', get: (c) => c.simVwap, distinct: true },
  { name: 'matches', type: 'INT32', get: (c) => c.matches },
  { name: 'real_qty_after_arrival', type: 'INT64', get: (c) => c.realQtyAfterArrival },
  { name: 'real_vwap_after_arrival', type: 'DOUBLE', get: (c) => c.realVwapAfterArrival, distinct: true },
  { name: 'sim_price_improvement_bps', type: 'DOUBLE', get: (c) => c.priceImprovementBps, distinct: true },
];

/** A simulated match with both orders' sides and participants. */
export interface MatchRow {
  match: SimMatch;
  sweep: { side: Side; participantId: string };
  liquidity: { side: Side; participantId: string };
}

/** One row per simulated match; the source is the job's context. */
export const matchColumns: ColumnSpec<MatchRow, Sourced>[] = [
  { name: 'sweep_id', type: 'UINT64', get: (m) => m.match.sweepId, distinct: true },
  ...partitionColumns<MatchRow, Sourced>(false),
  { name: 'sweep_side', type: 'STRING', get: (m) => sideText(m.sweep.side) },
  { name: 'sweep_participant_id', type: 'STRING', get: (m) => m.sweep.participantId },
  { name: 'liquidity_id', type: 'UINT64', get: (m) => m.match.liquidityId, distinct: true },
  { name: 'liquidity_side', type: 'STRING', get: (m) => sideText(m.liquidity.side) },
  { name: 'liquidity_participant_id', type: 'STRING', get: (m) => m.liquidity.participantId },
  { name: 'time', type: 'TIMESTAMP_UTC', get: (m) => m.match.time, distinct: true },
  { name: 'quantity', type: 'INT64', get: (m) => m.match.quantity },
  { name: 'mid_price', type: 'DOUBLE', get: (m) => midValue(m.match.mid) },
];

/** Every per-job table's columns (names and types), by table (docs/OUTPUTS.md documents each; a test keeps them in step). */
export function jobTableColumns(horizons: readonly Horizon[]): Record<JobTable, readonly { name: string; type: string }[]> {
  return { orders: orderColumns(horizons), fills: fillColumns(horizons), candidates: candidateColumns, matches: matchColumns };
}
