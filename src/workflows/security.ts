import { continueAsNew, executeChild, isCancellation, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities';
import { jobWorkflow } from './job';
import { JobStatusKey, RunNameKey, securityProgressQuery, SecurityKey, TradeDateKey } from './shared';
import type { RetrySettings, RunRef, SecurityResult } from './types';
import { failureMessage, historyIsLong, inPool } from './util';

const { listJobDates, recordJobStatuses } = proxyActivities<typeof activities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 5 },
});

/** What one execution hands to the next through continue-as-new: dates still to run and counts so far. */
export interface SecurityCarry {
  dates: string[];
  total: number;
  result: SecurityResult;
  /** Executions before this one in the chain (names this execution's status record). @default 0 */
  segment?: number;
}

export interface SecurityInput {
  run: RunRef;
  security: string;
  /** Job children in flight at once (the server's pending-children limit is 2,000; the config caps this at 500). */
  jobConcurrency: number;
  retry: RetrySettings;
  /** Heartbeat timeout of the job activities, in seconds. @default 60 */
  heartbeatTimeoutSeconds?: number;
  /**
   * Continue as new once this execution's history holds this many events, even when the server has not
   * suggested it yet (it suggests at `limit.historyCount.suggestContinueAsNew`, 4,096 events by default).
   * @default 8000
   */
  maxHistoryEvents?: number;
  /** Set only by continue-as-new. @default undefined (a fresh start lists the dates) */
  carry?: SecurityCarry;
}

/**
 * The middle level of the fan-out tree (run -> security -> date): one child per trading date with id
 * `<run id>/<security>/<date>`, at most `jobConcurrency` in flight. A failed job is recorded, never fatal.
 * When the history grows past the server's suggestion (or `maxHistoryEvents`), it stops starting children,
 * lets those in flight finish, and continues as new with the remaining dates, so no history grows with the
 * number of dates. The parent's `executeChild` follows the chain and gets the last execution's result.
 */
export async function securityWorkflow(input: SecurityInput): Promise<SecurityResult> {
  const result: SecurityResult = input.carry?.result
    ?? { security: input.security, done: 0, skipped: 0, failed: 0, orders: 0, rowsRead: 0, failures: [] };
  let running = 0;
  let total = input.carry?.total ?? 0;
  setHandler(securityProgressQuery, () => ({ ...result, total, running }));
  const dates = input.carry?.dates ?? await listJobDates(input.run, input.security);
  if (!input.carry) total = dates.length;
  const parentId = workflowInfo().workflowId;
  const maxEvents = input.maxHistoryEvents ?? 8000;
  const segment = input.carry?.segment ?? 0;
  // What each job workflow returned, recorded for the merge (a file per execution: the record stays small).
  const statuses: Record<string, 'done' | 'skipped'> = {};
  const record = async (): Promise<void> => {
    if (patched('record-job-statuses')) await recordJobStatuses({ run: input.run, security: input.security, segment, statuses });
  };

  const runJob = async (date: string): Promise<void> => {
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
      statuses[date] = r.status === 'skipped' ? 'skipped' : 'done';
      result.orders += r.orders;
      result.rowsRead += r.rowsRead;
    } catch (e) {
      if (isCancellation(e)) throw e; // the run was cancelled: so is this security, not failed
      result.failed++;
      if (result.failures.length < 100) result.failures.push({ date, error: failureMessage(e) });
    } finally {
      running--;
    }
  };

  const started = await inPool(dates, input.jobConcurrency, runJob, () => historyIsLong(maxEvents));
  if (started < dates.length) {
    // Every child started here has finished (the lanes drained), so nothing is left pending.
    await record();
    await continueAsNew<typeof securityWorkflow>({ ...input, carry: { dates: dates.slice(started), total, result, segment: segment + 1 } });
  }
  await record();
  return result;
}
