import { FILL_STATUSES, type FillStatus } from './classification';
import type { OrderMeasures } from './order-measures';

/**
 * DOMAIN.md section 10. Every measure is held as exact integers (BigInt sums, fixed-point micro-units for
 * the weighted basis-point means) or sets, so merging is associative and commutative bit for bit: float
 * sums would depend on the order of addition.
 */
export interface Accumulator {
  orders: number;
  sweeps: number;
  participants: Set<string>;
  securities: Set<string>;
  totalQty: bigint;
  sumQtySq: bigint;
  filledQty: bigint;
  notional: bigint;
  byStatus: Record<FillStatus, number>;
  minPrice: number | null;
  maxPrice: number | null;
  /** Sum of arrival cost (bps) x filled quantity, in 1e-6 units, and its weight. */
  costMicro: bigint;
  costWeight: bigint;
  simCandidates: number;
  residualQty: bigint;
  simFilledQty: bigint;
  /** Sum of price improvement (bps) x simulated filled quantity, in 1e-6 units, and its weight. */
  improvementMicro: bigint;
  improvementWeight: bigint;
}

export const LEVELS = [
  'global', 'security', 'date', 'security_date', 'participant', 'hour', 'size_bucket', 'fill_status',
  'scenario', 'hourly_series', 'daily_series',
] as const;
export type Level = (typeof LEVELS)[number];

/** Level -> group key -> accumulator. */
export type Rollup = Record<Level, Map<string, Accumulator>>;

export function emptyAccumulator(): Accumulator {
  return {
    orders: 0, sweeps: 0, participants: new Set(), securities: new Set(), totalQty: 0n, sumQtySq: 0n,
    filledQty: 0n, notional: 0n, byStatus: { FILLED: 0, PARTIAL: 0, UNFILLED: 0 }, minPrice: null,
    maxPrice: null, costMicro: 0n, costWeight: 0n, simCandidates: 0, residualQty: 0n, simFilledQty: 0n,
    improvementMicro: 0n, improvementWeight: 0n,
  };
}

export function emptyRollup(): Rollup {
  return Object.fromEntries(LEVELS.map((l) => [l, new Map()])) as Rollup;
}

/** A simulation outcome for one sweep candidate, as the rollups need it. */
export interface CandidateOutcome {
  residualQty: number;
  simFilledQty: number;
  priceImprovementBps: number | null;
}

export function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}
export function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

const HOURS = Array.from({ length: 24 }, (_, h) => (h < 10 ? `0${h}` : String(h)));
// Composite keys are built once per (security, date) and (date, hour), not per order: a fresh concatenated
// string per order had to be flattened and hashed again by every Map look-up.
const securityDateKeys = new Map<string, Map<string, string>>();
const hourlyKeys = new Map<string, string[]>();

const KEY_CACHE_LIMIT = 4096; // a long-lived worker sees many dates: start over rather than grow

function securityDateKey(security: string, date: string): string {
  if (securityDateKeys.size > KEY_CACHE_LIMIT) securityDateKeys.clear();
  let byDate = securityDateKeys.get(security);
  if (!byDate) securityDateKeys.set(security, (byDate = new Map()));
  if (byDate.size > KEY_CACHE_LIMIT) byDate.clear();
  let key = byDate.get(date);
  if (key === undefined) byDate.set(date, (key = `${security}|${date}`));
  return key;
}

function hourlyKey(date: string, hour: number): string {
  if (hourlyKeys.size > KEY_CACHE_LIMIT) hourlyKeys.clear();
  let keys = hourlyKeys.get(date);
  if (!keys) hourlyKeys.set(date, (keys = HOURS.map((hh) => `${date} ${hh}`)));
  return keys[hour] ?? `${date} ${hour}`;
}

/** The group keys one order falls in, level by level. */
export function groupKeys(o: OrderMeasures): Record<Level, string | null> {
  const hh = HOURS[o.hour] ?? String(o.hour);
  return {
    global: 'all',
    security: o.security,
    date: o.date,
    security_date: securityDateKey(o.security, o.date),
    participant: o.participantId,
    hour: hh,
    size_bucket: o.sizeBucket,
    fill_status: o.fillStatus,
    scenario: o.scenario,
    hourly_series: hourlyKey(o.date, o.hour),
    daily_series: o.date,
  };
}

export function mergeAccumulators(a: Accumulator, b: Accumulator): Accumulator {
  const byStatus = { ...a.byStatus };
  for (const s of FILL_STATUSES) byStatus[s] += b.byStatus[s];
  return {
    orders: a.orders + b.orders, sweeps: a.sweeps + b.sweeps,
    participants: new Set([...a.participants, ...b.participants]),
    securities: new Set([...a.securities, ...b.securities]),
    totalQty: a.totalQty + b.totalQty, sumQtySq: a.sumQtySq + b.sumQtySq, filledQty: a.filledQty + b.filledQty,
    notional: a.notional + b.notional, byStatus,
    minPrice: minOf(a.minPrice, b.minPrice), maxPrice: maxOf(a.maxPrice, b.maxPrice),
    costMicro: a.costMicro + b.costMicro, costWeight: a.costWeight + b.costWeight,
    simCandidates: a.simCandidates + b.simCandidates, residualQty: a.residualQty + b.residualQty,
    simFilledQty: a.simFilledQty + b.simFilledQty,
    improvementMicro: a.improvementMicro + b.improvementMicro,
    improvementWeight: a.improvementWeight + b.improvementWeight,
  };
}

