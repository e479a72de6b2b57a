import type { FillStatus, Scenario } from './classification';
import type { OrderMeasures } from './order-measures';
import {
  emptyRollup, FILL_MEANS, fillCount, groupKeys, HORIZON_MEANS, horizonMean, LEVELS, maxOf, minOf, securityDateKey, SHORTFALL_MEANS, sumNames,
  tradeGroupKeys, weightOf, type CandidateOutcome, type Level, type Rollup, type RollupShape,
} from './rollups';
import { SAFE } from './exact-sum';
import type { FillTable } from './fill-table';

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * The fill table's column of each fill mean, and its columns (one per horizon) of each horizon family: the
 * rollup's sums of a fill measure and the column it reads are both listed in FILL_MEANS, HORIZON_MEANS order.
 */
const FILL_COLUMN: Record<(typeof FILL_MEANS)[number], (t: FillTable) => Float64Array> = {
  effective_spread_bps: (t) => t.effectiveSpreadBps,
  price_improvement_bps: (t) => t.priceImprovementBps,
};
const HORIZON_COLUMNS: Record<(typeof HORIZON_MEANS)[number], (t: FillTable) => readonly Float64Array[]> = {
  markout: (t) => t.markoutBps,
  realized_spread: (t) => t.realizedSpreadBps,
  price_impact: (t) => t.priceImpactBps,
};

/** Basis points x weight in 1e-6 units, rounded: the fixed-point form the rollups sum exactly. */
function micro(x: number): number {
  return Math.round(x * 1e6);
}

/**
 * The exact sums of one group while a job adds to it: a Float64Array of safe integers (an addition of two
 * safe integers whose true sum is safe is exact in a double), spilling a sum to BigInt once it would leave
 * the safe range.
 */
interface Building {
  small: Float64Array;
  big: bigint[] | null;
  participants: Set<string>;
  securities: Set<string>;
  minPrice: number | null;
  maxPrice: number | null;
}

/**
 * Adds the integer x to sum i of b, exactly: as a number while x and the sum are safe integers (an addition
 * of two safe integers whose true sum is safe is exact in a double), else into the sum's BigInt part.
 */
function addSum(b: Building, i: number, x: number): void {
  const t = b.small[i] + x;
  if (t <= MAX && t >= -MAX && x <= MAX && x >= -MAX) b.small[i] = t;
  else {
    bigOf(b)[i] += BigInt(b.small[i]) + BigInt(x);
    b.small[i] = 0;
  }
}

/** addSum of an exact BigInt. */
function addBigSum(b: Building, i: number, x: bigint): void {
  if (x <= SAFE && x >= -SAFE) addSum(b, i, Number(x));
  else bigOf(b)[i] += x;
}

/** Adds value x weight (fixed point) and the weight to a mean's two sums; nothing for a null (or NaN, a typed column's null) or no weight. */
function addWeighted(b: Building, mean: readonly [number, number], value: number | null, w: number): void {
  if (value !== null) addWeightedAt(b, mean[0], mean[1], value, w);
}

/** addWeighted of a mean given by its two sum indexes. */
function addWeightedAt(b: Building, sum: number, weight: number, value: number, w: number): void {
  if (value !== value || w <= 0) return;
  addSum(b, sum, micro(value * w));
  addSum(b, weight, w);
}

function bigOf(b: Building): bigint[] {
  return (b.big ??= new Array<bigint>(b.small.length).fill(0n));
}

/** Adds the sums of b into a (b unchanged). */
function addBuilding(a: Building, b: Building): void {
  const v = b.small;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) addSum(a, i, v[i]);
  if (b.big) {
    const big = bigOf(a);
    for (let i = 0; i < b.big.length; i++) big[i] += b.big[i];
  }
}

/** Adds a cell's sums, participant, security and price extremes to `acc`. */
function addCell(acc: Building, cell: { sums: Building; participantId: string; security: string }): void {
  addBuilding(acc, cell.sums);
  acc.participants.add(cell.participantId);
  acc.securities.add(cell.security);
  // A cell's own sets are empty; a family's sum of cells holds theirs.
  if (cell.sums.participants.size > 0) for (const p of cell.sums.participants) acc.participants.add(p);
  if (cell.sums.securities.size > 0) for (const s of cell.sums.securities) acc.securities.add(s);
  acc.minPrice = minOf(acc.minPrice, cell.sums.minPrice);
  acc.maxPrice = maxOf(acc.maxPrice, cell.sums.maxPrice);
}

