import { fillStatus, sizeBucket, sweepScenario, type FillStatus, type Scenario, type ScenarioThresholds } from './classification';
import { arrivalCostBps, elapsedSeconds, execution, fillRatio, filledQtyMismatch, vwap } from './measures';
import { arrivalQuote, fillsWithin, midAtEvent, shortfall, type ArrivalMidSource, type FillWithin, type Horizon } from './execution-quality';
import { FillTable, type FillRange } from './fill-table';
import { isSweep, type OrderTypeMasks } from './order-type';
import type { OrderStates } from './order-states';
import type { QuoteBook } from './quotes';
import { sydneyDate, sydneyHour } from './sydney-time';
import type { Mid, Side, TradeSide } from './types';

export interface ClassificationSettings {
  masks: OrderTypeMasks;
  scenario: ScenarioThresholds;
  sizeEdges: readonly number[];
  /** Section 12 horizons (markouts, realized spread, impact), from `thresholds.markoutHorizons`. */
  markoutHorizons: readonly Horizon[];
  /** Section 12 fill-probability horizons, from `thresholds.fillHorizons`. */
  fillHorizons: readonly Horizon[];
}

/** Everything DOMAIN.md sections 7 and 8 say about one Centre Point order in one partition. */
export interface OrderMeasures {
  orderId: bigint;
  security: string;
  date: string;
  participantId: string;
  side: Side;
  isSweep: boolean;
  exchangeOrderType: number;
  events: number;
  arrivalTime: bigint;
  finalTime: bigint;
  /** The limit after any immediate execution (price of the post-arrival state); 0 = no limit. */
  limitPrice: number;
  arrivalQty: number;
  postArrivalLeaves: number;
  finalQty: number;
  finalLeaves: number;
  finalMatched: number;
  filledQty: number;
  numTrades: number;
  notional: bigint;
  minTradePrice: number | null;
  maxTradePrice: number | null;
  firstTradeTime: bigint | null;
  lastTradeTime: bigint | null;
  vwap: number | null;
  fillRatio: number;
  timeToFirstFillS: number | null;
  durationS: number | null;
  arrivalMid: Mid | null;
  arrivalCostBps: number | null;
  fillStatus: FillStatus;
  scenario: Scenario | null;
  sizeBucket: string;
  hour: number;
  /** Data-quality flag: trades' total differs from the final matched quantity. */
  filledQtyMismatch: boolean;
  // DOMAIN.md section 12
  arrivalMidSource: ArrivalMidSource;
  arrivalQuoteAgeMs: number | null;
  /** Mid at the final event by the arrival-mid rule (Pn of the shortfall). */
  finalMid: Mid | null;
  executionCostBps: number | null;
  opportunityCostBps: number | null;
  implementationShortfallBps: number | null;
  /** Fill-quantity-weighted means of the fills' measures (null without a fill that has one). */
  meanEffectiveSpreadBps: number | null;
  meanPriceImprovementBps: number | null;
  meanMarkoutBps: (number | null)[];
  /** The fills (trade rows joined to the order) in trade-time order, with their measures: rows of the job's fill table. */
  fills: FillRange;
  /** Per fill horizon: filled within it, observed through it. */
  fillsWithin: FillWithin[];
}

/** Fill-quantity-weighted means of an order's fill measures over the non-null values, in one pass. */
function fillMeans({ table, start, count }: FillRange): { effectiveSpread: number | null; priceImprovement: number | null; markouts: (number | null)[] } {
  const horizons = table.horizons.length;
  const sum = new Float64Array(2 + horizons), weight = new Float64Array(2 + horizons);
  const add = (k: number, v: number, w: number): void => {
    if (v !== v || w <= 0) return; // NaN: a null measure
    sum[k] += v * w;
    weight[k] += w;
  };
  for (let row = start; row < start + count; row++) {
    const q = table.trades[row].quantity;
    add(0, table.effectiveSpreadBps[row], q);
    add(1, table.priceImprovementBps[row], q);
    for (let h = 0; h < horizons; h++) add(2 + h, table.markoutBps[h][row], q);
  }
  const mean = (k: number): number | null => (weight[k] > 0 ? sum[k] / weight[k] : null);
  return { effectiveSpread: mean(0), priceImprovement: mean(1), markouts: Array.from({ length: horizons }, (_, h) => mean(2 + h)) };
}