/**
 * Merges source into target in place (source unchanged): the merge activity folds thousands of job partials
 * into one rollup, and copying the whole accumulated rollup per job would make that quadratic.
 */
export function mergeRollupInto(target: Rollup, source: Rollup): Rollup {
  for (const level of LEVELS) {
    const into = target[level];
    for (const [key, acc] of source[level]) {
      const have = into.get(key);
      into.set(key, mergeAccumulators(have ?? emptyAccumulator(), acc));
    }
  }
  return target;
}

/** Merges b into a copy of a; neither input changes. Associative and commutative. */
export function mergeRollups(a: Rollup, b: Rollup): Rollup {
  return mergeRollupInto(mergeRollupInto(emptyRollup(), a), b);
}

/** The figures an analyst reads, derived from an accumulator. */
export interface RollupRow {
  key: string;
  orders: number;
  sweeps: number;
  participants: number;
  securities: number;
  total_qty: string;
  filled_qty: string;
  filled: number;
  partial: number;
  unfilled: number;
  vwap: number | null;
  mean_qty: number | null;
  std_qty: number | null;
  min_price: number | null;
  max_price: number | null;
  mean_arrival_cost_bps: number | null;
  sim_candidates: number;
  residual_qty: string;
  sim_filled_qty: string;
  mean_price_improvement_bps: number | null;
}

export function rollupRow(key: string, a: Accumulator): RollupRow {
  const n = BigInt(a.orders);
  let mean: number | null = null, std: number | null = null;
  if (a.orders > 0) {
    mean = Number(a.totalQty) / a.orders;
    // Population variance from exact integer sums: (n*sumSq - sum^2) / n^2.
    const num = n * a.sumQtySq - a.totalQty * a.totalQty;
    std = Math.sqrt(Number(num) / Number(n * n));
  }
  return {
    key, orders: a.orders, sweeps: a.sweeps, participants: a.participants.size, securities: a.securities.size,
    total_qty: a.totalQty.toString(), filled_qty: a.filledQty.toString(),
    filled: a.byStatus.FILLED, partial: a.byStatus.PARTIAL, unfilled: a.byStatus.UNFILLED,
    vwap: a.filledQty > 0n ? Number(a.notional) / Number(a.filledQty) : null,
    mean_qty: mean, std_qty: std, min_price: a.minPrice, max_price: a.maxPrice,
    mean_arrival_cost_bps: a.costWeight > 0n ? Number(a.costMicro) / 1e6 / Number(a.costWeight) : null,
    sim_candidates: a.simCandidates, residual_qty: a.residualQty.toString(), sim_filled_qty: a.simFilledQty.toString(),
    mean_price_improvement_bps: a.improvementWeight > 0n ? Number(a.improvementMicro) / 1e6 / Number(a.improvementWeight) : null,
  };
}

/** Rows of one level, sorted by key so output never depends on merge order. */
export function levelRows(r: Rollup, level: Level): RollupRow[] {
  return [...r[level].entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, a]) => rollupRow(k, a));
}

// JSON form of a rollup (job partial files): BigInts as decimal strings, sets as sorted arrays.
type AccJson = Record<string, unknown>;

export function rollupToJson(r: Rollup): Record<string, Record<string, AccJson>> {
  const out: Record<string, Record<string, AccJson>> = {};
  for (const level of LEVELS) {
    const lv: Record<string, AccJson> = {};
    for (const [key, a] of r[level]) {
      lv[key] = {
        ...a,
        participants: [...a.participants].sort(), securities: [...a.securities].sort(),
        totalQty: a.totalQty.toString(), sumQtySq: a.sumQtySq.toString(), filledQty: a.filledQty.toString(),
        notional: a.notional.toString(), costMicro: a.costMicro.toString(), costWeight: a.costWeight.toString(),
        residualQty: a.residualQty.toString(), simFilledQty: a.simFilledQty.toString(),
        improvementMicro: a.improvementMicro.toString(), improvementWeight: a.improvementWeight.toString(),
      };
    }
    out[level] = lv;
  }
  return out;
}

export function rollupFromJson(json: Record<string, Record<string, AccJson>>): Rollup {
  const r = emptyRollup();
  for (const level of LEVELS) {
    for (const [key, j] of Object.entries(json[level] ?? {})) {
      const big = (k: string): bigint => BigInt(j[k] as string);
      r[level].set(key, {
        orders: j.orders as number, sweeps: j.sweeps as number,
        participants: new Set(j.participants as string[]), securities: new Set(j.securities as string[]),
        totalQty: big('totalQty'), sumQtySq: big('sumQtySq'), filledQty: big('filledQty'), notional: big('notional'),
        byStatus: j.byStatus as Record<FillStatus, number>,
        minPrice: j.minPrice as number | null, maxPrice: j.maxPrice as number | null,
        costMicro: big('costMicro'), costWeight: big('costWeight'), simCandidates: j.simCandidates as number,
        residualQty: big('residualQty'), simFilledQty: big('simFilledQty'),
        improvementMicro: big('improvementMicro'), improvementWeight: big('improvementWeight'),
      });
    }
  }
  return r;
}

