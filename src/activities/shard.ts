import { Context, heartbeat } from '@temporalio/activity';
import { discardStaged, shardSplitTask, type ShardOutcome } from '../io/shard-split';
import { shardTaskOf } from '../jobs/shard-task';
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
  const pool = sharedThreadPool();
  const beat = (p: { bytes: number; rows: number }): void => heartbeat(p);
  const outcome: ShardOutcome = await step(async () => {
    const task = shardTaskOf(plan, splitIndex);
    try {
      return await withHeartbeats((signal) => pool.script ? pool.run({ type: 'shard', task }, beat, signal) : shardSplitTask(task, beat));
    } catch (e) {
      if (Context.current().cancellationSignal.aborted) await discardStaged(paths.staging, task.split.id);
      throw e;
    }
  });
  const m = outcome.manifest;
  if (!outcome.reused) Context.current().log.info('split committed', { splitId: m.splitId, ...m.totals });
  return { splitId: m.splitId, kind: m.kind, bytes: m.bytes, ...m.totals, reused: outcome.reused };
}
