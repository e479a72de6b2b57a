import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureTemporalCli } from '../../src/client/dev-server';
import { finishedJobs } from '../../src/client/run';
import { jobCells } from '../../src/client/status';
import { generate, type Truth } from '../../src/generator/generate';
import { jobRecordsDir } from '../../src/io/paths';
import type { JobManifest } from '../../src/jobs/manifest';
import { progressQuery } from '../../src/workflows/shared';
import type { RunResult } from '../../src/workflows/types';
import { corruptOrderSides } from '../helpers/corrupt-input';
import { ROOT, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';

/**
 * processing.smallJobs (issue 15 item 4): tiny jobs run a batch at a time in one activity of their security
 * workflow, with no job workflow each. What must not change: every date commits, skips and counts as its
 * own job, with the figures a job workflow computes; a date that fails inside a batch is retried and
 * reported alone (its batch runs again date by date), and the batch's other dates are not failed with it.
 */
const dir = path.join(TEST_OUTPUT, 'small-job-batches');
const queue = 'it-batches';
let env: TestEnv;
let truth: Truth;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  // A quote every 20 to 40 minutes: a few dozen rows a job, all small (processing.smallJobs.maxRows 5000).
  truth = await generate({ securities: 2, dates: 5, rowsPerJob: 40, seed: 29, out: path.join(dir, 'data'), quoteGapMs: [1_200_000, 2_400_000] });
  env = await startTestEnv('small-job-batches');
  await env.startWorker(queue);
});

afterAll(async () => {
  await env?.teardown();
});

const inputs = { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' };

function run(name: string, config: Record<string, unknown>): Promise<RunResult> {
  return env.client.workflow.execute('pipelineRun', { taskQueue: queue, workflowId: `sweepflow-${name}`, args: [{ name, baseDir: dir, inputs, ...config }] });
}

async function jobWorkflows(name: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of env.client.workflow.list({ query: `RunName = "${name}" AND WorkflowType = "jobWorkflow"` })) ids.push(w.workflowId);
  return ids.sort();
}

function figures(out: string): Record<string, unknown> {
  const all: Record<string, unknown> = {};
  for (const job of Object.keys(truth.jobs)) {
    const [security, date] = job.split('/');
    const m = JSON.parse(readFileSync(path.join(jobRecordsDir(out, security, date), 'manifest.json'), 'utf8')) as JobManifest;
    all[job] = [m.fingerprint, m.orders, m.sweeps, m.events, m.trades, m.quotes, m.fillStatus, m.filledQty];
  }
  return all;
}

it('batches tiny jobs (no job workflow each), computes what one workflow per job computes, and skips them all on a rerun', async () => {
  const batched = await run('batched', {});
  const single = await run('single', { processing: { smallJobs: { perBatch: 1 } } });
  for (const r of [batched, single]) expect(r).toMatchObject({ jobs: 10, done: 10, skipped: 0, failed: 0 });
  expect(batched.orders).toBe(single.orders);
  expect(batched.reconciliation).toEqual(single.reconciliation);
  expect(figures(batched.out)).toEqual(figures(single.out));
  expect(await jobWorkflows('batched')).toEqual([]);
  // sweepflow status's grid gets the batched dates from their security workflows.
  const cells = await jobCells(env.client, 'batched');
  expect(cells.map((c) => `${c.security}/${c.date} ${c.status}`).sort()).toEqual(Object.keys(truth.jobs).map((j) => `${j} done`).sort());
  expect(await jobWorkflows('single')).toHaveLength(10);
  const summary = JSON.parse(readFileSync(batched.summaryFile, 'utf8'));
  expect(summary.jobs).toMatchObject({ done: 10, failed: 0 });

  const again = await run('batched', {});
  expect(again).toMatchObject({ jobs: 10, done: 0, skipped: 10, failed: 0 });
  expect(again.orders).toBe(batched.orders);
  expect((await jobCells(env.client, 'batched')).map((c) => c.status)).toEqual(Array(10).fill('skipped'));
});

