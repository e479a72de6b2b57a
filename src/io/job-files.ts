import type { Horizon } from '../domain/execution-quality';
import { FillTable } from '../domain/fill-table';
import type { OrderMeasures } from '../domain/order-measures';
import { midValue, type PrevailingQuote } from '../domain/quotes';
import type { SimCandidate, SimMatch } from '../domain/simulation';
import { sydneyHour, sydneyLocalNanos } from '../domain/sydney-time';
import type { Mid, Side } from '../domain/types';
import type { JobTable } from './paths';
import type { ColumnSpec } from './tables';

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

/** security, date (and the reference columns): the partition, also inside every file so tables concatenate. */
function partitionColumns<T>(ctx: TableContext, withReference: boolean): ColumnSpec<T>[] {
  return [
    { name: 'security', type: 'STRING', get: () => ctx.security },
    { name: 'date', type: 'DATE', get: () => ctx.date },
    ...(withReference ? [
      { name: 'security_name', type: 'STRING', get: () => ctx.securityName },
      { name: 'price_decimals', type: 'INT32', get: () => ctx.priceDecimals },
    ] satisfies ColumnSpec<T>[] : []),
  ];
}

/** The per-order table: every measure and class of DOMAIN.md sections 7, 8 and 12 (one row per order-day). */
export function orderColumns(ctx: TableContext): ColumnSpec<OrderMeasures>[] {
  return [
    { name: 'order_id', type: 'UINT64', get: (o) => o.orderId, distinct: true },
    ...partitionColumns<OrderMeasures>(ctx, true),
    { name: 'participant_id', type: 'STRING', get: (o) => o.participantId },
    { name: 'side', type: 'STRING', get: (o) => sideText(o.side) },
    { name: 'is_sweep', type: 'BOOLEAN', get: (o) => o.isSweep },
    { name: 'exchange_order_type', type: 'INT64', get: (o) => o.exchangeOrderType },
    { name: 'events', type: 'INT32', get: (o) => o.events },
    { name: 'arrival_time', type: 'TIMESTAMP_UTC', get: (o) => o.arrivalTime, distinct: true },
    { name: 'arrival_local_time', type: 'TIMESTAMP_LOCAL', get: (o) => local(o.arrivalTime), distinct: true },
    { name: 'hour', type: 'INT32', get: (o) => o.hour },
    { name: 'final_time', type: 'TIMESTAMP_UTC', get: (o) => o.finalTime, distinct: true },
    { name: 'limit_price', type: 'INT64', get: (o) => (o.limitPrice === 0 ? null : o.limitPrice) },
    { name: 'arrival_qty', type: 'INT64', get: (o) => o.arrivalQty },
    { name: 'post_arrival_leaves', type: 'INT64', get: (o) => o.postArrivalLeaves },
    { name: 'final_qty', type: 'INT64', get: (o) => o.finalQty },
    { name: 'final_leaves', type: 'INT64', get: (o) => o.finalLeaves },
    { name: 'final_matched', type: 'INT64', get: (o) => o.finalMatched },
    { name: 'filled_qty', type: 'INT64', get: (o) => o.filledQty },
    { name: 'num_trades', type: 'INT32', get: (o) => o.numTrades },
    { name: 'notional', type: 'UINT64', get: (o) => o.notional, distinct: true },
    { name: 'min_trade_price', type: 'INT64', get: (o) => o.minTradePrice },
    { name: 'max_trade_price', type: 'INT64', get: (o) => o.maxTradePrice },
    { name: 'first_trade_time', type: 'TIMESTAMP_UTC', get: (o) => o.firstTradeTime, distinct: true },
    { name: 'last_trade_time', type: 'TIMESTAMP_UTC', get: (o) => o.lastTradeTime, distinct: true },
    { name: 'vwap', type: 'DOUBLE', get: (o) => o.vwap, distinct: true },
    { name: 'fill_ratio', type: 'DOUBLE', get: (o) => o.fillRatio, distinct: true },
    { name: 'time_to_first_fill_s', type: 'DOUBLE', get: (o) => o.timeToFirstFillS, distinct: true },
    { name: 'duration_s', type: 'DOUBLE', get: (o) => o.durationS, distinct: true },
    { name: 'arrival_mid', type: 'DOUBLE', get: (o) => mid(o.arrivalMid) },
    { name: 'arrival_mid_source', type: 'STRING', get: (o) => o.arrivalMidSource },
    { name: 'arrival_quote_age_ms', type: 'DOUBLE', get: (o) => o.arrivalQuoteAgeMs, distinct: true },
    { name: 'arrival_cost_bps', type: 'DOUBLE', get: (o) => o.arrivalCostBps, distinct: true },
    { name: 'final_mid', type: 'DOUBLE', get: (o) => mid(o.finalMid) },
    { name: 'execution_cost_bps', type: 'DOUBLE', get: (o) => o.executionCostBps, distinct: true },
    { name: 'opportunity_cost_bps', type: 'DOUBLE', get: (o) => o.opportunityCostBps, distinct: true },
    { name: 'implementation_shortfall_bps', type: 'DOUBLE', get: (o) => o.implementationShortfallBps, distinct: true },
    { name: 'mean_effective_spread_bps', type: 'DOUBLE', get: (o) => o.meanEffectiveSpreadBps, distinct: true },
    { name: 'mean_price_improvement_bps', type: 'DOUBLE', get: (o) => o.meanPriceImprovementBps, distinct: true },
    ...ctx.markoutHorizons.map((h, i): ColumnSpec<OrderMeasures> => ({ name: `mean_markout_${h.label}_bps`, type: 'DOUBLE', get: (o) => o.meanMarkoutBps[i], distinct: true })),
    { name: 'fill_status', type: 'STRING', get: (o) => o.fillStatus },
    { name: 'scenario', type: 'STRING', get: (o) => o.scenario },
    { name: 'size_bucket', type: 'STRING', get: (o) => o.sizeBucket },
    { name: 'dq_filled_qty_mismatch', type: 'BOOLEAN', get: (o) => o.filledQtyMismatch },
  ];
}

