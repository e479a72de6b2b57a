import type { Horizon } from './execution-quality';
import type { OrderMeasures } from './order-measures';

/**
 * DOMAIN.md sections 10 and 12. An accumulator is a set of named exact integer sums (counts, quantities,
 * BigInt notionals, and weighted means as a fixed-point 1e-6 sum of value x weight beside the sum of
 * weights), the distinct participants and securities, and the price extremes. Merging adds sums, unites
 * sets and takes extremes, so it is associative and commutative bit for bit: float sums would depend on the
 * order of addition. The sums' names are declared once (`sumNames`), and every output column is derived from
 * them (`rollupColumns`).
 */
export interface Accumulator {
  /** Exact sums by name; a name absent is 0. */
  sums: Record<string, bigint>;
  participants: Set<string>;
  securities: Set<string>;
  minPrice: number | null;
  maxPrice: number | null;
}

/**
 * Section 10's eleven levels, and `order_kind` (sweeps against other orders: `sweep`, `other`), which the
 * report's markout curves compare (section 12).
 */
export const LEVELS = [
  'global', 'security', 'date', 'security_date', 'participant', 'hour', 'size_bucket', 'fill_status',
  'scenario', 'hourly_series', 'daily_series', 'order_kind',
] as const;
export type Level = (typeof LEVELS)[number];

/** Levels whose groups are one security: the only ones where prices and VWAP mean something. */
export const ONE_SECURITY_LEVELS: ReadonlySet<Level> = new Set(['security', 'security_date']);
/** Levels with a Centre Point share (section 12: size, status and scenario levels carry none). */
export const SHARE_LEVELS: ReadonlySet<Level> = new Set(['global', 'security', 'date', 'security_date', 'participant', 'hour', 'hourly_series', 'daily_series']);

/** Level -> group key -> accumulator. */
export type Rollup = Record<Level, Map<string, Accumulator>>;

/** The horizons of a run (their labels name sums and columns). */
export interface RollupShape {
  markouts: readonly Pick<Horizon, 'label'>[];
  fills: readonly Pick<Horizon, 'label'>[];
}

/** Weighted means: the sum `<name>` (value x weight, 1e-6 units) and the weight `<name>:w`. */
export const weightOf = (name: string): string => `${name}:w`;

/** Means over fills (weighted by fill quantity), per horizon for the markout family. */
export const FILL_MEANS = ['effective_spread_bps', 'price_improvement_bps'] as const;
export const HORIZON_MEANS = ['markout', 'realized_spread', 'price_impact'] as const;
/** Means over orders weighted by final quantity (shortfall), by filled quantity (arrival cost). */
export const SHORTFALL_MEANS = ['execution_cost_bps', 'opportunity_cost_bps', 'implementation_shortfall_bps'] as const;

export const horizonMean = (family: (typeof HORIZON_MEANS)[number], label: string): string => `${family}_${label}_bps`;
export const fillCount = (group: 'all' | 'sweep', what: 'filled' | 'observed', label: string): string => `fill_${group}_${what}_${label}`;

/** Every sum an accumulator of this shape holds, in a fixed order. */
export function sumNames(shape: RollupShape): string[] {
  const means = ['arrival_cost_bps', 'sim_price_improvement_bps', ...FILL_MEANS,
    ...HORIZON_MEANS.flatMap((f) => shape.markouts.map((h) => horizonMean(f, h.label))), ...SHORTFALL_MEANS];
  return [
    'orders', 'sweeps', 'total_qty', 'sum_qty_sq', 'filled_qty', 'notional', 'filled', 'partial', 'unfilled',
    'sim_candidates', 'residual_qty', 'sim_filled_qty', 'fills', 'outside_nbbo_fills',
    ...means.flatMap((m) => [m, weightOf(m)]),
    ...(['all', 'sweep'] as const).flatMap((g) => shape.fills.flatMap((h) => [fillCount(g, 'filled', h.label), fillCount(g, 'observed', h.label)])),
    'cp_trade_qty', 'all_trade_qty',
  ];
}

