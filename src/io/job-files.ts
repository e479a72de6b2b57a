import type { Horizon } from '../domain/execution-quality';
import { DEFAULT_SCENARIO_THRESHOLDS } from '../domain/classification';
import { orNull } from '../domain/fill-table';
import { OrderTable } from '../domain/order-table';
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

/**
 * A DOUBLE column from a typed one (NaN a null), the first `n` rows. Not declared distinct: a job's basis-
 * point measures come from a few hundred prices, so most hold a few thousand values in 14,000 rows and
 * their dictionary pages are smaller and faster to write than PLAIN ones.
 */
function typed<T>(name: string, column: Float64Array, n: number): ColumnSpec<T> {
  return { name, type: 'DOUBLE', doubles: column.subarray(0, n) };
}

/** Mids from twice their value (NaN stays a null). */
function mids(twice: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = twice[i] / 2;
  return out;
}

/** The per-order table: every measure and class of DOMAIN.md sections 7, 8 and 12 (one row per order-day; the row is the order table's). */
export function orderColumns(ctx: TableContext, t: OrderTable): ColumnSpec<number>[] {
  const n = t.length;
  return [
    { name: 'order_id', type: 'UINT64', get: (r) => t.orderId[r], distinct: true },
    ...partitionColumns<number>(ctx, true),
    { name: 'participant_id', type: 'STRING', get: (r) => t.participantId[r] },
    { name: 'side', type: 'STRING', get: (r) => sideText(t.side[r] as Side) },
    { name: 'is_sweep', type: 'BOOLEAN', get: (r) => t.isSweep[r] === 1 },
    { name: 'exchange_order_type', type: 'INT64', get: (r) => t.exchangeOrderType[r] },
    { name: 'events', type: 'INT32', get: (r) => t.events[r] },
    { name: 'arrival_time', type: 'TIMESTAMP_UTC', get: (r) => t.arrivalTime[r], distinct: true },
    { name: 'arrival_local_time', type: 'TIMESTAMP_LOCAL', get: (r) => local(t.arrivalTime[r]), distinct: true },
    { name: 'hour', type: 'INT32', get: (r) => t.hour[r] },
    { name: 'final_time', type: 'TIMESTAMP_UTC', get: (r) => t.finalTime[r], distinct: true },
    { name: 'limit_price', type: 'INT64', get: (r) => (t.limitPrice[r] === 0 ? null : t.limitPrice[r]) },
    { name: 'arrival_qty', type: 'INT64', get: (r) => t.arrivalQty[r] },
    { name: 'post_arrival_leaves', type: 'INT64', get: (r) => t.postArrivalLeaves[r] },
    { name: 'final_qty', type: 'INT64', get: (r) => t.finalQty[r] },
    { name: 'final_leaves', type: 'INT64', get: (r) => t.finalLeaves[r] },
    { name: 'final_matched', type: 'INT64', get: (r) => t.finalMatched[r] },
    { name: 'filled_qty', type: 'INT64', get: (r) => t.filledQty[r] },
    { name: 'num_trades', type: 'INT32', get: (r) => t.numTrades[r] },
    { name: 'notional', type: 'UINT64', get: (r) => t.notional[r], distinct: true },
    { name: 'min_trade_price', type: 'INT64', get: (r) => orNull(t.minTradePrice, r) },
    { name: 'max_trade_price', type: 'INT64', get: (r) => orNull(t.maxTradePrice, r) },
    { name: 'first_trade_time', type: 'TIMESTAMP_UTC', get: (r) => t.firstTradeTime[r], distinct: true },
    { name: 'last_trade_time', type: 'TIMESTAMP_UTC', get: (r) => t.lastTradeTime[r], distinct: true },
    typed('vwap', t.vwap, n),
    typed('fill_ratio', t.fillRatio, n),
    typed('time_to_first_fill_s', t.timeToFirstFillS, n),
    typed('duration_s', t.durationS, n),
    { name: 'arrival_mid', type: 'DOUBLE', doubles: mids(t.arrivalMidTwice, n) },
    { name: 'arrival_mid_source', type: 'STRING', get: (r) => t.arrivalMidSource[r] },
    typed('arrival_quote_age_ms', t.arrivalQuoteAgeMs, n),
    typed('arrival_cost_bps', t.arrivalCostBps, n),
    { name: 'final_mid', type: 'DOUBLE', doubles: mids(t.finalMidTwice, n) },
    typed('execution_cost_bps', t.executionCostBps, n),
    typed('opportunity_cost_bps', t.opportunityCostBps, n),
    typed('implementation_shortfall_bps', t.implementationShortfallBps, n),
    typed('mean_effective_spread_bps', t.meanEffectiveSpreadBps, n),
    typed('mean_price_improvement_bps', t.meanPriceImprovementBps, n),
    ...ctx.markoutHorizons.map((h, i) => typed<number>(`mean_markout_${h.label}_bps`, t.meanMarkoutBps[i], n)),
    { name: 'fill_status', type: 'STRING', get: (r) => t.fillStatus[r] },
    { name: 'scenario', type: 'STRING', get: (r) => t.scenario[r] },
    { name: 'size_bucket', type: 'STRING', get: (r) => t.sizeBucket[r] },
    { name: 'dq_filled_qty_mismatch', type: 'BOOLEAN', get: (r) => t.filledQtyMismatch[r] === 1 },
  ];
}