/**
 * A job's fills as a table: the fill table's rows and, by row, the order each fill belongs to (section 12: a
 * fill's sign, side, participant and sweep flag are its order's).
 */
export interface FillRows {
  table: FillTable;
  orderOf: readonly OrderMeasures[];
}

/** One row per fill (the row is the fill table's): a trade row joined to a Centre Point order of the job, with its section 12 measures. */
export function fillColumns(ctx: TableContext, { table: t, orderOf }: FillRows): ColumnSpec<number>[] {
  const n = t.length;
  const typed = (name: string, column: Float64Array): ColumnSpec<number> => ({ name, type: 'DOUBLE', doubles: column.subarray(0, n), distinct: true });
  const perHorizon = (family: string, columns: Float64Array[]): ColumnSpec<number>[] => ctx.markoutHorizons.map((h, i) => typed(`${family}_${h.label}_bps`, columns[i]));
  const quote = (r: number): PrevailingQuote | null => t.quotes[r];
  return [
    { name: 'order_id', type: 'UINT64', get: (r) => orderOf[r].orderId, distinct: true },
    ...partitionColumns<number>(ctx, true),
    { name: 'time', type: 'TIMESTAMP_UTC', get: (r) => t.trades[r].tradeTime, distinct: true },
    { name: 'local_time', type: 'TIMESTAMP_LOCAL', get: (r) => local(t.trades[r].tradeTime), distinct: true },
    { name: 'hour', type: 'INT32', get: (r) => sydneyHour(t.trades[r].tradeTime) },
    { name: 'price', type: 'INT64', get: (r) => t.trades[r].price },
    { name: 'quantity', type: 'INT64', get: (r) => t.trades[r].quantity },
    { name: 'side', type: 'STRING', get: (r) => sideText(orderOf[r].side) },
    { name: 'participant_id', type: 'STRING', get: (r) => orderOf[r].participantId },
    { name: 'is_sweep', type: 'BOOLEAN', get: (r) => orderOf[r].isSweep },
    { name: 'deal_source', type: 'STRING', get: (r) => t.trades[r].dealSource || null },
    { name: 'match_group_id', type: 'UINT64', get: (r) => t.trades[r].matchGroupId, distinct: true },
    { name: 'trade_participant_id', type: 'STRING', get: (r) => t.trades[r].participantId || null },
    { name: 'mid', type: 'DOUBLE', get: (r) => mid(quote(r)?.mid ?? null) },
    { name: 'bid', type: 'INT64', get: (r) => quote(r)?.bid ?? null },
    { name: 'offer', type: 'INT64', get: (r) => quote(r)?.offer ?? null },
    typed('quote_age_ms', t.quoteAgeMs),
    typed('effective_spread_bps', t.effectiveSpreadBps),
    typed('price_improvement_bps', t.priceImprovementBps),
    typed('eq_ratio', t.eqRatio),
    { name: 'inside_nbbo', type: 'BOOLEAN', get: (r) => (t.insideNbbo[r] < 0 ? null : t.insideNbbo[r] === 1) },
    ...perHorizon('markout', t.markoutBps),
    ...perHorizon('realized_spread', t.realizedSpreadBps),
    ...perHorizon('price_impact', t.priceImpactBps),
  ];
}