/** Orders alike in every attribute a level groups by, and their sums (a cell's own sets are not used). */
interface Cell {
  keys: Record<Level, string | null>;
  /** Per family of LEVEL_FAMILIES, the key the family sums its cells by (familyKeysOf). */
  familyKeys: string[];
  participantId: string;
  security: string;
  sums: Building;
}

/**
 * Levels whose groups one key decides: a cell's security_date key (security|date) gives its key at each of
 * the first five levels, its hourly_series key (date and hour) its key at both of the last two (groupKeys
 * in rollups.ts). So a job's 2,400 cells fall in one and about seven such groups; `build` sums the cells of
 * each and adds that sum to every level of the family: 7 additions per cell instead of 12, and each level's
 * groups get exactly the cells they would one by one.
 */
const LEVEL_FAMILIES: readonly { by: Level; levels: readonly Level[] }[] = [
  { by: 'security_date', levels: ['global', 'security', 'date', 'security_date', 'daily_series'] },
  { by: 'hourly_series', levels: ['hour', 'hourly_series'] },
];
const SINGLE_LEVELS: readonly Level[] = LEVELS.filter((l) => !LEVEL_FAMILIES.some((f) => f.levels.includes(l)));

/** Per family, the key its cells are summed by: its `by` key, or all its keys as one text where that is null. */
function familyKeysOf(keys: Record<Level, string | null>): string[] {
  return LEVEL_FAMILIES.map((f) => keys[f.by] ?? JSON.stringify(f.levels.map((l) => keys[l])));
}

const STATUS_CODE: Record<FillStatus, number> = { FILLED: 0, PARTIAL: 1, UNFILLED: 2 };
const SCENARIO_CODE: Record<Scenario, number> = { A_IMMEDIATE_FULL: 0, B_EVENTUAL_FULL: 1, C_PARTIAL_NONE: 2 };

/** Indexes of the named sums, resolved once per builder. */
function indexes(shape: RollupShape) {
  const names = sumNames(shape);
  const at = new Map(names.map((n, i) => [n, i]));
  const i = (n: string): number => at.get(n)!;
  const mean = (n: string): [number, number] => [i(n), i(weightOf(n))];
  return {
    names,
    orders: i('orders'), sweeps: i('sweeps'), totalQty: i('total_qty'), sumQtySq: i('sum_qty_sq'), filledQty: i('filled_qty'),
    notional: i('notional'), status: { FILLED: i('filled'), PARTIAL: i('partial'), UNFILLED: i('unfilled') },
    simCandidates: i('sim_candidates'), residualQty: i('residual_qty'), simFilledQty: i('sim_filled_qty'),
    fills: i('fills'), outside: i('outside_nbbo_fills'),
    arrivalCost: mean('arrival_cost_bps'), simImprovement: mean('sim_price_improvement_bps'),
    /** The sum and weight index of each fill measure, in `fillMeasureColumns` order, as flat pairs. */
    fillSums: Int32Array.from([...FILL_MEANS.map(mean), ...HORIZON_MEANS.flatMap((f) => shape.markouts.map((h) => mean(horizonMean(f, h.label))))].flat()),
    shortfall: SHORTFALL_MEANS.map(mean),
    fillCounts: (['all', 'sweep'] as const).map((g) => shape.fills.map((h) => [i(fillCount(g, 'filled', h.label)), i(fillCount(g, 'observed', h.label))])),
    cpTradeQty: i('cp_trade_qty'), allTradeQty: i('all_trade_qty'),
  };
}

/**
 * DOMAIN.md sections 10 and 12 for one job: orders (with their simulation outcomes and fills) and the
 * partition's trade rows are added to every level they fall in, then `build` gives the job's partial rollup
 * (exact integers, mergeable). Fill measures roll up by their order's attributes.
 */
export class RollupBuilder {
  private readonly levels = Object.fromEntries(LEVELS.map((l) => [l, new Map<string, Building>()])) as Record<Level, Map<string, Building>>;
  private readonly ix: ReturnType<typeof indexes>;
  /** Cells by partition (security|date), participant, and the code of the other attributes. */
  private readonly cells = new Map<string, Map<string, Map<number, Cell>>>();
  private readonly oddCells = new Map<string, Cell>();
  private readonly cellOrder: Cell[] = [];
  private readonly sizeBuckets = new Map<string, number>();
  /** The fill table `columns` was made for, and its fill measures in `fillSums` order. */
  private columnsOf: FillTable | null = null;
  private columns: Float64Array[] = [];

  constructor(shape: RollupShape) {
    this.ix = indexes(shape);
  }

