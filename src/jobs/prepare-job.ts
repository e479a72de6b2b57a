import { horizon } from '../domain/execution-quality';
import { existsSync } from 'node:fs';
import { jobRecordsDir, type RunPaths } from '../io/paths';
import type { JobRef, JobResult } from '../workflows/types';
import type { PartitionTask } from './analyse-partition';
import { StepError } from './errors';
import { jobFingerprint } from './fingerprint';
import { deleteJobShards, jobShardFiles } from './job-shards';
import { readSecurityIndex } from './job-index';
import { outputsProblem, readManifest } from './manifest';
import type { Plan } from './plan-store';
import { jobRejectProblem } from './reject-share';

/**
 * What a job does before any analysis: skip, when its manifest matches its inputs' fingerprint and every
 * output it lists is there as committed (deleting its shards when `processing.keepShards` is false);
 * refuse (RejectLimit), when its reject share is over the limit, and (ShardsMissing) when a shard it needs
 * is gone; otherwise run the partition task it returns.
 */
export async function prepareJob(plan: Plan, paths: RunPaths, job: JobRef): Promise<{ kind: 'skip'; result: JobResult } | { kind: 'run'; task: PartitionTask }> {
  const inputs = (await readSecurityIndex(paths.work, job.security, plan.id)).dates[job.date];
  if (!inputs) throw new StepError(`job ${job.security}/${job.date} is not in the job index`, 'JobMissing');
  const c = plan.config;
  const reference = plan.securities?.[job.security];
  const fingerprint = jobFingerprint(inputs, c, reference);
  const committed = await readManifest(jobRecordsDir(paths.out, job.security, job.date));
  if (committed && committed.fingerprint === fingerprint && (await outputsProblem(paths.out, committed)) === null) {
    const m = committed;
    // Committed by this very run (an attempt whose worker died after the commit): done here, not skipped.
    const status = m.planId === plan.id ? 'done' : 'skipped';
    // A rerun shards every input anew: a skipped job's shards are as unneeded as a finished one's.
    if (!c.processing.keepShards) await deleteJobShards(paths.work, inputs);
    return { kind: 'skip', result: { security: m.security, date: m.date, status, orders: m.orders, sweeps: m.sweeps, rowsRead: m.events.read } };
  }
  const problem = jobRejectProblem(job, inputs, c.thresholds.maxRejectShare, paths.rejects);
  if (problem) throw new StepError(problem, 'RejectLimit');
  const gone = jobShardFiles(paths.work, inputs).find((f) => !existsSync(f));
  if (gone !== undefined) {
    throw new StepError(`job ${job.security}/${job.date} must run again but its shard ${gone} is gone` +
      (c.processing.keepShards ? '' : ` (processing.keepShards is false: shards are deleted when their job commits)`) +
      `; start the run again (sweepflow resume ${c.name}) to shard its inputs anew`, 'ShardsMissing');
  }
  return {
    kind: 'run',
    task: {
      security: job.security, date: job.date, work: paths.work, out: paths.out, formats: c.output.formats, fingerprint, planId: plan.id, inputs,
      keepShards: c.processing.keepShards,
      reference: { name: reference?.name ?? null, priceDecimals: reference?.priceDecimals ?? null },
      settings: {
        masks: { centrePoint: c.filters.centrePointMask, sweep: c.filters.sweepMask },
        scenario: { fullFillRatio: c.thresholds.fullFillRatio, immediateSeconds: c.thresholds.immediateSeconds },
        sizeEdges: c.thresholds.sizeEdges,
        markoutHorizons: c.thresholds.markoutHorizons.map(horizon), fillHorizons: c.thresholds.fillHorizons.map(horizon),
      },
      orderFilters: { participants: c.filters.participants, tradingHours: c.filters.tradingHours },
    },
  };
}