/** One row per simulation candidate (DOMAIN.md section 9). */
export function candidateColumns(ctx: TableContext): ColumnSpec<SimCandidate>[] {
  return [
    { name: 'sweep_id', type: 'UINT64', get: (c) => c.sweepId, distinct: true },
    ...partitionColumns<SimCandidate>(ctx, false),
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
}

/** A simulated match with both orders' sides and participants. */
export interface MatchRow {
  match: SimMatch;
  sweep: { side: Side; participantId: string };
  liquidity: { side: Side; participantId: string };
}

/** One row per simulated match. */
export function matchColumns(ctx: TableContext): ColumnSpec<MatchRow>[] {
  return [
    { name: 'sweep_id', type: 'UINT64', get: (m) => m.match.sweepId, distinct: true },
    ...partitionColumns<MatchRow>(ctx, false),
    { name: 'sweep_side', type: 'STRING', get: (m) => sideText(m.sweep.side) },
    { name: 'sweep_participant_id', type: 'STRING', get: (m) => m.sweep.participantId },
    { name: 'liquidity_id', type: 'UINT64', get: (m) => m.match.liquidityId, distinct: true },
    { name: 'liquidity_side', type: 'STRING', get: (m) => sideText(m.liquidity.side) },
    { name: 'liquidity_participant_id', type: 'STRING', get: (m) => m.liquidity.participantId },
    { name: 'time', type: 'TIMESTAMP_UTC', get: (m) => m.match.time, distinct: true },
    { name: 'quantity', type: 'INT64', get: (m) => m.match.quantity },
    { name: 'mid_price', type: 'DOUBLE', get: (m) => midValue(m.match.mid) },
  ];
}

/** Every per-job table's columns, by table (docs/OUTPUTS.md documents each; a test keeps them in step). */
export function jobTableColumns(ctx: TableContext): Record<JobTable, ColumnSpec<never>[]> {
  return {
    orders: orderColumns(ctx) as ColumnSpec<never>[], fills: fillColumns(ctx, { table: new FillTable(ctx.markoutHorizons, 0), orderOf: [] }) as ColumnSpec<never>[],
    candidates: candidateColumns(ctx) as ColumnSpec<never>[], matches: matchColumns(ctx) as ColumnSpec<never>[],
  };
}
