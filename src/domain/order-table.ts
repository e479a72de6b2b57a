import { fillStatus, sizeBucket, sweepScenario, type FillStatus, type Scenario } from './classification';
import { eventMidInto, fillsWithinBits, fillsWithinOfBits, noEventMid, shortfallInto, type ArrivalMidSource, type FillWithin } from './execution-quality';
import { FillTable, orNull, type FillRange } from './fill-table';
import { arrivalCostBps, elapsedSeconds, execution, fillRatio, filledQtyMismatch, vwap } from './measures';
import type { ClassificationSettings, OrderMeasures } from './order-measures';
import { isSweep } from './order-type';
import type { OrderStates } from './order-states';
import type { QuoteBook } from './quotes';
import { sydneyDate, sydneyHour } from './sydney-time';
import type { Mid, Side, TradeSide } from './types';

const byTradeTime = (x: TradeSide, y: TradeSide): number => (x.tradeTime < y.tradeTime ? -1 : x.tradeTime > y.tradeTime ? 1 : 0);

/**
 * True when the trades are already in trade-time order, as a shard's trades (in input order) usually are:
 * a stable sort would give them back as they are, so they need not be copied and sorted.
 */
function inTradeTimeOrder(trades: readonly TradeSide[]): boolean {
  for (let i = 1; i < trades.length; i++) if (trades[i - 1].tradeTime > trades[i].tradeTime) return false;
  return true;
}

/**
 * A job's orders with every measure of DOMAIN.md sections 7, 8 and 12, column by column: numbers in typed
 * arrays (NaN where the measure is null), ids, times and texts as references to the values the events and
 * trades already hold. A job of 14k orders is a few dozen arrays instead of 14k objects of 50 fields, each
 * with its boxed numbers, mids and arrays; its table columns are those arrays. `OrderRow` reads one row as an
 * `OrderMeasures`; the rules themselves are the pure functions this calls.
 */
export class OrderTable {
  length = 0;
  /** The orders' fills, each order's rows together in trade-time order (`fillStart`, `fillCount`). */
  readonly fills: FillTable;
  readonly orderId: bigint[];
  readonly security: string[];
  /** Sydney date of the arrival. */
  readonly date: string[];
  readonly participantId: string[];
  readonly arrivalTime: bigint[];
  readonly finalTime: bigint[];
  /** Sum of price x quantity over the fills, exact. */
  readonly notional: bigint[];
  readonly firstTradeTime: (bigint | null)[];
  readonly lastTradeTime: (bigint | null)[];
  readonly fillStatus: FillStatus[];
  readonly scenario: (Scenario | null)[];
  readonly sizeBucket: string[];
  readonly arrivalMidSource: ArrivalMidSource[];
  /** 1 buy, 2 sell. */
  readonly side: Uint8Array;
  readonly isSweep: Uint8Array;
  readonly filledQtyMismatch: Uint8Array;
  /** Sydney hour of the arrival. */
  readonly hour: Int32Array;
  readonly fillStart: Int32Array;
  readonly fillCount: Int32Array;
  /** Bit h: filled within fill horizon h; observed through it. */
  readonly filledWithin: Int32Array;
  readonly observedWithin: Int32Array;
  // Safe integers: never null.
  readonly exchangeOrderType: Float64Array;
  readonly events: Float64Array;
  /** The limit after any immediate execution (price of the post-arrival state); 0 = no limit. */
  readonly limitPrice: Float64Array;
  readonly arrivalQty: Float64Array;
  readonly postArrivalLeaves: Float64Array;
  readonly finalQty: Float64Array;
  readonly finalLeaves: Float64Array;
  readonly finalMatched: Float64Array;
  readonly filledQty: Float64Array;
  readonly numTrades: Float64Array;
  readonly fillRatio: Float64Array;
  // NaN where null.
  readonly minTradePrice: Float64Array;
  readonly maxTradePrice: Float64Array;
  readonly vwap: Float64Array;
  readonly timeToFirstFillS: Float64Array;
  readonly durationS: Float64Array;
  /** Twice the arrival mid (exact). */
  readonly arrivalMidTwice: Float64Array;
  readonly arrivalCostBps: Float64Array;
  readonly arrivalQuoteAgeMs: Float64Array;
  /** Twice the mid at the final event by the arrival-mid rule (Pn of the shortfall). */
  readonly finalMidTwice: Float64Array;
  readonly executionCostBps: Float64Array;
  readonly opportunityCostBps: Float64Array;
  readonly implementationShortfallBps: Float64Array;
  readonly meanEffectiveSpreadBps: Float64Array;
  readonly meanPriceImprovementBps: Float64Array;
  /** Per markout horizon. */
  readonly meanMarkoutBps: Float64Array[];
  /** fillsWithinBits' answer for the order being appended. */
  private readonly withinBits = new Int32Array(2);
  /** The mids at an order's arrival and final events and its shortfall: reused order after order, so measuring one makes no objects. */
  private readonly atArrival = noEventMid();
  private readonly atFinal = noEventMid();
  private readonly shortfallScratch = new Float64Array(3);
  /** fillsWithinOf's flags, by filled bits, then observed bits. */
  private readonly withinFlags = new Map<number, Map<number, readonly Readonly<FillWithin>[]>>();
  /** Fill-mean scratch: sums and weights of effective spread, price improvement, then each markout. */
  private readonly sum: Float64Array;
  private readonly weight: Float64Array;

