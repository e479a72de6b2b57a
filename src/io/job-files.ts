import { midText } from '../domain/quotes';
import type { OrderMeasures } from '../domain/order-measures';
import type { SimCandidate, SimMatch } from '../domain/simulation';
import type { ColumnSpec } from './tables';

/** Column specs of a job's output tables: 64-bit values are exact (ids and nanosecond times UINT64 in Parquet, decimal text in CSV). */

/** The per-order table (orders.csv.gz / orders.parquet): every measure and class of DOMAIN.md sections 7-8. */
export const ORDER_COLUMNS: ColumnSpec<OrderMeasures>[] = [
  { name: 'order_id', type: 'UINT64', get: (o) => o.orderId, distinct: true },
  { name: 'security', type: 'STRING', get: (o) => o.security },
  { name: 'date', type: 'STRING', get: (o) => o.date },
  { name: 'participant_id', type: 'STRING', get: (o) => o.participantId },
  { name: 'side', type: 'STRING', get: (o) => (o.side === 1 ? 'BUY' : 'SELL') },
  { name: 'is_sweep', type: 'BOOLEAN', get: (o) => o.isSweep },
  { name: 'exchange_order_type', type: 'INT64', get: (o) => o.exchangeOrderType },
  { name: 'events', type: 'INT32', get: (o) => o.events },
  { name: 'arrival_time', type: 'UINT64', get: (o) => o.arrivalTime, distinct: true },
  { name: 'final_time', type: 'UINT64', get: (o) => o.finalTime, distinct: true },
  { name: 'limit_price', type: 'INT64', get: (o) => o.limitPrice },
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
  { name: 'first_trade_time', type: 'UINT64', get: (o) => o.firstTradeTime, distinct: true },
  { name: 'last_trade_time', type: 'UINT64', get: (o) => o.lastTradeTime, distinct: true },
  { name: 'vwap', type: 'DOUBLE', get: (o) => o.vwap, distinct: true },
  { name: 'fill_ratio', type: 'DOUBLE', get: (o) => o.fillRatio, distinct: true },
  { name: 'time_to_first_fill_s', type: 'DOUBLE', get: (o) => o.timeToFirstFillS, distinct: true },
  { name: 'duration_s', type: 'DOUBLE', get: (o) => o.durationS, distinct: true },
  // Exact text: a mid can be half a price unit (3335.5).
  { name: 'arrival_mid', type: 'STRING', get: (o) => (o.arrivalMid ? midText(o.arrivalMid) : null) },
  { name: 'arrival_cost_bps', type: 'DOUBLE', get: (o) => o.arrivalCostBps, distinct: true },
  { name: 'fill_status', type: 'STRING', get: (o) => o.fillStatus },
  { name: 'scenario', type: 'STRING', get: (o) => o.scenario },
  { name: 'size_bucket', type: 'STRING', get: (o) => o.sizeBucket },
  { name: 'hour', type: 'INT32', get: (o) => o.hour },
  { name: 'dq_filled_qty_mismatch', type: 'BOOLEAN', get: (o) => o.filledQtyMismatch },
];

/** One row per simulation candidate (DOMAIN.md section 9). */
export const CANDIDATE_COLUMNS: ColumnSpec<SimCandidate>[] = [
  { name: 'sweep_id', type: 'UINT64', get: (c) => c.sweepId, distinct: true },
  { name: 'side', type: 'STRING', get: (c) => (c.side === 1 ? 'BUY' : 'SELL') },
  { name: 'arrival_time', type: 'UINT64', get: (c) => c.arrivalTime, distinct: true },
  { name: 'window_end', type: 'UINT64', get: (c) => c.windowEnd, distinct: true },
  { name: 'residual_qty', type: 'INT64', get: (c) => c.residualQty },
  { name: 'sim_filled_qty', type: 'INT64', get: (c) => c.simFilledQty },
  { name: 'sim_fill_ratio', type: 'DOUBLE', get: (c) => c.simFillRatio, distinct: true },
  { name: 'sim_vwap', type: 'DOUBLE', get: (c) => c.simVwap, distinct: true },
  { name: 'matches', type: 'INT32', get: (c) => c.matches },
  { name: 'real_qty_after_arrival', type: 'INT64', get: (c) => c.realQtyAfterArrival },
  { name: 'real_vwap_after_arrival', type: 'DOUBLE', get: (c) => c.realVwapAfterArrival, distinct: true },
  { name: 'price_improvement_bps', type: 'DOUBLE', get: (c) => c.priceImprovementBps, distinct: true },
];

/** One row per simulated match. */
export const MATCH_COLUMNS: ColumnSpec<SimMatch>[] = [
  { name: 'sweep_id', type: 'UINT64', get: (m) => m.sweepId, distinct: true },
  { name: 'liquidity_id', type: 'UINT64', get: (m) => m.liquidityId, distinct: true },
  { name: 'time', type: 'UINT64', get: (m) => m.time, distinct: true },
  { name: 'quantity', type: 'INT64', get: (m) => m.quantity },
  { name: 'mid_price', type: 'STRING', get: (m) => midText(m.mid) },
];
