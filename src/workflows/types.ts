/**
 * Small, serialisable values that travel through Temporal payloads: references, counts and summaries only,
 * never data rows (payloads must stay far below the 2 MB limit).
 */

import type { Counts, RunRef } from '../jobs/types';

export type { RunRef } from '../jobs/types';

export interface RetrySettings {
  maximumAttempts: number;
  initialIntervalSeconds: number;
  backoffCoefficient: number;
  maximumIntervalSeconds: number;
}

export interface Concurrency {
  shard: number;
  security: number;
  job: number;
  /** Heartbeat timeout of long activities, in seconds. */
  heartbeatTimeoutSeconds: number;
}

export interface PlanResult {
  run: RunRef;
  splits: number;
  files: number;
  bytes: number;
  /** First warnings (empty or header-only files...), capped. */
  warnings: string[];
  concurrency: Concurrency;
  retry: RetrySettings;
}

export interface SplitResult extends Counts {
  splitId: string;
  kind: string;
  bytes: number;
  /** Already committed by an earlier attempt or run: nothing redone. */
  reused: boolean;
}

export interface SecurityJobs {
  security: string;
  jobs: number;
}

export interface DiscoverResult {
  securities: SecurityJobs[];
  jobs: number;
  /** Configured (security, date) pairs without rows: reported, not failed. */
  empty: number;
}

export type JobStatus = 'done' | 'skipped' | 'failed';

export interface JobRef {
  run: RunRef;
  security: string;
  date: string;
}

/** Small jobs of one security that run in one activity (config `processing.smallJobs`). */
export interface JobBatchRef {
  run: RunRef;
  security: string;
  dates: string[];
}

export interface JobResult {
  security: string;
  date: string;
  status: JobStatus;
  orders: number;
  sweeps: number;
  rowsRead: number;
  error?: string;
}

export interface SecurityResult {
  security: string;
  done: number;
  skipped: number;
  failed: number;
  orders: number;
  rowsRead: number;
  /** Failed jobs with their error, capped at 100 per security. */
  failures: { date: string; error: string }[];
}

export interface RunResult {
  name: string;
  out: string;
  jobs: number;
  done: number;
  skipped: number;
  failed: number;
  empty: number;
  orders: number;
  reconciliation: Counts;
  /** Failed jobs: `job` is `<security>/<date>` for people; security and date are the key (date null: the whole security). */
  failures: { job: string; security?: string; date?: string | null; error: string }[];
  summaryFile: string;
}

export interface Progress {
  stage: 'planning' | 'sharding' | 'discovering' | 'jobs' | 'merging' | 'done';
  splits: { total: number; done: number };
  jobs: { total: number; done: number; skipped: number; failed: number; empty: number };
  securities: { total: number; done: number };
  rowsRead: number;
  bytes: number;
  startedAt: number;
}
