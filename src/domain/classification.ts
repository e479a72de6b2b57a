/** DOMAIN.md section 8: fill status, sweep scenario, size bucket. */

export type FillStatus = 'FILLED' | 'PARTIAL' | 'UNFILLED';
export const FILL_STATUSES: readonly FillStatus[] = ['FILLED', 'PARTIAL', 'UNFILLED'];

export type Scenario = 'A_IMMEDIATE_FULL' | 'B_EVENTUAL_FULL' | 'C_PARTIAL_NONE';
export const SCENARIOS: readonly Scenario[] = ['A_IMMEDIATE_FULL', 'B_EVENTUAL_FULL', 'C_PARTIAL_NONE'];

/**
 * From the final state. A negative matched quantity cannot occur in a valid feed; it is treated as none.
 */
export function fillStatus(finalMatched: number, finalLeaves: number): FillStatus {
  if (finalMatched <= 0) return 'UNFILLED';
  return finalLeaves === 0 ? 'FILLED' : 'PARTIAL';
}

export interface ScenarioThresholds {
  /** Fill ratio at or above which a sweep counts as fully filled. @default 0.99 */
  fullFillRatio: number;
  /** Duration (s) below which a full fill counts as immediate. @default 1.0 */
  immediateSeconds: number;
}

export const DEFAULT_SCENARIO_THRESHOLDS: ScenarioThresholds = { fullFillRatio: 0.99, immediateSeconds: 1.0 };

/** A sweep with no trades in its partition has a null duration and falls in C. */
export function sweepScenario(
  fillRatio: number,
  durationSeconds: number | null,
  t: ScenarioThresholds = DEFAULT_SCENARIO_THRESHOLDS,
): Scenario {
  if (fillRatio >= t.fullFillRatio && durationSeconds !== null) {
    return durationSeconds < t.immediateSeconds ? 'A_IMMEDIATE_FULL' : 'B_EVENTUAL_FULL';
  }
  return 'C_PARTIAL_NONE';
}

export const DEFAULT_SIZE_EDGES: readonly number[] = [1000, 5000, 10000, 50000];

function shortQty(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000}K`;
  return String(n);
}

/** Labels of the buckets for the given edges: [1000, 5000] -> ["<=1K", "1K-5K", ">5K"]. */
export function sizeBucketLabels(edges: readonly number[] = DEFAULT_SIZE_EDGES): string[] {
  if (edges.length === 0) return ['all'];
  const labels = [`<=${shortQty(edges[0])}`];
  for (let i = 1; i < edges.length; i++) labels.push(`${shortQty(edges[i - 1])}-${shortQty(edges[i])}`);
  labels.push(`>${shortQty(edges[edges.length - 1])}`);
  return labels;
}

/** Labels per edges array: sizeBucket runs once per order, and building them was 9% of a job's allocations. */
const LABELS = new WeakMap<readonly number[], string[]>();

/** Right-closed buckets: qty <= e0, e0 < qty <= e1, ..., qty > e_last. */
export function sizeBucket(quantity: number, edges: readonly number[] = DEFAULT_SIZE_EDGES): string {
  let labels = LABELS.get(edges);
  if (!labels) LABELS.set(edges, (labels = sizeBucketLabels(edges)));
  for (let i = 0; i < edges.length; i++) if (quantity <= edges[i]) return labels[i];
  return labels[labels.length - 1];
}
