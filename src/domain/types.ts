/**
 * The domain's records. 64-bit identifiers and nanosecond timestamps are BigInt (they exceed 2^53);
 * prices and quantities are integers in feed units and fit a JS number exactly.
 */

export type Side = 1 | 2; // 1 = buy, 2 = sell

/** One row of the order event log, one state change of one order. */
export interface OrderEvent {
  orderId: bigint;
  timestamp: bigint;
  /** Feed sequence; null when the feed has no sequence column (the file order breaks ties then). */
  sequence: bigint | null;
  /** Position of the row in the input (file index, then line), the tie-breaker of last resort. */
  fileOrder: number;
  security: string;
  side: Side;
  price: number;
  quantity: number;
  leavesQuantity: number;
  totalMatchedQuantity: number;
  exchangeOrderType: number;
  participantId: string;
  /** Quotes carried on the event: null when absent or "no quote" (INT64_MIN, 0 or negative). */
  nationalBid: number | null;
  nationalOffer: number | null;
  /** Raw time validity; "0" means fill-and-kill. Null when the column is absent. */
  timeValidity: string | null;
}

/** One side of an execution. */
export interface TradeSide {
  orderId: bigint;
  tradeTime: bigint;
  security: string;
  price: number;
  quantity: number;
  side: Side;
  matchGroupId: bigint | null;
  /** The trade row's participant ('' when the feed has none): the Centre Point share's participant level. */
  participantId: string;
  /** The trade's deal source as the feed gives it ('' when absent). */
  dealSource: string;
}

/** One NBBO quote from the quotes file. */
export interface Quote {
  timestamp: bigint;
  security: string;
  bid: number | null;
  offer: number | null;
}

/** A mid-point kept exact: twice the mid as an integer, so 3335.5 is stored as 6671. */
export interface Mid {
  twice: number;
}
