import { ActivityCancellationType, continueAsNew, executeChild, isCancellation, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities';
import { jobWorkflow } from './job';
import { type BatchedStatuses, JobStatusKey, RunNameKey, securityProgressQuery, SecurityKey, TradeDateKey } from './shared';
import type { JobResult, RetrySettings, RunRef, SecurityResult } from './types';
import { failureMessage, historyIsLong, inPool } from './util';

/**
 * The security workflow's short bookkeeping activities (list its dates, record its jobs' statuses): they
 * take milliseconds and send no heartbeats, so their start-to-close timeout is how long a worker that died
 * holding one stalls the security. Twice the job heartbeat timeout (at least 30 s) finds that out as soon
 * as a lost job activity would be found.
 */
function bookkeeping(heartbeatTimeoutSeconds: number) {
  return proxyActivities<typeof activities>({
    startToCloseTimeout: Math.max(30, 2 * heartbeatTimeoutSeconds) * 1000,
    retry: { maximumAttempts: 5 },
  });
}

/** What one execution hands to the next through continue-as-new: dates still to run and counts so far. */
export interface SecurityCarry {
  /** Dates still to run, one job workflow each (executions started before small-job batches). */
  dates: string[];
  /** Date groups still to run (jobs/job-batches): a group of one is a job workflow, a larger one a batch. @default undefined */
  groups?: string[][];
  total: number;
  result: SecurityResult;
  /** Executions before this one in the chain (names this execution's status record). @default 0 */
  segment?: number;
  /** Dates run in batches so far, for the progress query. @default {} */
  batched?: BatchedStatuses;
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
 * `<run id>/<security>/<date>`, at most `jobConcurrency` in flight; small jobs (config `processing.smallJobs`)
 * run a batch at a time in one `analyseJobs` activity instead, and a batch that fails runs again as one child
 * per date, so a failure is retried and recorded for its own date. A failed job is recorded, never fatal.
 * When the history grows past the server's suggestion (or `maxHistoryEvents`), it stops starting children,
 * lets those in flight finish, and continues as new with the remaining dates, so no history grows with the
 * number of dates. The parent's `executeChild` follows the chain and gets the last execution's result.
 */
/** Executions started before small-job batches replay with one job workflow per date. */
async function listGroups(run: RunRef, security: string, { listJobBatches, listJobDates }: ReturnType<typeof bookkeeping>): Promise<string[][]> {
  if (patched('job-batches')) return listJobBatches(run, security);
  return (await listJobDates(run, security)).map((d) => [d]);
}

export async function securityWorkflow(input: SecurityInput): Promise<SecurityResult> {
  const result: SecurityResult = input.carry?.result
    ?? { security: input.security, done: 0, skipped: 0, failed: 0, orders: 0, rowsRead: 0, failures: [] };
  let running = 0;
  let total = input.carry?.total ?? 0;
  const batched: BatchedStatuses = input.carry?.batched ?? {};
  setHandler(securityProgressQuery, () => ({ ...result, total, running, batched }));
  const short = bookkeeping(input.heartbeatTimeoutSeconds ?? 60);
  const groups = input.carry ? input.carry.groups ?? input.carry.dates.map((d) => [d]) : await listGroups(input.run, input.security, short);
  if (!input.carry) total = groups.reduce((n, g) => n + g.length, 0);
  const parentId = workflowInfo().workflowId;
  const maxEvents = input.maxHistoryEvents ?? 8000;
  const segment = input.carry?.segment ?? 0;
  // What each job workflow returned, recorded for the merge (a file per execution: the record stays small).
  const statuses: Record<string, 'done' | 'skipped'> = {};
  const record = async (): Promise<void> => {
    if (patched('record-job-statuses')) await short.recordJobStatuses({ run: input.run, security: input.security, segment, statuses });
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
      count(r);
    } catch (e) {
      if (isCancellation(e)) throw e; // the run was cancelled: so is this security, not failed
      result.failed++;
      if (result.failures.length < 100) result.failures.push({ date, error: failureMessage(e) });
    } finally {
      running--;
    }
  };

  const { analyseJobs } = proxyActivities<typeof activities>({
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: 2 * (input.heartbeatTimeoutSeconds ?? 60) * 1000,
    // One attempt: a batch that fails runs again date by date, each with the run's retry policy.
    retry: { maximumAttempts: 1 },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const runBatch = async (dates: string[]): Promise<void> => {
    running += dates.length;
    for (const d of dates) batched[d] = 'running';
    let results: JobResult[] | null = null;
    try {
      results = await analyseJobs({ run: input.run, security: input.security, dates });
    } catch (e) {
      if (isCancellation(e)) throw e;
    } finally {
      running -= dates.length;
    }
    if (!results) {
      for (const d of dates) delete batched[d];
      for (const date of dates) await runJob(date);
      return;
    }
    for (const r of results) {
      count(r);
      batched[r.date] = r.status === 'skipped' ? 'skipped' : 'done';
    }
  };
  const count = (r: JobResult): void => {
    if (r.status === 'skipped') result.skipped++;
    else result.done++;
    statuses[r.date] = r.status === 'skipped' ? 'skipped' : 'done';
    result.orders += r.orders;
    result.rowsRead += r.rowsRead;
  };

  const started = await inPool(groups, input.jobConcurrency, (g) => g.length === 1 ? runJob(g[0]) : runBatch(g), () => historyIsLong(maxEvents));
  if (started < groups.length) {
    // Every child started here has finished (the lanes drained), so nothing is left pending.
    await record();
    const rest = groups.slice(started);
    await continueAsNew<typeof securityWorkflow>({ ...input, carry: { dates: rest.flat(), groups: rest, total, result, segment: segment + 1, batched } });
  }
  await record();
  return result;
}
