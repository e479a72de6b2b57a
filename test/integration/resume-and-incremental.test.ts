import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resumeRun } from '../../src/client/control';
import { generate, type Truth } from '../../src/generator/generate';
import type { RunResult } from '../../src/workflows/types';
import { startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';

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

it('a corrupted partition fails exactly its job; after the fix, resume runs exactly that job and the rollups equal a clean run', async () => {
  cpSync(path.join(dir, 'data'), path.join(dir, 'live'), { recursive: true });
  const [security, date] = Object.keys(truth.jobs)[3].split('/');
  const file = path.join(dir, 'live', 'orders', `orders_${date}.csv`);
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    if (f[3] === security && i % 10 === 0) lines[i] = [...f.slice(0, 4), 'X', ...f.slice(5)].join(',');
  }
  writeFileSync(file, lines.join('\n'));
  const broken = await run('resume-it', 'live');
  expect(broken).toMatchObject({ jobs: 6, done: 5, failed: 1 });
  expect(broken.failures.map((f) => f.job)).toEqual([`${security}/${date}`]);

  copyFileSync(path.join(dir, 'data', 'orders', `orders_${date}.csv`), file); // the fix
  const { result } = await resumeRun('resume-it', { inProcessWorker: false, progress: false });
  expect(result).toMatchObject({ jobs: 6, done: 1, skipped: 5, failed: 0 });

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