  /**
   * @param capacity the most orders it will hold (appending more is an error)
   * @param fillCapacity the most fills its orders have (their joined trades)
   */
  constructor(readonly settings: ClassificationSettings, readonly capacity: number, fillCapacity: number) {
    const n = Math.max(1, capacity);
    const f64 = (): Float64Array => new Float64Array(n), i32 = (): Int32Array => new Int32Array(n), u8 = (): Uint8Array => new Uint8Array(n);
    this.fills = new FillTable(settings.markoutHorizons, fillCapacity);
    // Sized once: pushing would grow each of these arrays by copying.
    const slots = <T>(): T[] => new Array<T>(capacity);
    this.orderId = slots(); this.security = slots(); this.date = slots(); this.participantId = slots();
    this.arrivalTime = slots(); this.finalTime = slots(); this.notional = slots(); this.firstTradeTime = slots(); this.lastTradeTime = slots();
    this.fillStatus = slots(); this.scenario = slots(); this.sizeBucket = slots(); this.arrivalMidSource = slots();
    this.side = u8(); this.isSweep = u8(); this.filledQtyMismatch = u8();
    this.hour = i32(); this.fillStart = i32(); this.fillCount = i32(); this.filledWithin = i32(); this.observedWithin = i32();
    this.exchangeOrderType = f64(); this.events = f64(); this.limitPrice = f64(); this.arrivalQty = f64(); this.postArrivalLeaves = f64();
    this.finalQty = f64(); this.finalLeaves = f64(); this.finalMatched = f64(); this.filledQty = f64(); this.numTrades = f64(); this.fillRatio = f64();
    this.minTradePrice = f64(); this.maxTradePrice = f64(); this.vwap = f64(); this.timeToFirstFillS = f64(); this.durationS = f64();
    this.arrivalMidTwice = f64(); this.arrivalCostBps = f64(); this.arrivalQuoteAgeMs = f64(); this.finalMidTwice = f64();
    this.executionCostBps = f64(); this.opportunityCostBps = f64(); this.implementationShortfallBps = f64();
    this.meanEffectiveSpreadBps = f64(); this.meanPriceImprovementBps = f64();
    this.meanMarkoutBps = settings.markoutHorizons.map(f64);
    if (settings.fillHorizons.length > 31) throw new Error(`at most 31 fill horizons, not ${settings.fillHorizons.length}`);
    this.sum = new Float64Array(2 + settings.markoutHorizons.length);
    this.weight = new Float64Array(2 + settings.markoutHorizons.length);
  }

