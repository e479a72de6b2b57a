import path from 'node:path';
import { parseConfig } from '../../src/config/load';
import { createSchedule } from '../../src/client/schedule';
import type { ScheduledRunResult } from '../../src/workflows/scheduled-run';
import { checkedOutputs, DATA, ensureDataset, eventually, LARGE, referenceOutputs, runConfig, startWorkers, useCluster } from './scenario';
import { startRun } from './faults';

/**
 * (g) A schedule fires while a manual run of the same name is running: the scheduled start is refused
 * (its workflow says why), never a second run in the same folders; the manual run completes unharmed.
 */
const cluster = useCluster();
const workers = cluster.workers;

it('(g) refuses a scheduled start while a manual run of the same name runs', async () => {
  const ref = await referenceOutputs(cluster.client(), LARGE);
  workers.push(...await startWorkers(cluster.client(), 'sched', 3));
  const inputs = path.relative(DATA, await ensureDataset(LARGE));
  const raw = runConfig('overlap', inputs);
  const manual = startRun('overlap', raw);
  const handle = cluster.client().workflow.getHandle('sweepflow-overlap');
  await eventually(async () => ((await handle.describe().catch(() => null))?.status.name === 'RUNNING' ? true : undefined), 30_000, 'the manual run');

  const schedule = await createSchedule(cluster.client(), parseConfig(raw, 'test', {}), 3_600_000);
  try {
    const firedAt = new Date(Date.now() - 1000);
    await schedule.trigger();
    const scheduled = await eventually(async () => {
      for await (const w of cluster.client().workflow.list({ query: `WorkflowType = "scheduledRun" AND StartTime >= "${firedAt.toISOString()}"` })) {
        if (w.status.name !== 'RUNNING') return w;
      }
      return undefined;
    }, 60_000, 'the scheduled start to finish');
    const outcome = (await cluster.client().workflow.getHandle(scheduled.workflowId, scheduled.runId).result()) as ScheduledRunResult;
    expect(outcome).toEqual({ started: false, refused: expect.stringContaining('run overlap was already running (workflow sweepflow-overlap)') });
    // Only the manual run ever ran under that name, and it was still running when the schedule fired.
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const result = await manual;
    let runs = 0;
    for await (const w of cluster.client().workflow.list({ query: 'RunName = "overlap" AND WorkflowType = "pipelineRun"' })) runs += w.workflowId === 'sweepflow-overlap' ? 1 : 100;
    expect(runs).toBe(1);
    expect(result).toMatchObject({ jobs: 6, done: 6, failed: 0 });
    expect(await checkedOutputs(result)).toEqual(ref.checksums);
  } finally {
    await schedule.delete();
  }
});
