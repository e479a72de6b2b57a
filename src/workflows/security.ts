import { executeChild, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities';
import { jobWorkflow } from './job';
import { JobStatusKey, RunNameKey, securityProgressQuery, SecurityKey, TradeDateKey } from './shared';
import type { RetrySettings, RunRef, SecurityResult } from './types';
import { failureMessage, inPool } from './util';

const { listJobDates } = proxyActivities<typeof activities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 5 },
});

export interface SecurityInput {
  run: RunRef;
  security: string;
  /** Job children in flight at once. */
  jobConcurrency: number;
  retry: RetrySettings;
  /** Heartbeat timeout of the job activities, in seconds. @default 120 */
  heartbeatTimeoutSeconds?: number;
}

/**
 * The middle level of the fan-out tree (run -> security -> date): one child per trading date with id
 * `<run id>/<security>/<date>`, at most `jobConcurrency` in flight. A failed job is recorded, never fatal.
 */
export async function securityWorkflow(input: SecurityInput): Promise<SecurityResult> {
  const result: SecurityResult = { security: input.security, done: 0, skipped: 0, failed: 0, orders: 0, rowsRead: 0, failures: [] };
  let total = 0, running = 0;
  setHandler(securityProgressQuery, () => ({ ...result, total, running }));
  const dates = await listJobDates(input.run, input.security);
  total = dates.length;
  const parentId = workflowInfo().workflowId;
  await inPool(dates, input.jobConcurrency, async (date) => {
    running++;
    try {
      const r = await executeChild(jobWorkflow, {
        workflowId: `${parentId}/${date}`,
        args: [{ run: input.run, security: input.security, date }, input.retry, 2 * (input.heartbeatTimeoutSeconds ?? 60)],
        typedSearchAttributes: [
          { key: RunNameKey, value: input.run.name },
          { key: SecurityKey, value: input.security },
          { key: TradeDateKey, value: date },
          { key: JobStatusKey, value: 'pending' },
        ],
      });
      if (r.status === 'skipped') result.skipped++;
      else result.done++;
      result.orders += r.orders;
      result.rowsRead += r.rowsRead;
    } catch (e) {
      result.failed++;
      if (result.failures.length < 100) result.failures.push({ date, error: failureMessage(e) });
    } finally {
      running--;
    }
  });
  return result;
}
