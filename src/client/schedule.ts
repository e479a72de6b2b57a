import path from 'node:path';
import { Client, ScheduleOverlapPolicy, type ScheduleHandle } from '@temporalio/client';
import type { RunConfig } from '../config/schema';
import { TASK_QUEUE } from '../workflows/shared';

/** Schedule id of a run name: one schedule per run. */
export function scheduleId(name: string): string {
  return `sweepflow-schedule-${name}`;
}

/** Parses "30s", "15m", "2h", "1d" into milliseconds; undefined when malformed. */
export function parseInterval(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/**
 * A Temporal Schedule that starts the run every `everyMs`: each start plans the inputs again (globs and
 * folders pick up files that landed since), shards them and runs only the jobs whose inputs changed or are
 * new. A start is skipped while the previous scheduled start is still going (overlap policy SKIP), and
 * refused while a manual run of the same name is (workflows/scheduled-run).
 */
export async function createSchedule(client: Client, config: RunConfig, everyMs: number, taskQueue = TASK_QUEUE): Promise<ScheduleHandle> {
  const input: RunConfig = { ...config, baseDir: path.resolve(config.baseDir ?? process.cwd()) };
  return client.schedule.create({
    scheduleId: scheduleId(config.name),
    spec: { intervals: [{ every: everyMs }] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: everyMs },
    action: {
      // The scheduled workflow starts the run under the manual run's id (workflows/scheduled-run), so a
      // schedule and a manual run of one name never run at once; Temporal appends the time to this id.
      type: 'startWorkflow', workflowType: 'scheduledRun', taskQueue, args: [input],
      workflowId: `sweepflow-scheduled-${config.name}`,
    },
    memo: { description: `sweepflow run ${config.name} every ${everyMs / 1000}s` },
  });
}