  /** A fill table's measure columns in `fillSums` order, made once per table (a job's orders share one). */
  private fillMeasureColumns(t: FillTable): Float64Array[] {
    if (t !== this.columnsOf) {
      this.columnsOf = t;
      this.columns = [...FILL_MEANS.map((f) => FILL_COLUMN[f](t)), ...HORIZON_MEANS.flatMap((f) => HORIZON_COLUMNS[f](t))];
      if (2 * this.columns.length !== this.ix.fillSums.length) {
        throw new Error(`a fill table with ${t.horizons.length} markout horizons, a rollup with ${(this.ix.fillSums.length / 2 - FILL_MEANS.length) / HORIZON_MEANS.length}`);
      }
    }
    return this.columns;
  }

  /**
   * Adds one order (and its simulation outcome, if it was a candidate) to its cell, whose sums `build` adds
   * to every level the order belongs to. Every addition is exact, so adding straight to the cell gives the
   * sums that adding the order's own first would.
   */
  add(o: OrderMeasures, cand?: CandidateOutcome): void {
    const ix = this.ix;
    const cell = this.cellOf(o);
    const b = cell.sums;
    const q = o.finalQty;
    addSum(b, ix.orders, 1);
    if (o.isSweep) addSum(b, ix.sweeps, 1);
    addSum(b, ix.totalQty, q);
    const sq = q * q;
    if (Number.isSafeInteger(sq)) addSum(b, ix.sumQtySq, sq);
    else addBigSum(b, ix.sumQtySq, BigInt(q) * BigInt(q));
    addSum(b, ix.filledQty, o.filledQty);
    addBigSum(b, ix.notional, o.notional);
    addSum(b, ix.status[o.fillStatus], 1);
    if (o.filledQty > 0) addWeighted(b, ix.arrivalCost, o.arrivalCostBps, o.filledQty);
    if (cand) {
      addSum(b, ix.simCandidates, 1);
      addSum(b, ix.residualQty, cand.residualQty);
      addSum(b, ix.simFilledQty, cand.simFilledQty);
      addWeighted(b, ix.simImprovement, cand.priceImprovementBps, cand.simFilledQty);
    }
    const { table: t, start, count } = o.fills;
    addSum(b, ix.fills, count);
    const columns = this.fillMeasureColumns(t), sums = ix.fillSums;
    for (let row = start; row < start + count; row++) {
      const fq = t.quantity[row];
      if (t.insideNbbo[row] === 0) addSum(b, ix.outside, 1);
      for (let m = 0; m < columns.length; m++) addWeightedAt(b, sums[2 * m], sums[2 * m + 1], columns[m][row], fq);
    }
    addWeighted(b, ix.shortfall[0], o.executionCostBps, q);
    addWeighted(b, ix.shortfall[1], o.opportunityCostBps, q);
    addWeighted(b, ix.shortfall[2], o.implementationShortfallBps, q);
    const within = o.fillsWithin;
    for (let g = 0; g < (o.isSweep ? 2 : 1); g++) {
      const counts = ix.fillCounts[g];
      for (let h = 0; h < within.length; h++) {
        const w = within[h];
        if (w.filled) addSum(b, counts[h][0], 1);
        if (w.observed) addSum(b, counts[h][1], 1);
      }
    }
    b.minPrice = minOf(b.minPrice, o.minTradePrice);
    b.maxPrice = maxOf(b.maxPrice, o.maxTradePrice);
  }

  /**
   * The cell of an order: the orders alike in every attribute a level groups by (partition, participant,
   * hour, size bucket, fill status, scenario, sweep or not). An order is added to its cell only; `build`
   * adds each cell to its group of every level. A job's 14k orders fall in about 2,400 cells, so the sums
   * are added to levels 12 times per cell instead of 12 times per order.
   */
  private cellOf(o: Pick<OrderMeasures, 'security' | 'date' | 'participantId' | 'hour' | 'sizeBucket' | 'fillStatus' | 'scenario' | 'isSweep'>): Cell {
    const partition = securityDateKey(o.security, o.date);
    let byParticipant = this.cells.get(partition);
    if (!byParticipant) this.cells.set(partition, (byParticipant = new Map()));
    let byRest = byParticipant.get(o.participantId);
    if (!byRest) byParticipant.set(o.participantId, (byRest = new Map()));
    let bucket = this.sizeBuckets.get(o.sizeBucket);
    if (bucket === undefined) this.sizeBuckets.set(o.sizeBucket, (bucket = this.sizeBuckets.size));
    // Mixed radix, each digit below its radix: the hour (0-23), the bucket, status, scenario, sweep.
    if (!(Number.isInteger(o.hour) && o.hour >= 0 && o.hour < 24 && bucket < 65_536)) return this.keyedCell(o);
    const code = (((o.hour * 65_536 + bucket) * 4 + STATUS_CODE[o.fillStatus]) * 4 + (o.scenario === null ? 3 : SCENARIO_CODE[o.scenario])) * 2 + (o.isSweep ? 1 : 0);
    let cell = byRest.get(code);
    if (!cell) {
      const keys = groupKeys(o);
      cell = { keys, familyKeys: familyKeysOf(keys), participantId: o.participantId, security: o.security, sums: this.building() };
      byRest.set(code, cell);
      this.cellOrder.push(cell);
    }
    return cell;
  }

