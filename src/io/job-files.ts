import { midText } from '../domain/quotes';
import type { OrderMeasures } from '../domain/order-measures';
import type { OrderStates } from '../domain/order-states';
import type { OrderEvent, Side, TradeSide } from '../domain/types';
import { cell } from './csv-writer';

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

/** Columns of orders.csv, in order, with how each is taken from the measures. */
export const ORDER_COLUMNS: [string, (o: OrderMeasures) => unknown][] = [
  ['order_id', (o) => o.orderId], ['security', (o) => o.security], ['date', (o) => o.date],
  ['participant_id', (o) => o.participantId], ['side', (o) => (o.side === 1 ? 'BUY' : 'SELL')],
  ['is_sweep', (o) => o.isSweep], ['exchange_order_type', (o) => o.exchangeOrderType], ['events', (o) => o.events],
  ['arrival_time', (o) => o.arrivalTime], ['final_time', (o) => o.finalTime], ['limit_price', (o) => o.limitPrice],
  ['arrival_qty', (o) => o.arrivalQty], ['post_arrival_leaves', (o) => o.postArrivalLeaves], ['final_qty', (o) => o.finalQty],
  ['final_leaves', (o) => o.finalLeaves], ['final_matched', (o) => o.finalMatched], ['filled_qty', (o) => o.filledQty],
  ['num_trades', (o) => o.numTrades], ['notional', (o) => o.notional], ['min_trade_price', (o) => o.minTradePrice],
  ['max_trade_price', (o) => o.maxTradePrice], ['first_trade_time', (o) => o.firstTradeTime],
  ['last_trade_time', (o) => o.lastTradeTime], ['vwap', (o) => o.vwap], ['fill_ratio', (o) => o.fillRatio],
  ['time_to_first_fill_s', (o) => o.timeToFirstFillS], ['duration_s', (o) => o.durationS],
  ['arrival_mid', (o) => (o.arrivalMid ? midText(o.arrivalMid) : null)], ['arrival_cost_bps', (o) => o.arrivalCostBps],
  ['fill_status', (o) => o.fillStatus], ['scenario', (o) => o.scenario], ['size_bucket', (o) => o.sizeBucket],
  ['hour', (o) => o.hour], ['dq_filled_qty_mismatch', (o) => o.filledQtyMismatch],
];

export const ORDER_HEADER = ORDER_COLUMNS.map(([name]) => name);

export function orderRowValues(o: OrderMeasures): string[] {
  return ORDER_COLUMNS.map(([, f]) => cell(f(o)));
}

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
