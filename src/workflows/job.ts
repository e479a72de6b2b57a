import { ActivityCancellationType, ApplicationFailure, isCancellation, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type * as activities from '../activities';
import { JobStatusKey } from './shared';
import type { JobRef, JobResult, RetrySettings } from './types';
import { failureMessage, retryPolicy } from './util';

/**
 * One (security, date) job: a single `analyseJob` activity (ingest -> classify -> simulate -> aggregate on a
 * worker thread, the manifest written last), skipped when its manifest matches its inputs. The job fails
 * (visible as Failed in the UI, JobStatus=failed) when the activity fails after its retries; its security
 * workflow records that and carries on. A cancellation is rethrown (JobStatus=cancelled), never recorded as a failure.
 */
export async function jobWorkflow(job: JobRef, retry: RetrySettings, heartbeatTimeoutSeconds = 120): Promise<JobResult> {
  const { analyseJob } = proxyActivities<typeof activities>({
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: heartbeatTimeoutSeconds * 1000,
    retry: retryPolicy(retry),
    // A cancelled job ends only once its activity has stopped (seen through its heartbeats) and cleaned up,
    // so a cancelled run leaves no thread work running and nothing half-written behind it.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  upsertSearchAttributes([{ key: JobStatusKey, value: 'running' }]);
  try {
    const result = await analyseJob(job);
    upsertSearchAttributes([{ key: JobStatusKey, value: result.status }]);
    return result;
  } catch (e) {
    if (isCancellation(e)) {
      upsertSearchAttributes([{ key: JobStatusKey, value: 'cancelled' }]);
      throw e;
    }
    upsertSearchAttributes([{ key: JobStatusKey, value: 'failed' }]);
    throw ApplicationFailure.nonRetryable(`job ${job.security}/${job.date} failed: ${failureMessage(e)}`, 'JobFailed');
  }
}
