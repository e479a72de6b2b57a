import os from 'node:os';
import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import { sizeHost } from '../config/host-profile';
import { InputError } from '../io/csv-file';
import { RejectLimitError, shardSplitTask, type ShardOutcome, type ShardTask } from '../io/shard-split';
import { sharedThreadPool, ThreadTaskError } from '../threads/pool';
import type { RunRef, SplitResult } from '../workflows/types';
import { loadPlan, withHeartbeats } from './run-context';

export { readSplitManifest, type SplitManifest } from '../io/shard-split';

/**
 * Shards one split (stream once, validate, filter, route, commit atomically) on a worker thread, relaying
 * progress as heartbeats. A committed split is reused; input errors are not retried.
 */
export async function shardSplit(run: RunRef, splitIndex: number): Promise<SplitResult> {
  const { plan } = await loadPlan(run);
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
  let outcome: ShardOutcome;
  try {
    outcome = await withHeartbeats(() => pool.script ? pool.run({ type: 'shard', task }, beat) : shardSplitTask(task, beat));
  } catch (e) {
    const kind = e instanceof ThreadTaskError ? e.kind : e instanceof RejectLimitError ? 'RejectLimit' : e instanceof InputError ? 'InputError' : null;
    if (kind) throw ApplicationFailure.nonRetryable((e as Error).message, kind);
    throw e;
  }
  const m = outcome.manifest;
  if (!outcome.reused) Context.current().log.info('split committed', { splitId: m.splitId, ...m.totals });
  return { splitId: m.splitId, kind: m.kind, bytes: m.bytes, ...m.totals, reused: outcome.reused };
}
