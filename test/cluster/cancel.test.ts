import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../../src/workflows/types';
import { checkedOutputs, configFile, DATA, ensureDataset, eventually, expectFailedRunInvariants, LONG_DAYS, referenceOutputs, runConfig, startWorkers, useCluster } from './scenario';
import { cli } from './topology';

/**
 * (f) `sweepflow cancel` mid-run: the run is Cancelled within 10 s of the request, its unfinished jobs show
 * JobStatus=cancelled (none failed), the activities in flight see the cancellation through their heartbeats
 * and stop their thread work, nothing is left half-written, and a later `resume` finishes the run with the
 * outputs of an uninterrupted single-worker run.
 */
const cluster = useCluster();
const workers = cluster.workers;

/** Files a killed or cancelled writer leaves: temporaries of atomic writes, staging folders. */
function leftovers(dir: string): string[] {
  const found: string[] = [];
  if (!existsSync(dir)) return found; // a job cancelled before it wrote anything: no output folder yet
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (/\.tmp-\d+-[0-9a-f]{8}$/.test(e)) found.push(p);
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(dir);
  return found;
}

it('(f) cancels a run: Cancelled within 10 s, jobs cancelled, thread work stopped, resume completes it', async () => {
  const ref = await referenceOutputs(cluster.client(), LONG_DAYS);
  workers.push(...await startWorkers(cluster.client(), 'cancel', 3));
  const inputs = path.relative(DATA, await ensureDataset(LONG_DAYS));
  const config = runConfig('cancel', inputs, { processing: { splitBytes: 8 * 1024 * 1024, heartbeatTimeoutSeconds: 5, jobConcurrency: 1 } });
  const running = cli(['run', '-c', configFile('cancel', config), '--no-worker', '--json']);
  // Cancel once job activities are in flight (a job workflow with a started activity).
  const inFlight = await eventually(async () => {
    for await (const w of cluster.client().workflow.list({ query: 'RunName = "cancel" AND WorkflowType = "jobWorkflow" AND ExecutionStatus = "Running"' })) {
      const d = await cluster.client().workflow.getHandle(w.workflowId).describe();
      if (d.raw.pendingActivities?.some((a) => Number(a.state) === 2 /* STARTED */)) return w.workflowId;
    }
    return undefined;
  }, 120_000, 'a job activity in flight');
  const requested = Date.now();
  const c = await cli(['cancel', 'cancel']);
  expect(c.code).toBe(0);
  const handle = cluster.client().workflow.getHandle('sweepflow-cancel');
  await eventually(async () => ((await handle.describe()).status.name === 'CANCELLED' ? true : undefined), 10_000, 'the run to be Cancelled');
  const took = Date.now() - requested;
  console.log(`cancelled ${took} ms after the request (a job in flight: ${inFlight})`);
  expect(took).toBeLessThan(10_000);
  const r = await running;
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(/cancel/i);

  // Jobs: none failed, the unfinished ones cancelled, none left running or pending.
  const byStatus: Record<string, number> = {};
  for await (const w of cluster.client().workflow.list({ query: 'RunName = "cancel" AND WorkflowType = "jobWorkflow"' })) {
    const status = String(w.searchAttributes?.JobStatus?.[0] ?? '');
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (status === 'cancelled') expect(w.status.name).toBe('CANCELLED');
  }
  console.log(`job statuses after the cancel: ${JSON.stringify(byStatus)}`);
  expect(byStatus.cancelled).toBeGreaterThanOrEqual(1);
  expect(byStatus.failed ?? 0).toBe(0);
  expect((byStatus.running ?? 0) + (byStatus.pending ?? 0)).toBe(0);
  for await (const w of cluster.client().workflow.list({ query: 'RunName = "cancel" AND ExecutionStatus = "Running"' })) throw new Error(`still running: ${w.workflowId}`);

  // The activity in flight saw the cancellation (its heartbeat's answer) and stopped: ActivityTaskCanceled, not completed.
  const events = (await cluster.client().workflow.getHandle(inFlight).fetchHistory()).events ?? [];
  expect(events.some((e) => e.activityTaskCancelRequestedEventAttributes)).toBe(true);
  expect(events.some((e) => e.activityTaskCanceledEventAttributes)).toBe(true);
  expect(events.some((e) => e.activityTaskCompletedEventAttributes)).toBe(false);

  // Thread work stopped: the workers' processes go idle (CPU seconds over 2 s, all three together).
  const cpu = (): number => workers.reduce((sum, w) => {
    const f = readFileSync(`/proc/${w.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return sum + (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  }, 0);
  const before = cpu();
  await new Promise((res) => setTimeout(res, 2000));
  const busy = cpu() - before;
  console.log(`worker CPU in the 2 s after the cancel: ${busy.toFixed(2)} s`);
  expect(busy).toBeLessThan(0.6);

  // Nothing half-written: no temporaries or staged shards; committed splits balance.
  expect(leftovers(path.join(DATA, 'out', 'cancel'))).toEqual([]);
  expect(readdirSync(path.join(DATA, 'work', 'cancel', 'staging'))).toEqual([]);
  await expectFailedRunInvariants(path.join(DATA, 'work', 'cancel'));

  const resumed = await cli(['resume', 'cancel', '--no-worker', '--json']);
  expect(resumed.code).toBe(0);
  const result = JSON.parse(resumed.stdout) as RunResult;
  expect(result).toMatchObject({ jobs: 3, failed: 0 });
  expect(await checkedOutputs(result)).toEqual(ref.checksums);
});
