import { batchJobDates, jobRows } from '../../src/jobs/job-batches';
import type { JobInputs, KindInputs } from '../../src/jobs/types';

/** processing.smallJobs: which dates of a security share an activity. */
const kind = (kept: number): KindInputs => ({ read: kept + 2, kept, filtered: 1, rejected: 1, files: [], sha1: [] });
const job = (orders: number, trades = 0, nbbo = 0): JobInputs => ({ orders: kind(orders), trades: kind(trades), nbbo: kind(nbbo) });

it('counts a job\'s kept rows over its three inputs (filtered and rejected rows cost no analysis)', () => {
  expect(jobRows(job(10, 20, 30))).toBe(60);
});

it('runs small consecutive dates together, at most perBatch to a group, and every large job alone', () => {
  const dates = {
    '2024-01-05': job(100), '2024-01-02': job(100), '2024-01-03': job(3000, 1000, 1000), '2024-01-04': job(3000, 1000, 1001),
    '2024-01-08': job(0), '2024-01-09': job(10), '2024-01-10': job(10), '2024-01-11': job(10),
  };
  // 01-03 has exactly maxRows (small); 01-04 one more (large) and splits the run of small dates.
  expect(batchJobDates(dates, { maxRows: 5000, perBatch: 3 })).toEqual([
    ['2024-01-02', '2024-01-03'], ['2024-01-04'], ['2024-01-05', '2024-01-08', '2024-01-09'], ['2024-01-10', '2024-01-11'],
  ]);
});

it('perBatch 1 gives every date its own group, and no date is lost or repeated whatever the rule', () => {
  const dates: Record<string, JobInputs> = {};
  for (let d = 1; d <= 28; d++) dates[`2024-02-${String(d).padStart(2, '0')}`] = job((d * 977) % 9000);
  expect(batchJobDates(dates, { maxRows: 5000, perBatch: 1 })).toEqual(Object.keys(dates).sort().map((d) => [d]));
  for (const rule of [{ maxRows: 0, perBatch: 25 }, { maxRows: 4000, perBatch: 4 }, { maxRows: 1e7, perBatch: 500 }]) {
    const groups = batchJobDates(dates, rule);
    expect(groups.flat()).toEqual(Object.keys(dates).sort());
    for (const g of groups) {
      expect(g.length).toBeLessThanOrEqual(rule.perBatch);
      if (g.length > 1) expect(g.every((d) => jobRows(dates[d]) <= rule.maxRows)).toBe(true);
    }
  }
  expect(batchJobDates(dates, { maxRows: 1e7, perBatch: 500 })).toHaveLength(1);
  expect(batchJobDates({}, { maxRows: 5000, perBatch: 25 })).toEqual([]);
});