  /** Cells of orders the code cannot hold (an hour outside 0-23, more than 65,536 size buckets), by their keys. */
  private keyedCell(o: Parameters<typeof groupKeys>[0]): Cell {
    const keys = groupKeys(o);
    const id = LEVELS.map((l) => keys[l]).join('\u0000');
    let cell = this.oddCells.get(id);
    if (!cell) {
      this.oddCells.set(id, (cell = { keys, familyKeys: familyKeysOf(keys), participantId: o.participantId, security: o.security, sums: this.building() }));
      this.cellOrder.push(cell);
    }
    return cell;
  }

  /**
   * Adds every cell to its group of each level (through its families' sums, LEVEL_FAMILIES), in the order
   * the cells were made, so groups keep the order of their first order.
   */
  private flushCells(): void {
    // Per family, the cells alike at its levels summed together, in the order of their first cell.
    const families = LEVEL_FAMILIES.map(() => new Map<string, Cell>());
    for (const cell of this.cellOrder) {
      for (let f = 0; f < families.length; f++) {
        let alike = families[f].get(cell.familyKeys[f]);
        if (!alike) families[f].set(cell.familyKeys[f], (alike = { ...cell, sums: this.building() }));
        addCell(alike.sums, cell);
      }
      for (let l = 0; l < SINGLE_LEVELS.length; l++) this.addToLevel(SINGLE_LEVELS[l], cell);
    }
    for (let f = 0; f < families.length; f++) {
      for (const alike of families[f].values()) for (const level of LEVEL_FAMILIES[f].levels) this.addToLevel(level, alike);
    }
    this.cells.clear();
    this.oddCells.clear();
    this.cellOrder.length = 0;
  }

  /** Adds a cell (or the cells alike in a family, summed) to its group of `level`, if it has one there. */
  private addToLevel(level: Level, cell: Cell): void {
    const key = cell.keys[level];
    if (key !== null) addCell(this.group(level, key), cell);
  }

  /**
   * Adds trade rows of the partition to the Centre Point share, grouped by their partition, their own
   * participant and the Sydney hour of their trade time: their quantity (`all_trade_qty`) and the part of it
   * joined to Centre Point orders (`cp_trade_qty`). Rows of one (participant, hour) may come summed.
   */
  addTrades(security: string, date: string, participantId: string, hour: number, quantity: number, centrePointQuantity: number): void {
    const ix = this.ix;
    const keys = tradeGroupKeys(security, date, participantId, hour);
    for (const level of LEVELS) {
      const key = keys[level];
      if (key === null) continue;
      const group = this.group(level, key);
      addSum(group, ix.allTradeQty, quantity);
      addSum(group, ix.cpTradeQty, centrePointQuantity);
    }
  }

  private group(level: Level, key: string): Building {
    const groups = this.levels[level];
    let acc = groups.get(key);
    if (!acc) groups.set(key, (acc = this.building()));
    return acc;
  }

  private building(): Building {
    return { small: new Float64Array(this.ix.names.length), big: null, participants: new Set(), securities: new Set(), minPrice: null, maxPrice: null };
  }

  build(): Rollup {
    this.flushCells();
    const r = emptyRollup();
    const names = this.ix.names;
    for (const level of LEVELS) {
      for (const [key, b] of this.levels[level]) {
        const sums: Record<string, bigint> = {};
        for (let i = 0; i < names.length; i++) {
          const v = BigInt(b.small[i]) + (b.big ? b.big[i] : 0n);
          if (v !== 0n) sums[names[i]] = v;
        }
        r[level].set(key, { sums, participants: b.participants, securities: b.securities, minPrice: b.minPrice, maxPrice: b.maxPrice });
      }
    }
    return r;
  }
}
