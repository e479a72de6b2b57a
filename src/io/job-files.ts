import { midText } from '../domain/quotes';
import type { OrderMeasures } from '../domain/order-measures';
import type { OrderStates } from '../domain/order-states';
import type { OrderEvent, Side, TradeSide } from '../domain/types';
import type { SimCandidate, SimMatch } from '../domain/simulation';
import type { ColumnSpec } from './tables';

/**
 * Formats of a job's files. `states.jsonl` (work folder) carries each order's three states and its trades
 * from ingest to classify; `orders.csv` (output) is the per-order table users read. 64-bit values are
 * decimal text in both.
 */

type EventJson = [string, string, string | null, number, string, number, number, number, number, number, number, string, number | null, number | null, string | null];

function eventToJson(e: OrderEvent): EventJson {
  return [e.orderId.toString(), e.timestamp.toString(), e.sequence?.toString() ?? null, e.fileOrder, e.security, e.side,
    e.price, e.quantity, e.leavesQuantity, e.totalMatchedQuantity, e.exchangeOrderType, e.participantId,
    e.nationalBid, e.nationalOffer, e.timeValidity];
}

function eventFromJson(j: EventJson): OrderEvent {
  return {
    orderId: BigInt(j[0]), timestamp: BigInt(j[1]), sequence: j[2] === null ? null : BigInt(j[2]), fileOrder: j[3],
    security: j[4], side: j[5] as Side, price: j[6], quantity: j[7], leavesQuantity: j[8], totalMatchedQuantity: j[9],
    exchangeOrderType: j[10], participantId: j[11], nationalBid: j[12], nationalOffer: j[13], timeValidity: j[14],
  };
}

export interface OrderWithTrades {
  states: OrderStates;
  trades: TradeSide[];
}

export function stateLine(o: OrderWithTrades): string {
  const same = (a: OrderEvent, b: OrderEvent): boolean => a === b;
  return JSON.stringify({
    a: eventToJson(o.states.arrival),
    p: same(o.states.postArrival, o.states.arrival) ? null : eventToJson(o.states.postArrival),
    f: same(o.states.final, o.states.postArrival) ? null : eventToJson(o.states.final),
    n: o.states.events,
    t: o.trades.map((t) => [t.tradeTime.toString(), t.price, t.quantity, t.side, t.matchGroupId?.toString() ?? null]),
  }) + '\n';
}

export function parseStateLine(line: string): OrderWithTrades {
  const j = JSON.parse(line) as { a: EventJson; p: EventJson | null; f: EventJson | null; n: number; t: [string, number, number, number, string | null][] };
  const arrival = eventFromJson(j.a);
  const postArrival = j.p ? eventFromJson(j.p) : arrival;
  const final = j.f ? eventFromJson(j.f) : postArrival;
  return {
    states: { arrival, postArrival, final, events: j.n },
    trades: j.t.map((t) => ({ orderId: arrival.orderId, tradeTime: BigInt(t[0]), security: arrival.security, price: t[1],
      quantity: t[2], side: t[3] as Side, matchGroupId: t[4] === null ? null : BigInt(t[4]) })),
  };
}

/** The per-order table (orders.csv.gz / orders.parquet): every measure and class of DOMAIN.md sections 7-8. */
export const ORDER_COLUMNS: ColumnSpec<OrderMeasures>[] = [
  { name: 'order_id', type: 'INT64', get: (o) => o.orderId },
  { name: 'security', type: 'STRING', get: (o) => o.security },
  { name: 'date', type: 'STRING', get: (o) => o.date },
  { name: 'participant_id', type: 'STRING', get: (o) => o.participantId },
  { name: 'side', type: 'STRING', get: (o) => (o.side === 1 ? 'BUY' : 'SELL') },
  { name: 'is_sweep', type: 'BOOLEAN', get: (o) => o.isSweep },
  { name: 'exchange_order_type', type: 'INT32', get: (o) => o.exchangeOrderType },
  { name: 'events', type: 'INT32', get: (o) => o.events },
  { name: 'arrival_time', type: 'INT64', get: (o) => o.arrivalTime },
  { name: 'final_time', type: 'INT64', get: (o) => o.finalTime },
  { name: 'limit_price', type: 'INT64', get: (o) => o.limitPrice },
  { name: 'arrival_qty', type: 'INT64', get: (o) => o.arrivalQty },
  { name: 'post_arrival_leaves', type: 'INT64', get: (o) => o.postArrivalLeaves },
  { name: 'final_qty', type: 'INT64', get: (o) => o.finalQty },
  { name: 'final_leaves', type: 'INT64', get: (o) => o.finalLeaves },
  { name: 'final_matched', type: 'INT64', get: (o) => o.finalMatched },
  { name: 'filled_qty', type: 'INT64', get: (o) => o.filledQty },
  { name: 'num_trades', type: 'INT32', get: (o) => o.numTrades },
  { name: 'notional', type: 'INT64', get: (o) => o.notional },
  { name: 'min_trade_price', type: 'INT64', get: (o) => o.minTradePrice },
  { name: 'max_trade_price', type: 'INT64', get: (o) => o.maxTradePrice },
  { name: 'first_trade_time', type: 'INT64', get: (o) => o.firstTradeTime },
  { name: 'last_trade_time', type: 'INT64', get: (o) => o.lastTradeTime },
  { name: 'vwap', type: 'DOUBLE', get: (o) => o.vwap },
  { name: 'fill_ratio', type: 'DOUBLE', get: (o) => o.fillRatio },
  { name: 'time_to_first_fill_s', type: 'DOUBLE', get: (o) => o.timeToFirstFillS },
  { name: 'duration_s', type: 'DOUBLE', get: (o) => o.durationS },
  // Exact text: a mid can be half a price unit (3335.5).
  { name: 'arrival_mid', type: 'STRING', get: (o) => (o.arrivalMid ? midText(o.arrivalMid) : null) },
  { name: 'arrival_cost_bps', type: 'DOUBLE', get: (o) => o.arrivalCostBps },
  { name: 'fill_status', type: 'STRING', get: (o) => o.fillStatus },
  { name: 'scenario', type: 'STRING', get: (o) => o.scenario },
  { name: 'size_bucket', type: 'STRING', get: (o) => o.sizeBucket },
  { name: 'hour', type: 'INT32', get: (o) => o.hour },
  { name: 'dq_filled_qty_mismatch', type: 'BOOLEAN', get: (o) => o.filledQtyMismatch },
];

