import type { FillStatus, Scenario, ScenarioThresholds } from './classification';
import type { ArrivalMidSource, FillWithin, Horizon } from './execution-quality';
import type { FillRange } from './fill-table';
import type { OrderTypeMasks } from './order-type';
import type { OrderStates } from './order-states';
import type { QuoteBook } from './quotes';
import { OrderRow, OrderTable, plainOrder } from './order-table';
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
  /** Per fill horizon: filled within it, observed through it (an order table's rows share equal ones, frozen). */
  fillsWithin: readonly Readonly<FillWithin>[];
}

/**
 * Every measure of one order, as a plain object (a job measures its orders into an `OrderTable` instead).
 * Its fills are the rows of a fill table of its own.
 */
export function measureOrder(states: OrderStates, trades: readonly TradeSide[], book: QuoteBook | null, settings: ClassificationSettings): OrderMeasures {
  const table = new OrderTable(settings, 1, trades.length);
  return plainOrder(new OrderRow(table).at(table.append(states, trades, book)));
}
