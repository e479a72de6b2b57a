import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resumeRun } from '../../src/client/control';
import { generate, type Truth } from '../../src/generator/generate';
import type { RunResult } from '../../src/workflows/types';
import { expectRunInvariants, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';
import { recordsOf } from '../helpers/outputs';

const dir = path.join(TEST_OUTPUT, 'resume');
const queue = 'it-resume';
let env: TestEnv;
let truth: Truth;
const saved = { address: process.env.TEMPORAL_ADDRESS, queue: process.env.SWEEPFLOW_TASK_QUEUE };

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  truth = await generate({ securities: 2, dates: 3, rowsPerJob: 600, seed: 21, out: path.join(dir, 'data') });
  env = await startTestEnv('resume');
  await env.startWorker(queue);
  process.env.TEMPORAL_ADDRESS = env.address;
  process.env.SWEEPFLOW_TASK_QUEUE = queue;
});

afterAll(async () => {
  process.env.TEMPORAL_ADDRESS = saved.address ?? '';
  if (saved.queue === undefined) delete process.env.SWEEPFLOW_TASK_QUEUE;
  await env?.teardown();
});

const config = (name: string, root: string): Record<string, unknown> => ({
  name, baseDir: dir, inputs: { orders: `${root}/orders`, trades: `${root}/trades`, nbbo: `${root}/nbbo` },
});
const run = (name: string, root: string): Promise<RunResult> =>
  env.client.workflow.execute('pipelineRun', { taskQueue: queue, workflowId: `sweepflow-${name}`, args: [config(name, root)] });

function rollups(result: RunResult): Record<string, string> {
  const d = path.join(result.out, 'rollups');
  return Object.fromEntries(readdirSync(d).sort().map((f) => [f, readFileSync(path.join(d, f), 'utf8')]));
}

it('corrupted partitions fail exactly their jobs; after the fix, resume runs exactly those and the rollups equal a clean run', async () => {
  cpSync(path.join(dir, 'data'), path.join(dir, 'live'), { recursive: true });
  const bad = [Object.keys(truth.jobs)[1], Object.keys(truth.jobs)[3], Object.keys(truth.jobs)[4]];
  for (const job of bad) {
    const [security, date] = job.split('/');
    const file = path.join(dir, 'live', 'orders', `orders_${date}.csv`);
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 1; i < lines.length; i++) {
      const f = lines[i].split(',');
      if (f[3] === security && i % 2 === 0) lines[i] = [...f.slice(0, 4), 'X', ...f.slice(5)].join(',');
    }
    writeFileSync(file, lines.join('\n'));
  }
  const broken = await run('resume-it', 'live');
  expect(broken).toMatchObject({ jobs: 6, done: 3, failed: 3 });
  expect(broken.failures.map((f) => f.job).sort()).toEqual([...bad].sort());

  for (const d of truth.dates) copyFileSync(path.join(dir, 'data', 'orders', `orders_${d}.csv`), path.join(dir, 'live', 'orders', `orders_${d}.csv`)); // the fix
  const { result } = await resumeRun('resume-it', { inProcessWorker: false, progress: false });
  await expectRunInvariants(result.summaryFile); // resumeRun has its own client: checked here
  expect(result).toMatchObject({ jobs: 6, done: 3, skipped: 3, failed: 0 });
  // The re-merge read the jobs' manifests and partial aggregates and nothing else of theirs.
  const summary = JSON.parse(readFileSync(result.summaryFile, 'utf8'));
  let partialBytes = 0;
  for (const job of Object.keys(truth.jobs)) {
    const [security, date] = job.split('/');
    for (const f of ['manifest.json', 'partial.json']) partialBytes += statSync(path.join(recordsOf(result.out, security, date), f)).size;
  }
  expect(summary.merge).toEqual({ jobsMerged: 6, bytesRead: partialBytes });

  const clean = await run('clean-it', 'data');
  expect(clean).toMatchObject({ jobs: 6, done: 6, failed: 0 });
  expect(rollups(result)).toEqual(rollups(clean));
});

it('a rerun after adding one date of files runs only that date\'s jobs', async () => {
  const [d1, d2, d3] = truth.dates;
  for (const kind of ['orders', 'trades', 'nbbo']) {
    mkdirSync(path.join(dir, 'incr', kind), { recursive: true });
    for (const d of [d1, d2]) copyFileSync(path.join(dir, 'data', kind, `${kind}_${d}.csv`), path.join(dir, 'incr', kind, `${kind}_${d}.csv`));
  }
  expect(await run('incr-it', 'incr')).toMatchObject({ jobs: 4, done: 4, skipped: 0 });
  for (const kind of ['orders', 'trades', 'nbbo']) copyFileSync(path.join(dir, 'data', kind, `${kind}_${d3}.csv`), path.join(dir, 'incr', kind, `${kind}_${d3}.csv`));
  const after = await run('incr-it', 'incr');
  expect(after).toMatchObject({ jobs: 6, done: 2, skipped: 4, failed: 0 });
});
