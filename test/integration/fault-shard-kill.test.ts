import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { checkAgainstTruth } from '../../src/client/truth-check';
import { generate, type Truth } from '../../src/generator/generate';
import type { RunResult } from '../../src/workflows/types';
import { ROOT, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';

/**
 * A worker process is SIGKILLed while a shard activity is mid-split; a second worker takes over after the
 * heartbeat timeout. Every row is accounted for once: nothing lost, nothing duplicated.
 */
const dir = path.join(TEST_OUTPUT, 'fault-shard');
const queue = 'it-fault-shard';
let env: TestEnv;
let truth: Truth;
let child: ChildProcess | null = null;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  truth = await generate({ securities: 3, dates: 1, rowsPerJob: 60_000, seed: 13, out: path.join(dir, 'data') });
  env = await startTestEnv('fault-shard');
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await env?.teardown();
});

it('survives a worker killed mid-split with every row counted exactly once', async () => {
  child = spawn(process.execPath, [path.join(ROOT, 'dist', 'client', 'cli.js'), 'worker'], {
    env: { ...process.env, TEMPORAL_ADDRESS: env.address, SWEEPFLOW_TASK_QUEUE: queue, SWEEPFLOW_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const handle = await env.client.workflow.start('pipelineRun', {
    taskQueue: queue, workflowId: 'sweepflow-fault-shard',
    args: [{
      name: 'fault-shard', baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' },
      processing: { splitBytes: 8 * 1024 * 1024, shardConcurrency: 2, heartbeatTimeoutSeconds: 3 },
      retry: { initialIntervalSeconds: 0.2 },
    }],
  });
  // Wait until a shard activity has reported progress (it is mid-split), then kill its worker outright.
  let killedAt: unknown = null;
  const deadline = Date.now() + 60_000;
  while (!killedAt && Date.now() < deadline) {
    const desc = await handle.describe();
    const busy = (desc.raw.pendingActivities ?? []).find((a) => a.activityType?.name === 'shardSplit' && a.heartbeatDetails);
    if (busy) {
      child.kill('SIGKILL');
      killedAt = busy.activityId;
    } else {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  expect(killedAt).not.toBeNull();
  await env.startWorker(queue);
  const result = (await handle.result()) as RunResult;
  expect(result).toMatchObject({ jobs: 3, done: 3, failed: 0 });
  // Nothing lost or duplicated: row totals equal the generator's, job by job and for the run.
  const summary = JSON.parse(readFileSync(result.summaryFile, 'utf8'));
  expect(summary.reconciliation.byKind.orders.read).toBe(truth.totals.orderRows);
  expect(summary.reconciliation.byKind.trades.read).toBe(truth.totals.tradeRows);
  expect(result.reconciliation.read).toBe(result.reconciliation.kept + result.reconciliation.filtered + result.reconciliation.rejected);
  expect((await checkAgainstTruth(result.out, truth)).mismatches).toEqual([]);
  // The killed split really was retried: some shard activity ran a second attempt.
  const history = await handle.fetchHistory();
  const attempts = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
  expect(Math.max(...attempts)).toBeGreaterThanOrEqual(2);
});