it('the progress line counts the batched jobs of running securities before their security finishes', async () => {
  // One security at a time and one batch at a time, 3 then 2 dates (no date on its own, so no job workflow
  // visibility could count): the run's own counters stay at 0 until the first security ends, while its
  // first batch has finished.
  const handle = await env.client.workflow.start('pipelineRun', {
    taskQueue: queue, workflowId: 'sweepflow-batch-progress',
    args: [{ name: 'batch-progress', baseDir: dir, inputs, processing: { securityConcurrency: 1, jobConcurrency: 1, smallJobs: { perBatch: 3 } } }],
  });
  const since = new Date(Date.now() - 60_000);
  const samples: { counted: number; finished: number; total: number }[] = [];
  const result = handle.result() as Promise<RunResult>;
  let ended = false;
  void result.finally(() => { ended = true; });
  while (!ended) {
    const p = await handle.query(progressQuery).catch(() => null);
    if (p && p.stage === 'jobs') samples.push({ counted: p.jobs.done + p.jobs.skipped + p.jobs.failed, finished: await finishedJobs(env.client, 'batch-progress', since, p), total: p.jobs.total });
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(await result).toMatchObject({ jobs: 10, done: 10 });
  expect(await jobWorkflows('batch-progress')).toEqual([]);
  expect(samples.length).toBeGreaterThan(3);
  for (const x of samples) expect(x.finished).toBeGreaterThanOrEqual(x.counted);
  for (const x of samples) expect(x.finished).toBeLessThanOrEqual(10);
  // Seen mid-security: batches of the first security finished while the run's counters still said 0.
  expect(samples.some((x) => x.counted === 0 && x.finished > 0)).toBe(true);
});

it('a failing date in a batch fails alone, with its own error, after its batch runs again date by date', async () => {
  const [security, date] = Object.keys(truth.jobs)[2].split('/');
  const { corrupted } = corruptOrderSides(path.join(dir, 'data'), truth.dates, security, date, path.join(dir, 'corrupt-orders'));
  expect(corrupted).toBeGreaterThan(5);
  const result: RunResult = await env.client.workflow.execute('pipelineRun', {
    taskQueue: queue, workflowId: 'sweepflow-batch-corrupt',
    args: [{ name: 'batch-corrupt', baseDir: dir, inputs: { ...inputs, orders: 'corrupt-orders' } }],
  });
  expect(result).toMatchObject({ jobs: 10, done: 9, failed: 1 });
  expect(result.failures).toHaveLength(1);
  expect(result.failures[0]).toMatchObject({ job: `${security}/${date}`, security, date });
  expect(result.failures[0].error).toMatch(new RegExp(`job ${security}/${date}: ${corrupted} of \\d+ input rows rejected .* \\(thresholds\\.maxRejectShare\\)`));
  expect(result.reconciliation.rejected).toBe(corrupted);
  // Only the failed batch's security ran its dates one workflow each; the other security's batch held.
  const ids = await jobWorkflows('batch-corrupt');
  expect(ids).toHaveLength(5);
  expect(ids.every((id) => id.includes(`/${security}/`))).toBe(true);
  if (process.env.RECORD_HISTORIES === '1') recordHistory(`sweepflow-batch-corrupt/${security}`, 'security-batched.json');
});

/** With RECORD_HISTORIES=1: a security workflow whose batch failed and ran again date by date becomes a replay fixture. */
function recordHistory(id: string, file: string): void {
  const dirOut = path.join(ROOT, 'test', 'fixtures', 'histories');
  const json = execFileSync(ensureTemporalCli(), ['workflow', 'show', '--address', env.address, '-w', id, '--output', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  writeFileSync(path.join(dirOut, file), json);
  const indexFile = path.join(dirOut, 'index.json');
  writeFileSync(indexFile, `${JSON.stringify({ ...JSON.parse(readFileSync(indexFile, 'utf8')) as Record<string, string>, [file]: id }, null, 2)}\n`);
}
