import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { generate } from '../../src/generator/generate';
import { shardedRun } from '../helpers/run-steps';
import { analysePartition } from '../../src/jobs/analyse-partition';
import { readSecurityIndex } from '../../src/jobs/job-index';
import { writeJobStatuses } from '../../src/jobs/job-status';
import { mergeRunStep } from '../../src/jobs/merge-run';
import { planRunStep } from '../../src/jobs/plan-run';
import { loadPlanFile, PlanReplacedError } from '../../src/jobs/plan-store';
import { prepareJob } from '../../src/jobs/prepare-job';
import { checkRunInvariants } from '../../src/jobs/run-invariants';

/**
 * The whole run's steps without Temporal (the engine-free modules the activities adapt): plan, shard,
 * discover, jobs, merge. The merge takes each job's status from what its workflow returned (the records
 * a security workflow writes), never from clocks.
 */
const dir = path.join(__dirname, '..', '..', 'test-output', 'run-steps');
const never = new AbortController().signal;

it('plans, shards, discovers, runs and merges a run; job statuses come from the recorded workflow results', async () => {
  rmSync(dir, { recursive: true, force: true });
  await generate({ securities: 2, dates: 2, rowsPerJob: 500, seed: 5, out: path.join(dir, 'data') });
  const raw = { name: 'steps', baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' } };
  const { plan, result, paths, matrix } = await shardedRun(raw);
  expect(matrix.jobs).toBe(4);

  const [a, b] = matrix.securities.map((s) => s.security);
  for (const security of [a, b]) {
    const statuses: Record<string, 'done' | 'skipped'> = {};
    for (const date of Object.keys((await readSecurityIndex(paths.work, security, plan.id)).dates)) {
      const job = { run: result.run, security, date };
      const prepared = await prepareJob(plan, paths, job);
      expect(prepared.kind).toBe('run');
      if (prepared.kind === 'run') await analysePartition(prepared.task);
      // A retry of a committed job finds its own commit: done in this run, not skipped.
      const again = await prepareJob(plan, paths, job);
      expect(again.kind === 'skip' && again.result.status).toBe('done');
      statuses[date] = security === a ? 'skipped' : 'done'; // what the workflows "returned"
    }
    if (security === a) await writeJobStatuses(paths.work, { planId: plan.id, security, segment: 0, statuses });
    // b has no record: its jobs count as run
  }
  // A record of another plan is an older run's and is ignored.
  await writeJobStatuses(paths.work, { planId: 'another', security: b, segment: 0, statuses: { '2024-09-30': 'skipped' } });

  const merged = await mergeRunStep(plan, paths, { run: result.run, startedAt: new Date().toISOString(), failures: [] }, never, () => undefined);
  expect(merged).toMatchObject({ jobs: 4, done: 4, failed: 0 });
  const jobs = parse(readFileSync(path.join(paths.out, 'jobs.csv')), { columns: true }) as { security: string; status: string }[];
  expect(jobs.map((j) => `${j.security}:${j.status}`)).toEqual([`${a}:skipped`, `${a}:skipped`, `${b}:done`, `${b}:done`]);
  const summary = JSON.parse(readFileSync(merged.summaryFile, 'utf8')) as { jobs: { done: number; skipped: number } };
  expect(summary.jobs).toMatchObject({ done: 2, skipped: 2 });
  expect(await checkRunInvariants(merged.summaryFile)).toEqual([]);

  // A newer plan at the same path: a step of this run refuses it rather than work from it.
  const newer = await planRunStep(raw, never, () => undefined);
  await expect(loadPlanFile(result.run)).rejects.toBeInstanceOf(PlanReplacedError);
  await expect(readSecurityIndex(paths.work, a, newer.plan.id)).rejects.toThrow(/discovered for plan/);
});
