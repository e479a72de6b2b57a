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
  expect(batchJobDates(dates, { maxRows: 5000, perBatch: 3, batchRows: 1e9 })).toEqual([
    ['2024-01-02', '2024-01-03'], ['2024-01-04'], ['2024-01-05', '2024-01-08', '2024-01-09'], ['2024-01-10', '2024-01-11'],
  ]);
});

it('perBatch 1 gives every date its own group, and no date is lost or repeated whatever the rule', () => {
  const dates: Record<string, JobInputs> = {};
  for (let d = 1; d <= 28; d++) dates[`2024-02-${String(d).padStart(2, '0')}`] = job((d * 977) % 9000);
  expect(batchJobDates(dates, { maxRows: 5000, perBatch: 1, batchRows: 1e9 })).toEqual(Object.keys(dates).sort().map((d) => [d]));
  for (const rule of [{ maxRows: 0, perBatch: 25, batchRows: 1e9 }, { maxRows: 4000, perBatch: 4, batchRows: 1e9 }, { maxRows: 1e7, perBatch: 500, batchRows: 1e9 }, { maxRows: 9000, perBatch: 25, batchRows: 20_000 }]) {
    const groups = batchJobDates(dates, rule);
    expect(groups.flat()).toEqual(Object.keys(dates).sort());
    for (const g of groups) {
      expect(g.length).toBeLessThanOrEqual(rule.perBatch);
      if (g.length > 1) expect(g.every((d) => jobRows(dates[d]) <= rule.maxRows)).toBe(true);
      if (g.length > 1) expect(g.reduce((sum, d) => sum + jobRows(dates[d]), 0)).toBeLessThanOrEqual(rule.batchRows);
    }
  }
  expect(batchJobDates(dates, { maxRows: 1e7, perBatch: 500, batchRows: 1e9 })).toHaveLength(1);
  expect(batchJobDates({}, { maxRows: 5000, perBatch: 25, batchRows: 1e9 })).toEqual([]);
});

it('closes a batch before the date that would take its kept rows over batchRows; a first date always fits', () => {
  const dates = {
    '2024-03-01': job(400_000), '2024-03-04': job(300_000, 200_000), '2024-03-05': job(100_001), '2024-03-06': job(1),
    '2024-03-07': job(500_000, 0, 1), '2024-03-08': job(450_000), '2024-03-11': job(450_000), '2024-03-12': job(200_000),
  };
  // 03-01 + 03-04 = 900,000 fits; with 03-05 it would be 1,000,001: closed before it. 03-07 (500,001 rows)
  // is over maxRows: alone. 03-08 + 03-11 = 900,000; 03-12 would take it to 1.1M.
  expect(batchJobDates(dates, { maxRows: 500_000, perBatch: 25, batchRows: 1_000_000 })).toEqual([
    ['2024-03-01', '2024-03-04'], ['2024-03-05', '2024-03-06'], ['2024-03-07'], ['2024-03-08', '2024-03-11'], ['2024-03-12'],
  ]);
  // Exactly batchRows fits; a date over batchRows but within maxRows still runs (alone in its batch).
  const rule = { maxRows: 1e6, perBatch: 25, batchRows: 1_000_000 };
  expect(batchJobDates({ '2024-03-01': job(600_000), '2024-03-04': job(400_000) }, rule)).toEqual([['2024-03-01', '2024-03-04']]);
  expect(batchJobDates({ '2024-03-01': job(10), '2024-03-04': job(1_000_000), '2024-03-05': job(10) }, { ...rule, batchRows: 500_000 }))
    .toEqual([['2024-03-01'], ['2024-03-04'], ['2024-03-05']]);
});
