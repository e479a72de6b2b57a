import type { JobInputs } from './types';

/** How a security's dates are grouped into activities (config `processing.smallJobs`). */
export interface BatchRule {
  /** A job with at most this many kept rows (orders, trades and quotes together) is small. */
  maxRows: number;
  /** Small jobs run together, this many to one activity at most; 1 runs every job on its own. */
  perBatch: number;
}

/** Kept rows of one job across its input kinds: what its analysis costs, roughly. */
export function jobRows(inputs: JobInputs): number {
  return inputs.orders.kept + inputs.trades.kept + inputs.nbbo.kept;
}

/**
 * A security's dates in groups, in date order within each: a large job is a group of its own (its own job
 * workflow), and consecutive small jobs share a group of at most `perBatch` dates (one activity), because a
 * job of a few hundred rows costs less to analyse than to orchestrate. Every date is in exactly one group.
 */
export function batchJobDates(dates: Readonly<Record<string, JobInputs>>, rule: BatchRule): string[][] {
  const groups: string[][] = [];
  let small: string[] = [];
  const flush = (): void => {
    if (small.length > 0) groups.push(small);
    small = [];
  };
  for (const date of Object.keys(dates).sort()) {
    if (rule.perBatch <= 1 || jobRows(dates[date]) > rule.maxRows) {
      flush();
      groups.push([date]);
      continue;
    }
    small.push(date);
    if (small.length >= rule.perBatch) flush();
  }
  flush();
  return groups;
}
