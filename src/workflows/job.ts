import { ApplicationFailure, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type * as activities from '../activities';
import { JobStatusKey } from './shared';
import type { JobRef, JobResult, RetrySettings } from './types';
import { failureMessage, retryPolicy } from './util';

/**
 * One (security, date) job: ingest -> classify -> simulate -> aggregate. A job whose manifest matches its inputs is
 * skipped after ingest's check. The job fails (visible as Failed in the UI, JobStatus=failed) when an
 * activity fails after its retries; its security workflow records that and carries on.
 */
export async function jobWorkflow(job: JobRef, retry: RetrySettings, heartbeatTimeoutSeconds = 120): Promise<JobResult> {
  const acts = proxyActivities<typeof activities>({
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: heartbeatTimeoutSeconds * 1000,
    retry: retryPolicy(retry),
  });
  upsertSearchAttributes([{ key: JobStatusKey, value: 'running' }]);
  try {
    const ingest = await acts.ingestJob(job);
    if (ingest.skipped) {
      upsertSearchAttributes([{ key: JobStatusKey, value: 'skipped' }]);
      return await acts.jobSummary(job);
    }
    await acts.classifyJob(job);
    await acts.simulateJob(job);
    const result = await acts.aggregateJob(job);
    upsertSearchAttributes([{ key: JobStatusKey, value: 'done' }]);
    return result;
  } catch (e) {
    upsertSearchAttributes([{ key: JobStatusKey, value: 'failed' }]);
    throw ApplicationFailure.nonRetryable(`job ${job.security}/${job.date} failed: ${failureMessage(e)}`, 'JobFailed');
  }
}