/** One row per simulation candidate (DOMAIN.md section 9). */
export const CANDIDATE_COLUMNS: ColumnSpec<SimCandidate>[] = [
  { name: 'sweep_id', type: 'INT64', get: (c) => c.sweepId },
  { name: 'side', type: 'STRING', get: (c) => (c.side === 1 ? 'BUY' : 'SELL') },
  { name: 'arrival_time', type: 'INT64', get: (c) => c.arrivalTime },
  { name: 'window_end', type: 'INT64', get: (c) => c.windowEnd },
  { name: 'residual_qty', type: 'INT64', get: (c) => c.residualQty },
  { name: 'sim_filled_qty', type: 'INT64', get: (c) => c.simFilledQty },
  { name: 'sim_fill_ratio', type: 'DOUBLE', get: (c) => c.simFillRatio },
  { name: 'sim_vwap', type: 'DOUBLE', get: (c) => c.simVwap },
  { name: 'matches', type: 'INT32', get: (c) => c.matches },
  { name: 'real_qty_after_arrival', type: 'INT64', get: (c) => c.realQtyAfterArrival },
  { name: 'real_vwap_after_arrival', type: 'DOUBLE', get: (c) => c.realVwapAfterArrival },
  { name: 'price_improvement_bps', type: 'DOUBLE', get: (c) => c.priceImprovementBps },
];

/** One row per simulated match. */
export const MATCH_COLUMNS: ColumnSpec<SimMatch>[] = [
  { name: 'sweep_id', type: 'INT64', get: (m) => m.sweepId },
  { name: 'liquidity_id', type: 'INT64', get: (m) => m.liquidityId },
  { name: 'time', type: 'INT64', get: (m) => m.time },
  { name: 'quantity', type: 'INT64', get: (m) => m.quantity },
  { name: 'mid_price', type: 'STRING', get: (m) => midText(m.mid) },
];

/** Reads back an orders.csv row into the measures the rollups use (exact: 64-bit fields as BigInt). */
export function orderMeasuresFromRow(f: string[], col: Record<string, number>): OrderMeasures {
  const s = (k: string): string => f[col[k]];
  const n = (k: string): number => Number(s(k));
  const nn = (k: string): number | null => (s(k) === '' ? null : Number(s(k)));
  const b = (k: string): bigint | null => (s(k) === '' ? null : BigInt(s(k)));
  const mid = s('arrival_mid');
  return {
    orderId: BigInt(s('order_id')), security: s('security'), date: s('date'), participantId: s('participant_id'),
    side: s('side') === 'BUY' ? 1 : 2, isSweep: s('is_sweep') === 'true', exchangeOrderType: n('exchange_order_type'),
    events: n('events'), arrivalTime: BigInt(s('arrival_time')), finalTime: BigInt(s('final_time')),
    limitPrice: n('limit_price'), arrivalQty: n('arrival_qty'), postArrivalLeaves: n('post_arrival_leaves'),
    finalQty: n('final_qty'), finalLeaves: n('final_leaves'), finalMatched: n('final_matched'), filledQty: n('filled_qty'),
    numTrades: n('num_trades'), notional: BigInt(s('notional')), minTradePrice: nn('min_trade_price'),
    maxTradePrice: nn('max_trade_price'), firstTradeTime: b('first_trade_time'), lastTradeTime: b('last_trade_time'),
    vwap: nn('vwap'), fillRatio: n('fill_ratio'), timeToFirstFillS: nn('time_to_first_fill_s'), durationS: nn('duration_s'),
    arrivalMid: mid === '' ? null : { twice: Math.round(Number(mid) * 2) },
    arrivalCostBps: nn('arrival_cost_bps'), fillStatus: s('fill_status') as OrderMeasures['fillStatus'],
    scenario: (s('scenario') || null) as OrderMeasures['scenario'], sizeBucket: s('size_bucket'), hour: n('hour'),
    filledQtyMismatch: s('dq_filled_qty_mismatch') === 'true',
  };
}