/**
 * One row per fill (the row is the fill table's): a trade row joined to a Centre Point order of the job,
 * with its section 12 measures. A fill's sign, side, participant and sweep flag are its order's.
 */
export function fillColumns(ctx: TableContext, orders: OrderTable): ColumnSpec<number>[] {
  const t = orders.fills, n = t.length;
  const orderOf = new Int32Array(n);
  for (let o = 0; o < orders.length; o++) orderOf.fill(o, orders.fillStart[o], orders.fillStart[o] + orders.fillCount[o]);
  const perHorizon = (family: string, columns: Float64Array[]): ColumnSpec<number>[] => ctx.markoutHorizons.map((h, i) => typed(`${family}_${h.label}_bps`, columns[i], n));
  const quote = (r: number): PrevailingQuote | null => t.quotes[r];
  return [
    { name: 'order_id', type: 'UINT64', get: (r) => orders.orderId[orderOf[r]], distinct: true },
    ...partitionColumns<number>(ctx, true),
    { name: 'time', type: 'TIMESTAMP_UTC', get: (r) => t.trades[r].tradeTime, distinct: true },
    { name: 'local_time', type: 'TIMESTAMP_LOCAL', get: (r) => local(t.trades[r].tradeTime), distinct: true },
    { name: 'hour', type: 'INT32', get: (r) => sydneyHour(t.trades[r].tradeTime) },
    { name: 'price', type: 'INT64', get: (r) => t.trades[r].price },
    { name: 'quantity', type: 'INT64', get: (r) => t.trades[r].quantity },
    { name: 'side', type: 'STRING', get: (r) => sideText(orders.side[orderOf[r]] as Side) },
    { name: 'participant_id', type: 'STRING', get: (r) => orders.participantId[orderOf[r]] },
    { name: 'is_sweep', type: 'BOOLEAN', get: (r) => orders.isSweep[orderOf[r]] === 1 },
    { name: 'deal_source', type: 'STRING', get: (r) => t.trades[r].dealSource || null },
    { name: 'match_group_id', type: 'UINT64', get: (r) => t.trades[r].matchGroupId, distinct: true },
    { name: 'trade_participant_id', type: 'STRING', get: (r) => t.trades[r].participantId || null },
    { name: 'mid', type: 'DOUBLE', get: (r) => mid(quote(r)?.mid ?? null) },
    { name: 'bid', type: 'INT64', get: (r) => quote(r)?.bid ?? null },
    { name: 'offer', type: 'INT64', get: (r) => quote(r)?.offer ?? null },
    typed('quote_age_ms', t.quoteAgeMs, n),
    typed('effective_spread_bps', t.effectiveSpreadBps, n),
    typed('price_improvement_bps', t.priceImprovementBps, n),
    typed('eq_ratio', t.eqRatio, n),
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
  const none = new OrderTable({ masks: { centrePoint: 0, sweep: 0 }, scenario: DEFAULT_SCENARIO_THRESHOLDS, sizeEdges: [], markoutHorizons: ctx.markoutHorizons, fillHorizons: [] }, 0, 0);
  return {
    orders: orderColumns(ctx, none) as ColumnSpec<never>[], fills: fillColumns(ctx, none) as ColumnSpec<never>[],
    candidates: candidateColumns(ctx) as ColumnSpec<never>[], matches: matchColumns(ctx) as ColumnSpec<never>[],
  };
}