/**
 * Every measure of one order. Its fills are appended to `fills`, the job's fill table (a table of its own
 * when none is given), in trade-time order.
 */
export function measureOrder(
  states: OrderStates,
  trades: readonly TradeSide[],
  book: QuoteBook | null,
  settings: ClassificationSettings,
  fills: FillTable = new FillTable(settings.markoutHorizons, trades.length),
): OrderMeasures {
  const { arrival, postArrival, final } = states;
  const ex = execution(trades);
  let minPx: number | null = null, maxPx: number | null = null;
  for (const t of trades) {
    if (minPx === null || t.price < minPx) minPx = t.price;
    if (maxPx === null || t.price > maxPx) maxPx = t.price;
  }
  const price = vwap(ex.notional, ex.filledQty);
  const ratio = fillRatio(final.totalMatchedQuantity, final.quantity);
  const duration = elapsedSeconds(arrival.timestamp, ex.lastTradeTime);
  const arrivalQ = arrivalQuote(states, book);
  const mid = arrivalQ.mid;
  const finalMid = midAtEvent(final.nationalBid, final.nationalOffer, final.timestamp, book).mid;
  const byTime = trades.length > 1 ? [...trades].sort((x, y) => (x.tradeTime < y.tradeTime ? -1 : x.tradeTime > y.tradeTime ? 1 : 0)) : trades;
  const measured: FillRange = { table: fills, start: fills.length, count: byTime.length };
  for (let i = 0; i < byTime.length; i++) fills.append(arrival.side, byTime[i], book);
  const means = fillMeans(measured);
  const sf = shortfall(arrival.side, mid, final.quantity, ex.filledQty, ex.notional, finalMid);
  const sweep = isSweep(arrival.exchangeOrderType, settings.masks);
  return {
    orderId: arrival.orderId,
    security: arrival.security,
    date: sydneyDate(arrival.timestamp),
    participantId: arrival.participantId,
    side: arrival.side,
    isSweep: sweep,
    exchangeOrderType: arrival.exchangeOrderType,
    events: states.events,
    arrivalTime: arrival.timestamp,
    finalTime: final.timestamp,
    limitPrice: postArrival.price,
    arrivalQty: arrival.quantity,
    postArrivalLeaves: postArrival.leavesQuantity,
    finalQty: final.quantity,
    finalLeaves: final.leavesQuantity,
    finalMatched: final.totalMatchedQuantity,
    filledQty: ex.filledQty,
    numTrades: ex.numTrades,
    notional: ex.notional,
    minTradePrice: minPx,
    maxTradePrice: maxPx,
    firstTradeTime: ex.firstTradeTime,
    lastTradeTime: ex.lastTradeTime,
    vwap: price,
    fillRatio: ratio,
    timeToFirstFillS: elapsedSeconds(arrival.timestamp, ex.firstTradeTime),
    durationS: duration,
    arrivalMid: mid,
    arrivalCostBps: arrivalCostBps(arrival.side, price, mid),
    fillStatus: fillStatus(final.totalMatchedQuantity, final.leavesQuantity),
    scenario: sweep ? sweepScenario(ratio, duration, settings.scenario) : null,
    sizeBucket: sizeBucket(final.quantity, settings.sizeEdges),
    hour: sydneyHour(arrival.timestamp),
    filledQtyMismatch: filledQtyMismatch(ex.filledQty, final.totalMatchedQuantity),
    arrivalMidSource: arrivalQ.source,
    arrivalQuoteAgeMs: arrivalQ.ageMs,
    finalMid,
    ...sf,
    meanEffectiveSpreadBps: means.effectiveSpread,
    meanPriceImprovementBps: means.priceImprovement,
    meanMarkoutBps: means.markouts,
    fills: measured,
    fillsWithin: fillsWithin(arrival.timestamp, ex.firstTradeTime, final.timestamp, settings.fillHorizons),
  };
}
