import { discoverJobMatrix } from '../jobs/discover-jobs';
import { batchJobDates } from '../jobs/job-batches';
import { listJobDates as datesOf, readSecurityIndex } from '../jobs/job-index';
import { writeJobStatuses, type RecordedStatus } from '../jobs/job-status';
import type { DiscoverResult, RunRef } from '../workflows/types';
import { loadPlan, step } from './run-context';

/** The job matrix from the committed shards (jobs/discover-jobs); only its counts travel back. */
export async function discoverJobs(run: RunRef): Promise<DiscoverResult> {
  const { plan, paths } = await loadPlan(run);
  const index = await step(() => discoverJobMatrix(plan, paths));
  return { securities: index.securities, jobs: index.jobs, empty: index.empty };
}

/** The dates of one security's jobs, for its workflow's fan-out. */
export async function listJobDates(run: RunRef, security: string): Promise<string[]> {
  return step(() => datesOf(run.work, security, run.planId));
}

/**
 * The dates of one security's jobs in groups, in date order: a group of one is a job workflow, a larger
 * one a batch of small jobs in one activity (jobs/job-batches, config `processing.smallJobs`).
 */
export async function listJobBatches(run: RunRef, security: string): Promise<string[][]> {
  const { plan } = await loadPlan(run);
  return step(async () => batchJobDates((await readSecurityIndex(run.work, security, run.planId)).dates, plan.config.processing.smallJobs));
}

/** Records what a security workflow's jobs returned (jobs/job-status), which the merge reads. */
export async function recordJobStatuses(input: { run: RunRef; security: string; segment: number; statuses: Record<string, RecordedStatus> }): Promise<void> {
  await step(() => writeJobStatuses(input.run.work, { planId: input.run.planId, security: input.security, segment: input.segment, statuses: input.statuses }));
}