  /**
   * The per-horizon flags of the bits `filled` and `observed` (bit h: horizon h), made once per pair and
   * frozen: a job's orders share a few pairs (filled within a horizon is filled within every longer one),
   * and the rollup reads them for every order, which need not make a fresh array of fresh objects each time.
   */
  fillsWithinOf(filled: number, observed: number): readonly Readonly<FillWithin>[] {
    let byObserved = this.withinFlags.get(filled);
    if (!byObserved) this.withinFlags.set(filled, (byObserved = new Map()));
    let flags = byObserved.get(observed);
    if (!flags) {
      flags = Object.freeze(fillsWithinOfBits(filled, observed, this.settings.fillHorizons.length).map((f) => Object.freeze(f)));
      byObserved.set(observed, flags);
    }
    return flags;
  }

  /** Measures one order (its three states, its joined trades) into the next row; returns the row. */
  append(states: OrderStates, trades: readonly TradeSide[], book: QuoteBook | null): number {
    const row = this.length;
    if (row >= this.capacity) throw new Error(`an order table for ${this.capacity} orders is full`);
    if (this.fills.length + trades.length > this.fills.capacity) throw new Error(`a fill table for ${this.fills.capacity} fills is full`);
    this.length++;
    const { arrival, postArrival, final } = states;
    const settings = this.settings;
    const ex = execution(trades);
    let minPx = NaN, maxPx = NaN;
    for (let i = 0; i < trades.length; i++) {
      const p = trades[i].price;
      if (!(p >= minPx)) minPx = p;
      if (!(p <= maxPx)) maxPx = p;
    }
    const price = vwap(ex.notional, ex.filledQty);
    const ratio = fillRatio(final.totalMatchedQuantity, final.quantity);
    const duration = elapsedSeconds(arrival.timestamp, ex.lastTradeTime);
    const arrivalQ = eventMidInto(this.atArrival, arrival.nationalBid, arrival.nationalOffer, arrival.timestamp, book);
    const finalMid = eventMidInto(this.atFinal, final.nationalBid, final.nationalOffer, final.timestamp, book);
    const sf = this.shortfallScratch;
    shortfallInto(sf, arrival.side, arrivalQ.twice, final.quantity, ex.filledQty, ex.notional, finalMid.twice);
    const sweep = isSweep(arrival.exchangeOrderType, settings.masks);
    this.orderId[row] = arrival.orderId;
    this.security[row] = arrival.security;
    this.date[row] = sydneyDate(arrival.timestamp);
    this.participantId[row] = arrival.participantId;
    this.arrivalTime[row] = arrival.timestamp;
    this.finalTime[row] = final.timestamp;
    this.notional[row] = ex.notional;
    this.firstTradeTime[row] = ex.firstTradeTime;
    this.lastTradeTime[row] = ex.lastTradeTime;
    this.fillStatus[row] = fillStatus(final.totalMatchedQuantity, final.leavesQuantity);
    this.scenario[row] = sweep ? sweepScenario(ratio, duration, settings.scenario) : null;
    this.sizeBucket[row] = sizeBucket(final.quantity, settings.sizeEdges);
    this.arrivalMidSource[row] = arrivalQ.source;
    this.side[row] = arrival.side;
    this.isSweep[row] = sweep ? 1 : 0;
    this.filledQtyMismatch[row] = filledQtyMismatch(ex.filledQty, final.totalMatchedQuantity) ? 1 : 0;
    this.hour[row] = sydneyHour(arrival.timestamp);
    this.exchangeOrderType[row] = arrival.exchangeOrderType;
    this.events[row] = states.events;
    this.limitPrice[row] = postArrival.price;
    this.arrivalQty[row] = arrival.quantity;
    this.postArrivalLeaves[row] = postArrival.leavesQuantity;
    this.finalQty[row] = final.quantity;
    this.finalLeaves[row] = final.leavesQuantity;
    this.finalMatched[row] = final.totalMatchedQuantity;
    this.filledQty[row] = ex.filledQty;
    this.numTrades[row] = ex.numTrades;
    this.fillRatio[row] = ratio;
    this.minTradePrice[row] = minPx;
    this.maxTradePrice[row] = maxPx;
    this.vwap[row] = nanOf(price);
    this.timeToFirstFillS[row] = nanOf(elapsedSeconds(arrival.timestamp, ex.firstTradeTime));
    this.durationS[row] = nanOf(duration);
    this.arrivalMidTwice[row] = arrivalQ.twice;
    this.arrivalCostBps[row] = price === null ? NaN : nanOf(arrivalCostBps(arrival.side, price, midOrNull(arrivalQ.twice)));
    this.arrivalQuoteAgeMs[row] = arrivalQ.ageMs;
    this.finalMidTwice[row] = finalMid.twice;
    this.executionCostBps[row] = sf[0];
    this.opportunityCostBps[row] = sf[1];
    this.implementationShortfallBps[row] = sf[2];
    const bits = this.withinBits;
    fillsWithinBits(arrival.timestamp, ex.firstTradeTime, final.timestamp, settings.fillHorizons, bits);
    this.filledWithin[row] = bits[0];
    this.observedWithin[row] = bits[1];
    this.appendFills(row, arrival.side, trades, book);
    return row;
  }

