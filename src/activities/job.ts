import { Context, heartbeat } from '@temporalio/activity';
import { removeStaleTemps } from '../io/atomic';
import { analysePartition, type PartitionProgress } from '../jobs/analyse-partition';
import { jobPartitionDirs } from '../io/paths';
import { prepareJob } from '../jobs/prepare-job';
import { sharedThreadPool } from '../threads/pool';
import type { JobRef, JobResult } from '../workflows/types';
import { loadPlan, step, withHeartbeats } from './run-context';

/**
 * One (security, date) job: skipped when its committed output matches its inputs, refused when its reject
 * share is over the limit, otherwise analysed on a worker thread (jobs/analyse-partition), with heartbeats
 * that carry the phase and the events read. A cancellation stops the thread and removes its temporary files.
 */
export async function analyseJob(job: JobRef): Promise<JobResult> {
  const { plan, paths } = await loadPlan(job.run);
  return step(async () => {
    const prepared = await prepareJob(plan, paths, job);
    if (prepared.kind === 'skip') return prepared.result;
    const { task } = prepared;
    const pool = sharedThreadPool();
    const beat = (p: PartitionProgress): void => heartbeat(p);
    try {
      const m = await withHeartbeats((signal) => pool.script ? pool.run({ type: 'partition', task }, beat, signal) : analysePartition(task, beat));
      return { security: m.security, date: m.date, status: 'done', orders: m.orders, sweeps: m.sweeps, rowsRead: m.events.read };
    } catch (e) {
      if (Context.current().cancellationSignal.aborted) {
        for (const dir of jobPartitionDirs(task.out, task.security, task.date)) await removeStaleTemps(dir);
      }
      throw e;
    }
  });
}