export function emptyAccumulator(): Accumulator {
  return { sums: {}, participants: new Set(), securities: new Set(), minPrice: null, maxPrice: null };
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

export const HOURS = Array.from({ length: 24 }, (_, h) => (h < 10 ? `0${h}` : String(h)));
// Composite keys are built once per (security, date) and (date, hour), not per order: a fresh concatenated
// string per order had to be flattened and hashed again by every Map look-up.
const securityDateKeys = new Map<string, Map<string, string>>();
const hourlyKeys = new Map<string, string[]>();

const KEY_CACHE_LIMIT = 4096; // a long-lived worker sees many dates: start over rather than grow

export function securityDateKey(security: string, date: string): string {
  if (securityDateKeys.size > KEY_CACHE_LIMIT) securityDateKeys.clear();
  let byDate = securityDateKeys.get(security);
  if (!byDate) securityDateKeys.set(security, (byDate = new Map()));
  if (byDate.size > KEY_CACHE_LIMIT) byDate.clear();
  let key = byDate.get(date);
  if (key === undefined) byDate.set(date, (key = `${security}|${date}`));
  return key;
}

export function hourlyKey(date: string, hour: number): string {
  if (hourlyKeys.size > KEY_CACHE_LIMIT) hourlyKeys.clear();
  let keys = hourlyKeys.get(date);
  if (!keys) hourlyKeys.set(date, (keys = HOURS.map((hh) => `${date} ${hh}`)));
  return keys[hour] ?? `${date} ${hour}`;
}

/** The group keys one order falls in, level by level. */
export function groupKeys(o: Pick<OrderMeasures, 'security' | 'date' | 'participantId' | 'hour' | 'sizeBucket' | 'fillStatus' | 'scenario' | 'isSweep'>): Record<Level, string | null> {
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
    order_kind: o.isSweep ? 'sweep' : 'other',
  };
}

/** The group keys of a trade row for the Centre Point share: its partition, its participant, its own Sydney hour. */
export function tradeGroupKeys(security: string, date: string, participantId: string, hour: number): Record<Level, string | null> {
  return {
    global: 'all', security, date, security_date: securityDateKey(security, date), participant: participantId,
    hour: HOURS[hour] ?? String(hour), size_bucket: null, fill_status: null, scenario: null,
    hourly_series: hourlyKey(date, hour), daily_series: date, order_kind: null,
  };
}

/** Adds b into a (a changes; b does not). */
function mergeInto(a: Accumulator, b: Accumulator): void {
  for (const k in b.sums) a.sums[k] = (a.sums[k] ?? 0n) + b.sums[k];
  for (const p of b.participants) a.participants.add(p);
  for (const s of b.securities) a.securities.add(s);
  a.minPrice = minOf(a.minPrice, b.minPrice);
  a.maxPrice = maxOf(a.maxPrice, b.maxPrice);
}

export function mergeAccumulators(a: Accumulator, b: Accumulator): Accumulator {
  const out = emptyAccumulator();
  mergeInto(out, a);
  mergeInto(out, b);
  return out;
}

/**
 * Merges source into target in place (source unchanged): the merge activity folds thousands of job partials
 * into one rollup, and copying the whole accumulated rollup per job would make that quadratic.
 */
export function mergeRollupInto(target: Rollup, source: Rollup): Rollup {
  for (const level of LEVELS) {
    const into = target[level];
    for (const [key, acc] of source[level]) {
      let have = into.get(key);
      if (!have) into.set(key, (have = emptyAccumulator()));
      mergeInto(have, acc);
    }
  }
  return target;
}

/** Merges b into a copy of a; neither input changes. Associative and commutative. */
export function mergeRollups(a: Rollup, b: Rollup): Rollup {
  return mergeRollupInto(mergeRollupInto(emptyRollup(), a), b);
}

/** One column of a rollup table, derived from the accumulator (and its level). */
export interface RollupColumn {
  name: string;
  /** INT64 for counts and exact sums (written as decimal text in CSV), DOUBLE for means and ratios. */
  type: 'INT64' | 'DOUBLE';
  value: (a: Accumulator, level: Level) => bigint | number | null;
}

const sum = (a: Accumulator, k: string): bigint => a.sums[k] ?? 0n;
const ratio = (num: bigint, den: bigint): number | null => (den > 0n ? Number(num) / Number(den) : null);
const mean = (a: Accumulator, k: string): number | null => {
  const w = sum(a, weightOf(k));
  return w > 0n ? Number(sum(a, k)) / 1e6 / Number(w) : null;
};

/**
 * The columns of every rollup table (beside its key), in order. Prices and VWAP only at one-security
 * levels; the Centre Point share only at its levels (section 12).
 */
