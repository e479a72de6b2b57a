import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import * as activities from '../activities';
import { detectHost, type HostProfile } from '../config/host-profile';
import { envInt } from '../config/env';
import { bundleWorkflows } from './bundle';
import { boundHeapGrowth, threadHeapMb, threadYoungMb } from './memory';
import { configSchema } from '../config/schema';
import { TASK_QUEUE } from '../workflows/shared';

export interface SweepflowWorkerOptions {
  connection: NativeConnection;
  /** @default "default" */
  namespace?: string;
  /** @default "sweepflow" */
  taskQueue?: string;
  /** Host sizing; detected from this host when absent. */
  profile?: HostProfile;
  /** Seconds in-flight activities get to finish on shutdown before they are cancelled. @default 30 */
  shutdownGraceSeconds?: number;
  /** A prebuilt workflow bundle; when absent the worker bundles its workflows in a child process (worker/bundle.ts). */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/**
 * The sweepflow worker: every workflow and activity on one task queue, with activity slots sized from the
 * host profile (CPU-bound ingest: about one per core).
 */
export async function createSweepflowWorker(opts: SweepflowWorkerOptions): Promise<{ worker: Worker; profile: HostProfile }> {
  const profile = opts.profile ?? (await detectHost(configSchema.shape.processing.parse(undefined)));
  const slots = envInt('SWEEPFLOW_ACTIVITY_SLOTS', 1, 10_000, profile.activitySlots);
  boundHeapGrowth();
  // Validated here: a bad value stops the worker at its start, not each job on its thread.
  threadHeapMb();
  threadYoungMb();
  const worker = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    workflowBundle: opts.workflowBundle ?? { code: await bundleWorkflows(require.resolve('../workflows')) },
    activities,
    maxConcurrentActivityTaskExecutions: slots,
    maxConcurrentWorkflowTaskExecutions: 40,
    // Every open workflow should stay cached: an evicted security workflow is replayed from its whole history
    // on its next event. Up to securityConcurrency x jobConcurrency jobs are open at once (10 x 20 by default;
    // 1 MB or less each).
    maxCachedWorkflows: envInt('SWEEPFLOW_MAX_CACHED_WORKFLOWS', 1, 1_000_000, 2000),
    shutdownGraceTime: `${opts.shutdownGraceSeconds ?? 30} seconds`,
    // A cancellation reaches an activity only in the answer to a heartbeat the SDK sends on; by default it
    // sends one per 0.8 x heartbeat timeout (48 s at 60 s), so a cancelled run would wait that long for its
    // threads to stop. One heartbeat RPC per running activity per second costs the server little and stops a
    // cancelled run's threads within about a second.
    maxHeartbeatThrottleInterval: '1 second',
    // How long the server holds a cached workflow's task for this worker before any worker may take it; a
    // killed worker costs the run that long. @default 10 s
    stickyQueueScheduleToStartTimeout: `${envInt('SWEEPFLOW_STICKY_TIMEOUT_SECONDS', 1, 3600, 10)} seconds`,
  });
  return { worker, profile: { ...profile, activitySlots: slots } };
}
