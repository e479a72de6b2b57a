import { createHash } from 'node:crypto';
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { analysePartition, type JobInputs, type PartitionProgress, type PartitionTask } from '../jobs/analyse-partition';
import { readManifest, type JobManifest } from '../jobs/manifest';
import { jobOutputDir } from '../io/paths';
import { sharedThreadPool, ThreadTaskError } from '../threads/pool';
import type { JobRef, JobResult } from '../workflows/types';
import { readSecurityIndex } from './discover';
import { loadPlan, withHeartbeats, type Plan } from './run-context';

/** Identity of what a job computes from: its shard contents and every setting that changes its figures. */
export function jobFingerprint(inputs: JobInputs, plan: Plan): string {
  const c = plan.config;
  return createHash('sha1').update(JSON.stringify({
    shards: [inputs.orders.sha1, inputs.trades.sha1, inputs.nbbo.sha1],
    counts: [inputs.orders, inputs.trades, inputs.nbbo].map((k) => [k.read, k.kept, k.filtered, k.rejected]),
    filters: c.filters, thresholds: c.thresholds, version: 1,
  })).digest('hex');
}

const resultOf = (m: JobManifest, status: 'done' | 'skipped'): JobResult =>
  ({ security: m.security, date: m.date, status, orders: m.orders, sweeps: m.sweeps, rowsRead: m.events.read });

/**
 * One (security, date) job: skipped when its manifest matches its inputs' fingerprint; failed at once
 * (non-retryable) when its reject share is over the limit; otherwise analysed on a worker thread
 * (jobs/analyse-partition: ingest -> classify -> simulate -> aggregate -> manifest), with heartbeats that
 * carry the phase and the events read.
 */
export async function analyseJob(job: JobRef): Promise<JobResult> {
  const { plan, paths } = await loadPlan(job.run);
  const inputs = (await readSecurityIndex(paths.work, job.security)).dates[job.date];
  if (!inputs) throw ApplicationFailure.nonRetryable(`job ${job.security}/${job.date} is not in the job index`, 'JobMissing');
  const fingerprint = jobFingerprint(inputs, plan);
  const outDir = jobOutputDir(paths, job.security, job.date);
  const committed = await readManifest(outDir);
  if (committed && committed.fingerprint === fingerprint) return resultOf(committed, 'skipped');

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