export function rollupColumns(shape: RollupShape): RollupColumn[] {
  const count = (name: string, k = name): RollupColumn => ({ name, type: 'INT64', value: (a) => sum(a, k) });
  const meanOf = (name: string, k = name): RollupColumn => ({ name: `mean_${name}`, type: 'DOUBLE', value: (a) => mean(a, k) });
  const oneSecurity = (name: string, f: (a: Accumulator) => number | null, type: RollupColumn['type']): RollupColumn =>
    ({ name, type, value: (a, level) => (ONE_SECURITY_LEVELS.has(level) ? f(a) : null) });
  const share = (name: string, type: RollupColumn['type'], f: (a: Accumulator) => bigint | number | null): RollupColumn =>
    ({ name, type, value: (a, level) => (SHARE_LEVELS.has(level) ? f(a) : null) });
  return [
    count('orders'), count('sweeps'),
    { name: 'participants', type: 'INT64', value: (a) => a.participants.size },
    { name: 'securities', type: 'INT64', value: (a) => a.securities.size },
    count('total_qty'), count('filled_qty'), count('filled'), count('partial'), count('unfilled'),
    oneSecurity('vwap', (a) => ratio(sum(a, 'notional'), sum(a, 'filled_qty')), 'DOUBLE'),
    { name: 'mean_qty', type: 'DOUBLE', value: (a) => ratio(sum(a, 'total_qty'), sum(a, 'orders')) },
    {
      name: 'std_qty', type: 'DOUBLE', value: (a) => {
        const n = sum(a, 'orders');
        // Population variance from exact integer sums: (n*sumSq - sum^2) / n^2.
        return n > 0n ? Math.sqrt(Number(n * sum(a, 'sum_qty_sq') - sum(a, 'total_qty') ** 2n) / Number(n * n)) : null;
      },
    },
    oneSecurity('min_price', (a) => a.minPrice, 'INT64'), oneSecurity('max_price', (a) => a.maxPrice, 'INT64'),
    meanOf('arrival_cost_bps'),
    count('sim_candidates'), count('residual_qty'), count('sim_filled_qty'), meanOf('sim_price_improvement_bps'),
    count('fills'), count('outside_nbbo_fills'),
    ...FILL_MEANS.map((m) => meanOf(m)),
    ...HORIZON_MEANS.flatMap((f) => shape.markouts.map((h) => meanOf(horizonMean(f, h.label)))),
    ...SHORTFALL_MEANS.map((m) => meanOf(m)),
    ...(['all', 'sweep'] as const).flatMap((g): RollupColumn[] => {
      const prefix = g === 'all' ? 'fill' : 'sweep_fill';
      return [
        ...shape.fills.map((h) => count(`${prefix}_filled_${h.label}`, fillCount(g, 'filled', h.label))),
        ...shape.fills.map((h) => count(`${prefix}_observed_${h.label}`, fillCount(g, 'observed', h.label))),
        ...shape.fills.map((h): RollupColumn => ({
          name: `${prefix}_prob_${h.label}`, type: 'DOUBLE',
          value: (a) => ratio(sum(a, fillCount(g, 'filled', h.label)), sum(a, fillCount(g, 'observed', h.label))),
        })),
      ];
    }),
    share('cp_trade_qty', 'INT64', (a) => sum(a, 'cp_trade_qty')), share('all_trade_qty', 'INT64', (a) => sum(a, 'all_trade_qty')),
    share('centre_point_share', 'DOUBLE', (a) => ratio(sum(a, 'cp_trade_qty'), sum(a, 'all_trade_qty'))),
  ];
}

/** One output row: the group key and each column's value. */
export interface RollupRow {
  key: string;
  values: (bigint | number | null)[];
}

/**
 * Rows of one level, sorted by key so output never depends on merge order. Groups exist only through
 * orders: a group that only trades reached (for the Centre Point share) is left out.
 */
export function levelRows(r: Rollup, level: Level, columns: readonly RollupColumn[]): RollupRow[] {
  return [...r[level].entries()]
    .filter(([, a]) => sum(a, 'orders') > 0n)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([key, a]) => ({ key, values: columns.map((c) => c.value(a, level)) }));
}

/** A row as an object keyed by column name (tests and the report read it so). */
export function rowObject(row: RollupRow, columns: readonly RollupColumn[]): Record<string, bigint | number | string | null> {
  return Object.fromEntries([['key', row.key], ...columns.map((c, i) => [c.name, row.values[i]])]);
}

// JSON form of a rollup (job partial files): sums as decimal strings, sets as sorted arrays.
interface AccJson {
  sums: Record<string, string>;
  participants: string[];
  securities: string[];
  minPrice: number | null;
  maxPrice: number | null;
}

export function rollupToJson(r: Rollup): Record<string, Record<string, AccJson>> {
  const out: Record<string, Record<string, AccJson>> = {};
  for (const level of LEVELS) {
    const lv: Record<string, AccJson> = {};
    for (const [key, a] of r[level]) {
      const sums: Record<string, string> = {};
      for (const k of Object.keys(a.sums).sort()) if (a.sums[k] !== 0n) sums[k] = a.sums[k].toString();
      lv[key] = { sums, participants: [...a.participants].sort(), securities: [...a.securities].sort(), minPrice: a.minPrice, maxPrice: a.maxPrice };
    }
    out[level] = lv;
  }
  return out;
}

export function rollupFromJson(json: Record<string, Record<string, AccJson>>): Rollup {
  const r = emptyRollup();
  for (const level of LEVELS) {
    for (const [key, j] of Object.entries(json[level] ?? {})) {
      const sums: Record<string, bigint> = {};
      for (const [k, v] of Object.entries(j.sums)) sums[k] = BigInt(v);
      r[level].set(key, { sums, participants: new Set(j.participants), securities: new Set(j.securities), minPrice: j.minPrice, maxPrice: j.maxPrice });
    }
  }
  return r;
}
