import type { FillStatus } from './classification';
import type { OrderMeasures } from './order-measures';
import { emptyRollup, groupKeys, LEVELS, maxOf, minOf, type Accumulator, type CandidateOutcome, type Level, type Rollup } from './rollups';

/**
 * An exact integer sum held as a plain number while every partial sum is a safe integer, and as a BigInt
 * beyond: a job adds about ten values per order to each of eleven levels, and a BigInt addition allocates.
 * A true sum past 2^53 always rounds to an unsafe double, so the check never lets an inexact sum through.
 */
export class ExactSum {
  private small = 0;
  private big = 0n;

  add(x: number): void {
    const s = this.small + x;
    if (Number.isSafeInteger(s) && Number.isSafeInteger(x)) this.small = s;
    else {
      this.big += BigInt(this.small) + BigInt(x);
      this.small = 0;
    }
  }

  addBig(x: bigint): void {
    if (x <= SAFE && x >= -SAFE) this.add(Number(x));
    else this.big += x;
  }

  value(): bigint {
    return this.big + BigInt(this.small);
  }
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An accumulator while a job's orders are added: counts as numbers, sums as ExactSums. */
interface Building {
  orders: number;
  sweeps: number;
  participants: Set<string>;
  securities: Set<string>;
  byStatus: Record<FillStatus, number>;
  minPrice: number | null;
  maxPrice: number | null;
  simCandidates: number;
  totalQty: ExactSum;
  sumQtySq: ExactSum;
  filledQty: ExactSum;
  notional: ExactSum;
  costMicro: ExactSum;
  costWeight: ExactSum;
  residualQty: ExactSum;
  simFilledQty: ExactSum;
  improvementMicro: ExactSum;
  improvementWeight: ExactSum;
}

function building(): Building {
  return {
    orders: 0, sweeps: 0, participants: new Set(), securities: new Set(), byStatus: { FILLED: 0, PARTIAL: 0, UNFILLED: 0 },
    minPrice: null, maxPrice: null, simCandidates: 0, totalQty: new ExactSum(), sumQtySq: new ExactSum(),
    filledQty: new ExactSum(), notional: new ExactSum(), costMicro: new ExactSum(), costWeight: new ExactSum(),
    residualQty: new ExactSum(), simFilledQty: new ExactSum(), improvementMicro: new ExactSum(), improvementWeight: new ExactSum(),
  };
}

/** Basis points x quantity in 1e-6 units, rounded: the fixed-point form the rollups sum exactly. */
function micro(x: number): number {
  return Math.round(x * 1e6);
}

function addOrder(acc: Building, o: OrderMeasures, c: CandidateOutcome | undefined): void {
  acc.orders += 1;
  if (o.isSweep) acc.sweeps += 1;
  acc.participants.add(o.participantId);
  acc.securities.add(o.security);
  const q = o.finalQty;
  acc.totalQty.add(q);
  const sq = q * q;
  if (Number.isSafeInteger(sq)) acc.sumQtySq.add(sq);
  else acc.sumQtySq.addBig(BigInt(q) * BigInt(q));
  acc.filledQty.add(o.filledQty);
  acc.notional.addBig(o.notional);
  acc.byStatus[o.fillStatus] += 1;
  acc.minPrice = minOf(acc.minPrice, o.minTradePrice);
  acc.maxPrice = maxOf(acc.maxPrice, o.maxTradePrice);
  if (o.arrivalCostBps !== null && o.filledQty > 0) {
    acc.costMicro.add(micro(o.arrivalCostBps * o.filledQty));
    acc.costWeight.add(o.filledQty);
  }
  if (c) {
    acc.simCandidates += 1;
    acc.residualQty.add(c.residualQty);
    acc.simFilledQty.add(c.simFilledQty);
    if (c.priceImprovementBps !== null && c.simFilledQty > 0) {
      acc.improvementMicro.add(micro(c.priceImprovementBps * c.simFilledQty));
      acc.improvementWeight.add(c.simFilledQty);
    }
  }
}

function accumulator(b: Building): Accumulator {
  return {
    orders: b.orders, sweeps: b.sweeps, participants: b.participants, securities: b.securities,
    byStatus: b.byStatus, minPrice: b.minPrice, maxPrice: b.maxPrice, simCandidates: b.simCandidates,
    totalQty: b.totalQty.value(), sumQtySq: b.sumQtySq.value(), filledQty: b.filledQty.value(), notional: b.notional.value(),
    costMicro: b.costMicro.value(), costWeight: b.costWeight.value(), residualQty: b.residualQty.value(),
    simFilledQty: b.simFilledQty.value(), improvementMicro: b.improvementMicro.value(), improvementWeight: b.improvementWeight.value(),
  };
}

/**
 * DOMAIN.md section 10 for one job: orders (with their simulation outcomes) are added to every level they
 * fall in, then `build` gives the job's partial rollup (exact integers, mergeable).
 */
export class RollupBuilder {
  private readonly levels = Object.fromEntries(LEVELS.map((l) => [l, new Map<string, Building>()])) as Record<Level, Map<string, Building>>;

  /** Adds one order (and its simulation outcome, if it was a candidate) to every level it belongs to. */
  add(o: OrderMeasures, c?: CandidateOutcome): void {
    const keys = groupKeys(o);
    for (const level of LEVELS) {
      const key = keys[level];
      if (key === null) continue;
      const groups = this.levels[level];
      let acc = groups.get(key);
      if (!acc) groups.set(key, (acc = building()));
      addOrder(acc, o, c);
    }
  }

  build(): Rollup {
    const r = emptyRollup();
    for (const level of LEVELS) for (const [key, b] of this.levels[level]) r[level].set(key, accumulator(b));
    return r;
  }
}