  /** The order's fills in trade-time order, and their fill-quantity-weighted means over the non-null values. */
  private appendFills(row: number, side: Side, trades: readonly TradeSide[], book: QuoteBook | null): void {
    const fills = this.fills, sum = this.sum, weight = this.weight, horizons = this.meanMarkoutBps.length;
    const byTime = inTradeTimeOrder(trades) ? trades : [...trades].sort(byTradeTime);
    this.fillStart[row] = fills.length;
    this.fillCount[row] = byTime.length;
    sum.fill(0);
    weight.fill(0);
    for (let i = 0; i < byTime.length; i++) {
      const f = fills.append(side, byTime[i], book), q = byTime[i].quantity;
      addWeighted(sum, weight, 0, fills.effectiveSpreadBps[f], q);
      addWeighted(sum, weight, 1, fills.priceImprovementBps[f], q);
      for (let h = 0; h < horizons; h++) addWeighted(sum, weight, 2 + h, fills.markoutBps[h][f], q);
    }
    this.meanEffectiveSpreadBps[row] = weightedMean(sum, weight, 0);
    this.meanPriceImprovementBps[row] = weightedMean(sum, weight, 1);
    for (let h = 0; h < horizons; h++) this.meanMarkoutBps[h][row] = weightedMean(sum, weight, 2 + h);
  }
}

/**
 * Adds value v with weight w to mean k (nothing for a NaN, a null measure, or no weight). Module functions,
 * not closures made for every order.
 */
function addWeighted(sum: Float64Array, weight: Float64Array, k: number, v: number, w: number): void {
  if (v !== v || w <= 0) return;
  sum[k] += v * w;
  weight[k] += w;
}

/** Mean k, NaN (null) without weight. */
function weightedMean(sum: Float64Array, weight: Float64Array, k: number): number {
  return weight[k] > 0 ? sum[k] / weight[k] : NaN;
}

function nanOf(v: number | null): number {
  return v === null ? NaN : v;
}

const midOrNull = (twice: number): Mid | null => (twice !== twice ? null : { twice });

/**
 * One row of an order table as an `OrderMeasures`, read on demand: `at(row)` moves it, so one cursor serves
 * a whole table without an object per order. `plainOrder` copies a row into a plain object.
 */
export class OrderRow implements OrderMeasures {
  row = 0;
  constructor(readonly table: OrderTable) {}

  at(row: number): this {
    this.row = row;
    return this;
  }

