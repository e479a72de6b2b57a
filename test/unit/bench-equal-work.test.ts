import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { compareWithOurs, duckdbEqualWork } from '../../src/bench/duckdb-equal-work';
import { generate } from '../../src/generator/generate';
import { shardedRun } from '../helpers/run-steps';
import { analysePartition } from '../../src/jobs/analyse-partition';
import { readSecurityIndex } from '../../src/jobs/job-index';
import { mergeRunStep } from '../../src/jobs/merge-run';
import { prepareJob } from '../../src/jobs/prepare-job';

/**
 * The bench's equal-work reference (issue 15): DuckDB's per-order table and rollups agree with ours figure
 * for figure on a generated input spanning the daylight-saving change, and the comparison does fail when
 * one of our figures is off (the negative control), so `ratio_vs_equal_work` compares the same work.
 */
const dir = path.join(__dirname, '..', '..', 'test-output', 'bench-equal-work');
const never = new AbortController().signal;

it('agrees with our rollups on every compared figure, and names a figure that differs', async () => {
  rmSync(dir, { recursive: true, force: true });
  await generate({ securities: 2, dates: 7, rowsPerJob: 400, seed: 9, out: path.join(dir, 'data') });
  const raw = { name: 'eq', baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' } };
  const { plan, result, paths, matrix } = await shardedRun(raw);
  expect(matrix.jobs).toBe(14);
  for (const { security } of matrix.securities) {
    for (const date of Object.keys((await readSecurityIndex(paths.work, security, plan.id)).dates)) {
      const prepared = await prepareJob(plan, paths, { run: result.run, security, date });
      if (prepared.kind === 'run') await analysePartition(prepared.task);
    }
  }
  const merged = await mergeRunStep(plan, paths, { run: result.run, startedAt: new Date().toISOString(), failures: [] }, never, () => undefined);
  expect(merged.failed).toBe(0);

  const data = path.join(dir, 'data');
  const ref = await duckdbEqualWork({ orders: path.join(data, 'orders'), trades: path.join(data, 'trades'), nbbo: path.join(data, 'nbbo') },
    path.join(dir, 'duckdb'), 2);
  try {
    expect(ref.orders).toBe(merged.orders);
    const same = await compareWithOurs(ref, paths.rollups);
    expect(same.differences).toEqual([]);
    expect(same.compared).toBe(8 + 2 * 8); // global, and each of the two securities
    expect(Number(same.global.orders)).toBe(merged.orders);
    expect(Number(same.global.filled_qty)).toBeGreaterThan(0);

    // Negative control: our global rollup with one more sweep than we counted.
    const altered = path.join(dir, 'altered');
    mkdirSync(altered, { recursive: true });
    copyFileSync(path.join(paths.rollups, 'security.parquet'), path.join(altered, 'security.parquet'));
    await ref.connection.run(`COPY (SELECT * REPLACE (sweeps + 1 AS sweeps) FROM read_parquet('${path.join(paths.rollups, 'global.parquet')}'))
      TO '${path.join(altered, 'global.parquet')}' (FORMAT parquet)`);
    const off = await compareWithOurs(ref, altered);
    expect(off.differences).toEqual([`global all sweeps: ours ${Number(same.global.sweeps) + 1}, DuckDB ${Number(same.global.sweeps)}`]);
  } finally {
    ref.cleanUp();
  }
});
