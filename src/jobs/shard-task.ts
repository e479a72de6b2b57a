import os from 'node:os';
import { sizeHost } from '../config/host-profile';
import type { ShardTask } from '../io/shard-split';
import { StepError } from './errors';
import type { Plan } from './plan-store';

/** The shard task of split `splitIndex` of a plan: plain data, so it can be posted to a worker thread. */
export function shardTaskOf(plan: Plan, splitIndex: number): ShardTask {
  const split = plan.splits[splitIndex];
  if (!split) throw new StepError(`split ${splitIndex} is not in the plan of ${plan.config.name}`, 'PlanMismatch');
  const c = plan.config;
  return {
    baseDir: plan.baseDir, outputDir: c.output.dir, workDir: c.output.workDir, runName: c.name, planCreatedAt: plan.createdAt,
    split, columns: c.columns,
    files: split.parts.map((p) => { const f = plan.files[p.file]; return { index: p.file, path: f.path, size: f.size, mtimeMs: f.mtimeMs }; }),
    masks: { centrePoint: c.filters.centrePointMask, sweep: c.filters.sweepMask }, maxRejectShare: c.thresholds.maxRejectShare,
    compressShards: c.processing.compressShards,
    chunkRows: typeof c.processing.chunkRows === 'number' ? c.processing.chunkRows
      : sizeHost(os.availableParallelism(), os.totalmem() / 1048576, os.freemem() / 1048576, c.processing).chunkRows,
  };
}
