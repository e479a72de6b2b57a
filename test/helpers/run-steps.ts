import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { shardSplitTask } from '../../src/io/shard-split';
import { discoverJobMatrix } from '../../src/jobs/discover-jobs';
import { planRunStep } from '../../src/jobs/plan-run';
import { loadPlanFile } from '../../src/jobs/plan-store';
import { shardTaskOf } from '../../src/jobs/shard-task';

const never = new AbortController().signal;

/** A run's first steps without Temporal (the engine-free modules the activities adapt): plan, every split's shard, discover. */
export async function shardedRun(raw: unknown) {
  const { plan, result } = await planRunStep(raw, never, () => undefined);
  const { paths } = await loadPlanFile(result.run);
  for (let i = 0; i < plan.splits.length; i++) await shardSplitTask(shardTaskOf(plan, i), () => undefined);
  const matrix = await discoverJobMatrix(plan, paths);
  return { plan, result, paths, matrix };
}

/** Every file under a folder, depth first (none when it does not exist). */
export function filesUnder(d: string): string[] {
  if (!existsSync(d)) return [];
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? filesUnder(path.join(d, e.name)) : [path.join(d, e.name)]);
}
