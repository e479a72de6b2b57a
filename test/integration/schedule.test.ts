import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createSchedule, parseInterval } from '../../src/client/schedule';
import { parseConfig } from '../../src/config/load';
import { generate, type Truth } from '../../src/generator/generate';
import type { RunResult } from '../../src/workflows/types';
import { eventually, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';

/** A Temporal Schedule runs the pipeline incrementally over files that keep landing. */
const dir = path.join(TEST_OUTPUT, 'schedule');
const queue = 'it-schedule';
let env: TestEnv;
let truth: Truth;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  truth = await generate({ securities: 2, dates: 2, rowsPerJob: 300, seed: 31, out: path.join(dir, 'data') });
  env = await startTestEnv('schedule');
  await env.startWorker(queue);
});

afterAll(async () => {
  await env?.teardown();
});

function land(date: string): void {
  for (const kind of ['orders', 'trades', 'nbbo']) {
    mkdirSync(path.join(dir, 'landing', kind), { recursive: true });
    copyFileSync(path.join(dir, 'data', kind, `${kind}_${date}.csv`), path.join(dir, 'landing', kind, `${kind}_${date}.csv`));
  }
}

async function nextRun(since: number): Promise<RunResult> {
  return eventually(async () => {
    for await (const w of env.client.workflow.list({ query: 'RunName = "sched" AND WorkflowType = "pipelineRun" AND ExecutionStatus = "Completed"' })) {
      if (w.startTime.getTime() >= since) return (await env.client.workflow.getHandle(w.workflowId, w.runId).result()) as RunResult;
    }
    return undefined;
  }, 60_000, 'a scheduled run to complete');
}

it('parses intervals', () => {
  expect(parseInterval('15m')).toBe(900_000);
  expect(parseInterval('1.5h')).toBe(5_400_000);
  expect(parseInterval('soon')).toBeUndefined();
});

it('each scheduled start runs only the jobs of newly landed files', async () => {
  land(truth.dates[0]);
  const config = parseConfig({ name: 'sched', baseDir: dir, inputs: { orders: 'landing/orders', trades: 'landing/trades', nbbo: 'landing/nbbo' } }, 'test', {});
  const schedule = await createSchedule(env.client, config, 3_600_000, queue);
  try {
    let since = Date.now() - 1000;
    await schedule.trigger();
    expect(await nextRun(since)).toMatchObject({ jobs: 2, done: 2, skipped: 0, failed: 0 });
    land(truth.dates[1]); // a new day of files lands
    since = Date.now();
    await schedule.trigger();
    expect(await nextRun(since)).toMatchObject({ jobs: 4, done: 2, skipped: 2, failed: 0 });
  } finally {
    await schedule.delete();
  }
});
