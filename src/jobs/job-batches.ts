import type { JobInputs } from './types';

/** How a security's dates are grouped into activities (config `processing.smallJobs`). */
export interface BatchRule {
  /** A job with at most this many kept rows (orders, trades and quotes together) is small. */
  maxRows: number;
  /** Small jobs run together, this many to one activity at most; 1 runs every job on its own. */
  perBatch: number;
  /**
   * The kept rows of one batch's jobs together, at most: a batch closes before the date that would take it
   * over (a batch's first date always fits). Bounds how long one activity runs and how much of a
   * security's work waits behind one attempt.
   */
  batchRows: number;
}

/** Kept rows of one job across its input kinds: what its analysis costs, roughly. */
export function jobRows(inputs: JobInputs): number {
  return inputs.orders.kept + inputs.trades.kept + inputs.nbbo.kept;
}

/**
 * A security's dates in groups, in date order within each: a large job is a group of its own (its own job
 * workflow), and consecutive small jobs share a group of at most `perBatch` dates and `batchRows` kept rows
 * (one activity), because a job workflow costs the server and the worker more than a small job's analysis.
 * Every date is in exactly one group.
 */
export function batchJobDates(dates: Readonly<Record<string, JobInputs>>, rule: BatchRule): string[][] {
  const groups: string[][] = [];
  let small: string[] = [];
  let rows = 0;
  const flush = (): void => {
    if (small.length > 0) groups.push(small);
    small = [];
    rows = 0;
  };
  for (const date of Object.keys(dates).sort()) {
    const jobRowCount = jobRows(dates[date]);
    if (rule.perBatch <= 1 || jobRowCount > rule.maxRows) {
      flush();
      groups.push([date]);
      continue;
    }
    if (small.length > 0 && rows + jobRowCount > rule.batchRows) flush();
    small.push(date);
    rows += jobRowCount;
    if (small.length >= rule.perBatch) flush();
  }
  flush();
  return groups;
}
