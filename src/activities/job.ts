import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { analysePartition, type PartitionProgress, type PartitionTask } from '../jobs/analyse-partition';
import { outputsProblem, readManifest, type JobManifest } from '../jobs/manifest';
import { jobFingerprint } from '../jobs/fingerprint';
import { jobOutputDir } from '../io/paths';
import { sharedThreadPool, ThreadTaskError } from '../threads/pool';
import type { JobRef, JobResult } from '../workflows/types';
import { readSecurityIndex } from './discover';
import { loadPlan, withHeartbeats } from './run-context';

const resultOf = (m: JobManifest, status: 'done' | 'skipped'): JobResult =>
  ({ security: m.security, date: m.date, status, orders: m.orders, sweeps: m.sweeps, rowsRead: m.events.read });

/**
 * One (security, date) job: skipped when its manifest matches its inputs' fingerprint and its outputs are intact; failed at once
 * (non-retryable) when its reject share is over the limit; otherwise analysed on a worker thread
 * (jobs/analyse-partition: ingest -> classify -> simulate -> aggregate -> manifest), with heartbeats that
 * carry the phase and the events read.
 */
export async function analyseJob(job: JobRef): Promise<JobResult> {
  const { plan, paths } = await loadPlan(job.run);
  const inputs = (await readSecurityIndex(paths.work, job.security)).dates[job.date];
  if (!inputs) throw ApplicationFailure.nonRetryable(`job ${job.security}/${job.date} is not in the job index`, 'JobMissing');
  const fingerprint = jobFingerprint(inputs, plan.config);
  const outDir = jobOutputDir(paths, job.security, job.date);
  // Skipped only when the manifest matches the inputs and every output it lists is there as committed.
  const committed = await readManifest(outDir);
  if (committed && committed.fingerprint === fingerprint && (await outputsProblem(outDir, committed)) === null) {
    return resultOf(committed, 'skipped');
  }

  const read = inputs.orders.read + inputs.trades.read + inputs.nbbo.read;
  const rejected = inputs.orders.rejected + inputs.trades.rejected + inputs.nbbo.rejected;
  const limit = plan.config.thresholds.maxRejectShare;
  if (read > 0 && rejected / read > limit) {
    throw ApplicationFailure.nonRetryable(
      `job ${job.security}/${job.date}: ${rejected} of ${read} input rows rejected ` +
      `(${(100 * rejected / read).toFixed(2)}%), above the limit of ${(100 * limit).toFixed(2)}% ` +
      `(thresholds.maxRejectShare); the reasons are in ${paths.rejects}`, 'RejectLimit');
  }
  const c = plan.config;
  const task: PartitionTask = {
    security: job.security, date: job.date, work: paths.work, outDir, fingerprint, inputs,
    settings: {
      masks: { centrePoint: c.filters.centrePointMask, sweep: c.filters.sweepMask },
      scenario: { fullFillRatio: c.thresholds.fullFillRatio, immediateSeconds: c.thresholds.immediateSeconds },
      sizeEdges: c.thresholds.sizeEdges,
    },
    orderFilters: { participants: c.filters.participants, tradingHours: c.filters.tradingHours },
  };
  const pool = sharedThreadPool();
  const beat = (p: PartitionProgress): void => heartbeat(p);
  try {
    const manifest = await withHeartbeats(() => pool.script ? pool.run({ type: 'partition', task }, beat) : analysePartition(task, beat));
    return resultOf(manifest, 'done');
  } catch (e) {
    if (e instanceof ThreadTaskError && e.kind !== 'Error') throw ApplicationFailure.nonRetryable(e.message, e.kind);
    throw e;
  }
}