  get orderId(): bigint { return this.table.orderId[this.row]; }
  get security(): string { return this.table.security[this.row]; }
  get date(): string { return this.table.date[this.row]; }
  get participantId(): string { return this.table.participantId[this.row]; }
  get side(): Side { return this.table.side[this.row] as Side; }
  get isSweep(): boolean { return this.table.isSweep[this.row] === 1; }
  get exchangeOrderType(): number { return this.table.exchangeOrderType[this.row]; }
  get events(): number { return this.table.events[this.row]; }
  get arrivalTime(): bigint { return this.table.arrivalTime[this.row]; }
  get finalTime(): bigint { return this.table.finalTime[this.row]; }
  get limitPrice(): number { return this.table.limitPrice[this.row]; }
  get arrivalQty(): number { return this.table.arrivalQty[this.row]; }
  get postArrivalLeaves(): number { return this.table.postArrivalLeaves[this.row]; }
  get finalQty(): number { return this.table.finalQty[this.row]; }
  get finalLeaves(): number { return this.table.finalLeaves[this.row]; }
  get finalMatched(): number { return this.table.finalMatched[this.row]; }
  get filledQty(): number { return this.table.filledQty[this.row]; }
  get numTrades(): number { return this.table.numTrades[this.row]; }
  get notional(): bigint { return this.table.notional[this.row]; }
  get minTradePrice(): number | null { return orNull(this.table.minTradePrice, this.row); }
  get maxTradePrice(): number | null { return orNull(this.table.maxTradePrice, this.row); }
  get firstTradeTime(): bigint | null { return this.table.firstTradeTime[this.row]; }
  get lastTradeTime(): bigint | null { return this.table.lastTradeTime[this.row]; }
  get vwap(): number | null { return orNull(this.table.vwap, this.row); }
  get fillRatio(): number { return this.table.fillRatio[this.row]; }
  get timeToFirstFillS(): number | null { return orNull(this.table.timeToFirstFillS, this.row); }
  get durationS(): number | null { return orNull(this.table.durationS, this.row); }
  get arrivalMid(): Mid | null { return midOrNull(this.table.arrivalMidTwice[this.row]); }
  get arrivalCostBps(): number | null { return orNull(this.table.arrivalCostBps, this.row); }
  get fillStatus(): FillStatus { return this.table.fillStatus[this.row]; }
  get scenario(): Scenario | null { return this.table.scenario[this.row]; }
  get sizeBucket(): string { return this.table.sizeBucket[this.row]; }
  get hour(): number { return this.table.hour[this.row]; }
  get filledQtyMismatch(): boolean { return this.table.filledQtyMismatch[this.row] === 1; }
  get arrivalMidSource(): ArrivalMidSource { return this.table.arrivalMidSource[this.row]; }
  get arrivalQuoteAgeMs(): number | null { return orNull(this.table.arrivalQuoteAgeMs, this.row); }
  get finalMid(): Mid | null { return midOrNull(this.table.finalMidTwice[this.row]); }
  get executionCostBps(): number | null { return orNull(this.table.executionCostBps, this.row); }
  get opportunityCostBps(): number | null { return orNull(this.table.opportunityCostBps, this.row); }
  get implementationShortfallBps(): number | null { return orNull(this.table.implementationShortfallBps, this.row); }
  get meanEffectiveSpreadBps(): number | null { return orNull(this.table.meanEffectiveSpreadBps, this.row); }
  get meanPriceImprovementBps(): number | null { return orNull(this.table.meanPriceImprovementBps, this.row); }
  get meanMarkoutBps(): (number | null)[] { return this.table.meanMarkoutBps.map((c) => orNull(c, this.row)); }
  get fills(): FillRange { return { table: this.table.fills, start: this.table.fillStart[this.row], count: this.table.fillCount[this.row] }; }
  get fillsWithin(): readonly Readonly<FillWithin>[] {
    return this.table.fillsWithinOf(this.table.filledWithin[this.row], this.table.observedWithin[this.row]);
  }
}

const ROW_FIELDS = Object.entries(Object.getOwnPropertyDescriptors(OrderRow.prototype)).filter(([, d]) => d.get).map(([k]) => k);

/** A row as a plain object (every getter of `OrderRow` read once): what `measureOrder` gives. */
export function plainOrder(row: OrderRow): OrderMeasures {
  return Object.fromEntries(ROW_FIELDS.map((k) => [k, row[k as keyof OrderRow]])) as unknown as OrderMeasures;
}
