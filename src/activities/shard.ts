import os from 'node:os';
import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import { sizeHost } from '../config/host-profile';
import { discardStaged, shardSplitTask, type ShardOutcome, type ShardTask } from '../io/shard-split';
import { sharedThreadPool } from '../threads/pool';
import type { RunRef, SplitResult } from '../workflows/types';
import { loadPlan, step, withHeartbeats } from './run-context';

/**
 * Shards one split (stream once, validate, filter, route, commit atomically) on a worker thread, relaying
 * progress as heartbeats. A committed split is reused; input errors are not retried. A cancellation stops
 * the thread and removes what it staged.
 */
export async function shardSplit(run: RunRef, splitIndex: number): Promise<SplitResult> {
  const { plan, paths } = await loadPlan(run);
  const split = plan.splits[splitIndex];
  if (!split) throw ApplicationFailure.nonRetryable(`split ${splitIndex} is not in the plan of ${run.name}`, 'PlanMismatch');
  const c = plan.config;
  const task: ShardTask = {
    baseDir: plan.baseDir, outputDir: c.output.dir, workDir: c.output.workDir, runName: c.name, planCreatedAt: plan.createdAt,
    split, columns: c.columns,
    files: split.parts.map((p) => { const f = plan.files[p.file]; return { index: p.file, path: f.path, size: f.size, mtimeMs: f.mtimeMs }; }),
    masks: { centrePoint: c.filters.centrePointMask, sweep: c.filters.sweepMask }, maxRejectShare: c.thresholds.maxRejectShare,
    chunkRows: typeof c.processing.chunkRows === 'number' ? c.processing.chunkRows
      : sizeHost(os.availableParallelism(), os.totalmem() / 1048576, os.freemem() / 1048576, c.processing).chunkRows,
  };
  const pool = sharedThreadPool();
  const beat = (p: { bytes: number; rows: number }): void => heartbeat(p);
  const outcome: ShardOutcome = await step(async () => {
    try {
      return await withHeartbeats((signal) => pool.script ? pool.run({ type: 'shard', task }, beat, signal) : shardSplitTask(task, beat));
    } catch (e) {
      if (Context.current().cancellationSignal.aborted) await discardStaged(paths.staging, split.id);
      throw e;
    }
  });
  const m = outcome.manifest;
  if (!outcome.reused) Context.current().log.info('split committed', { splitId: m.splitId, ...m.totals });
  return { splitId: m.splitId, kind: m.kind, bytes: m.bytes, ...m.totals, reused: outcome.reused };
}
