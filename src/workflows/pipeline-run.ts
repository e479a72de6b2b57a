import { ActivityCancellationType, ApplicationFailure, continueAsNew, executeChild, isCancellation, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities';
import { securityWorkflow } from './security';
import { JobStatusKey, progressQuery, RunNameKey, SecurityKey } from './shared';
import type { DiscoverResult, PlanResult, Progress, RunResult } from './types';
import { failureMessage, historyIsLong, inPool, retryPolicy } from './util';

const planning = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 minutes',
  // Before the plan there is no config to read a heartbeat timeout from; the planner heartbeats every 2 s.
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: ['ConfigError', 'InputError'] },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/**
 * What one execution of a run hands to the next through continue-as-new, once its securities are under
 * way: the plan and job matrix (never redone), where the fan-out stands, and the counts so far.
 */
export interface RunCarry {
  plan: PlanResult;
  jobs: DiscoverResult;
  /** Index in `jobs.securities` of the first security not yet started. */
  next: number;
  progress: Progress;
  failures: RunResult['failures'];
  orders: number;
  startedAt: string;
  stageMs: Record<string, number>;
}

/** Continue as new past this many events even when the server has not suggested it. */
const MAX_HISTORY_EVENTS = 8000;

/**
 * A whole run: plan -> shard every split -> discover the job matrix -> one child per security (each
 * fanning out to its dates) -> merge. The input is the plain JSON config, so the Temporal CLI can start it:
 * `temporal workflow start --type pipelineRun --task-queue sweepflow --input-file config/sample.json`.
 * With very many securities the run continues as new during the fan-out (when the server suggests it, or
 * at 8,000 events): it lets the security workflows in flight finish and carries the rest (`RunCarry`).
 */
export async function pipelineRunWorkflow(config: unknown, carry?: RunCarry): Promise<RunResult> {
  try {
    return await runStages(config, carry);
  } catch (e) {
    // Cancelled (`sweepflow cancel`): every child and activity has stopped by now; the run ends Cancelled.
    if (isCancellation(e)) upsertSearchAttributes([{ key: JobStatusKey, value: 'cancelled' }]);
    throw e;
  }
}

async function runStages(config: unknown, carry?: RunCarry): Promise<RunResult> {
  const startedAt = carry?.startedAt ?? new Date().toISOString(); // workflow time: deterministic on replay
  const progress: Progress = carry?.progress ?? {
    stage: 'planning', splits: { total: 0, done: 0 },
    jobs: { total: 0, done: 0, skipped: 0, failed: 0, empty: 0 }, securities: { total: 0, done: 0 },
    rowsRead: 0, bytes: 0, startedAt: Date.now(),
  };
  setHandler(progressQuery, () => progress);
  // Wall time per stage, for summary.json (workflow time: deterministic on replay).
  const stageMs: Record<string, number> = carry?.stageMs ?? {};
  let stageStart = Date.now();
  const endStage = (name: string): void => {
    stageMs[name] = (stageMs[name] ?? 0) + Date.now() - stageStart;
    stageStart = Date.now();
  };

  const plan: PlanResult = carry?.plan ?? await planning.planRun(config);
  const { run } = plan;
  if (!carry) {
    if (!workflowInfo().typedSearchAttributes.get(RunNameKey)) upsertSearchAttributes([{ key: RunNameKey, value: run.name }]);
    upsertSearchAttributes([{ key: JobStatusKey, value: 'running' }]);
  }
  const retry = retryPolicy(plan.retry);
  const heartbeatTimeout = plan.concurrency.heartbeatTimeoutSeconds * 1000;
  const cancellationType = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;
  const work = proxyActivities<typeof activities>({ startToCloseTimeout: '4 hours', heartbeatTimeout, retry, cancellationType });
  const merging = proxyActivities<typeof activities>({ startToCloseTimeout: '2 hours', heartbeatTimeout: 2 * heartbeatTimeout, retry, cancellationType });

  let jobs: DiscoverResult;
  if (carry) jobs = carry.jobs;
  else {
    endStage('plan');
    progress.stage = 'sharding';
    progress.splits.total = plan.splits;
    const indexes = Array.from({ length: plan.splits }, (_, i) => i);
    await inPool(indexes, plan.concurrency.shard, async (i) => {
      const r = await work.shardSplit(run, i);
      progress.splits.done++;
      progress.rowsRead += r.read;
      progress.bytes += r.bytes;
    });

    endStage('shard');
    progress.stage = 'discovering';
    jobs = await work.discoverJobs(run);
    progress.jobs.total = jobs.jobs;
    progress.jobs.empty = jobs.empty;
    progress.securities.total = jobs.securities.length;
    endStage('discover');
  }

  progress.stage = 'jobs';
  const failures: RunResult['failures'] = carry?.failures ?? [];
  let orders = carry?.orders ?? 0;
  const parentId = workflowInfo().workflowId;
  const first = carry?.next ?? 0;
  const remaining = jobs.securities.slice(first);
  const started = await inPool(remaining, plan.concurrency.security, async ({ security }) => {
    try {
      const r = await executeChild(securityWorkflow, {
        workflowId: `${parentId}/${security}`,
        args: [{ run, security, jobConcurrency: plan.concurrency.job, retry: plan.retry, heartbeatTimeoutSeconds: plan.concurrency.heartbeatTimeoutSeconds }],
        typedSearchAttributes: [{ key: RunNameKey, value: run.name }, { key: SecurityKey, value: security }],
      });
      progress.jobs.done += r.done;
      progress.jobs.skipped += r.skipped;
      progress.jobs.failed += r.failed;
      orders += r.orders;
      for (const f of r.failures) if (failures.length < 1000) failures.push({ job: `${security}/${f.date}`, security, date: f.date, error: f.error });
    } catch (e) {
      if (isCancellation(e)) throw e;
      // A security workflow does not fail on job failures; reaching here means it could not run at all.
      failures.push({ job: `${security}/*`, security, date: null, error: failureMessage(e) });
    }
    progress.securities.done++;
  }, () => historyIsLong(MAX_HISTORY_EVENTS));
  if (started < remaining.length) {
    // Every security workflow started here has finished (the lanes drained): carry on in a new execution.
    endStage('jobs');
    await continueAsNew<typeof pipelineRunWorkflow>(config, { plan, jobs, next: first + started, progress, failures, orders, startedAt, stageMs });
  }

  endStage('jobs');
  progress.stage = 'merging';
  const merged = await merging.mergeRun({ run, startedAt, failures, stageMs });
  progress.stage = 'done';
  upsertSearchAttributes([{ key: JobStatusKey, value: merged.failed > 0 ? 'completed_with_failures' : 'done' }]);
  if (jobs.jobs === 0 && jobs.empty === 0) {
    throw ApplicationFailure.nonRetryable(`run ${run.name}: the inputs hold no order rows, nothing to analyse`, 'NoJobs');
  }
  return {
    name: run.name, out: run.out, jobs: merged.jobs, done: progress.jobs.done, skipped: progress.jobs.skipped,
    failed: merged.failed, empty: merged.empty, orders: merged.orders || orders, reconciliation: merged.reconciliation,
    failures: failures.slice(0, 100), summaryFile: merged.summaryFile,
  };
}
