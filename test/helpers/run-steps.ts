import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { shardSplitTask } from '../../src/io/shard-split';
import { jobRecordsDir, type RunPaths } from '../../src/io/paths';
import { discoverJobMatrix } from '../../src/jobs/discover-jobs';
import { readSecurityIndex } from '../../src/jobs/job-index';
import type { JobManifest } from '../../src/jobs/manifest';
import { planRunStep } from '../../src/jobs/plan-run';
import { loadPlanFile } from '../../src/jobs/plan-store';
import type { JobInputs } from '../../src/jobs/types';
import { shardTaskOf } from '../../src/jobs/shard-task';

const never = new AbortController().signal;

/**
 * A run's first steps without Temporal (the engine-free modules the activities adapt): plan, every split's
 * shard (in the plan's order unless `reversed`), discover.
 */
export async function shardedRun(raw: unknown, reversed = false) {
  const { plan, result } = await planRunStep(raw, never, () => undefined);
  const { paths } = await loadPlanFile(result.run);
  const order = plan.splits.map((_, i) => i);
  for (const i of reversed ? order.reverse() : order) await shardSplitTask(shardTaskOf(plan, i), () => undefined);
  const matrix = await discoverJobMatrix(plan, paths);
  return { plan, result, paths, matrix };
}

/** Every file under a folder, depth first (none when it does not exist). */
export function filesUnder(d: string): string[] {
  if (!existsSync(d)) return [];
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? filesUnder(path.join(d, e.name)) : [path.join(d, e.name)]);
}

/** Every job of a sharded run, security by security, dates in order, with its inputs from the job index. */
export async function jobsOf({ plan, paths, matrix }: Awaited<ReturnType<typeof shardedRun>>): Promise<{ security: string; date: string; inputs: JobInputs }[]> {
  const jobs: { security: string; date: string; inputs: JobInputs }[] = [];
  for (const { security } of matrix.securities) {
    const { dates } = await readSecurityIndex(paths.work, security, plan.id);
    for (const date of Object.keys(dates).sort()) jobs.push({ security, date, inputs: dates[date] });
  }
  return jobs;
}

/** The manifest a job committed. */
export function committedManifest(paths: RunPaths, security: string, date: string): JobManifest {
  return JSON.parse(readFileSync(path.join(jobRecordsDir(paths.out, security, date), 'manifest.json'), 'utf8')) as JobManifest;
}
