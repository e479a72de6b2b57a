import { Context, heartbeat } from '@temporalio/activity';
import { removeStaleTemps } from '../io/atomic';
import { analysePartition, type PartitionProgress } from '../jobs/analyse-partition';
import { jobPartitionDirs, type RunPaths } from '../io/paths';
import type { Plan } from '../jobs/plan-store';
import { mapBounded } from '../jobs/bounded-map';
import { prepareJob } from '../jobs/prepare-job';
import { sharedThreadPool } from '../threads/pool';
import type { JobBatchRef, JobRef, JobResult } from '../workflows/types';
import { loadPlan, step, withHeartbeats } from './run-context';

/**
 * One (security, date) job: skipped when its committed output matches its inputs, refused when its reject
 * share is over the limit, otherwise analysed on a worker thread (jobs/analyse-partition), with heartbeats
 * that carry the phase and the events read. A cancellation stops the thread and removes its temporary files.
 */
export async function analyseJob(job: JobRef): Promise<JobResult> {
  const { plan, paths } = await loadPlan(job.run);
  return step(() => runJob(plan, paths, job, (p) => heartbeat(p)));
}

/**
 * Small jobs of one security in this activity (config `processing.smallJobs`), as many at once as the
 * pool has threads, so that a run's last batch keeps every core busy instead of one: each skips, commits
 * and counts as its own job would, and results come in date order. The first failure fails the batch
 * (once the dates in flight have settled), and the security workflow runs the batch's dates again one job
 * workflow each (a date committed here then skips). Heartbeats carry the phase of the date last reported.
 */
export async function analyseJobs(batch: JobBatchRef): Promise<JobResult[]> {
  const { plan, paths } = await loadPlan(batch.run);
  const pool = sharedThreadPool();
  return step(() => mapBounded(batch.dates, pool.script ? pool.size : 1, (date, i) =>
    runJob(plan, paths, { run: batch.run, security: batch.security, date }, (p) => heartbeat({ ...p, date, job: i + 1, of: batch.dates.length }))));
}

async function runJob(plan: Plan, paths: RunPaths, job: JobRef, beat: (p: PartitionProgress) => void): Promise<JobResult> {
  const prepared = await prepareJob(plan, paths, job);
  if (prepared.kind === 'skip') return prepared.result;
  const { task } = prepared;
  const pool = sharedThreadPool();
  try {
    const m = await withHeartbeats((signal) => pool.script ? pool.run({ type: 'partition', task }, beat, signal) : analysePartition(task, beat));
    return { security: m.security, date: m.date, status: 'done', orders: m.orders, sweeps: m.sweeps, rowsRead: m.events.read };
  } catch (e) {
    if (Context.current().cancellationSignal.aborted) {
      for (const dir of jobPartitionDirs(task.out, task.security, task.date)) await removeStaleTemps(dir);
    }
    throw e;
  }
}
