import { execFile, execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { checkAgainstTruth } from '../../src/client/truth-check';
import { ensureTemporalCli } from '../../src/client/dev-server';
import { generate, type Truth } from '../../src/generator/generate';
import type { RunResult } from '../../src/workflows/types';
import { eventually, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';

const dir = path.join(TEST_OUTPUT, 'temporal-cli');
const queue = 'it-cli';
let env: TestEnv;
let truth: Truth;
let temporal: string;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  truth = await generate({ securities: 2, dates: 2, rowsPerJob: 800, seed: 11, out: path.join(dir, 'data'), gzip: true, smallFiles: true });
  temporal = ensureTemporalCli();
  env = await startTestEnv('temporal-cli');
  await env.startWorker(queue);
});

afterAll(async () => {
  await env?.teardown();
});

it('`temporal workflow start --type pipelineRun --input-file <config>` runs the pipeline (gzip, many small files)', async () => {
  const cfg = path.join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({
    name: 'fromcli', baseDir: dir,
    inputs: { orders: 'data/orders/**/*.csv.gz', trades: 'data/trades', nbbo: 'data/nbbo' },
  }));
  execFileSync(temporal, ['workflow', 'start', '--address', env.address, '--task-queue', queue, '--type', 'pipelineRun',
    '--workflow-id', 'sweepflow-fromcli', '--input-file', cfg], { encoding: 'utf8' });
  const result = (await env.client.workflow.getHandle('sweepflow-fromcli').result()) as RunResult;
  expect(result).toMatchObject({ jobs: 4, done: 4, failed: 0 });
  expect((await checkAgainstTruth(result.out, truth)).mismatches).toEqual([]);

  // What a user sees with `temporal workflow list`: the parent and 2 security workflows. Jobs of a few
  // thousand rows run in batches (processing.smallJobs), so no job workflow each: their statuses are in
  // each security workflow's securityProgress query, which `temporal workflow query` answers.
  const listed = await eventually(async () => {
    const out = execFileSync(temporal, ['workflow', 'list', '--address', env.address, '--query', 'RunName = "fromcli"', '--output', 'json'], { encoding: 'utf8' });
    const rows = JSON.parse(out) as { execution: { workflowId: string } }[];
    return rows.length === 3 ? rows.map((r) => r.execution.workflowId).sort() : undefined;
  }, 20_000, '3 workflows in `temporal workflow list`');
  expect(listed).toEqual(['sweepflow-fromcli', ...truth.securities.map((s) => `sweepflow-fromcli/${s}`)].sort());
  for (const security of truth.securities) {
    // Asynchronously: the worker that answers the query runs in this process.
    const { stdout: out } = await promisify(execFile)(temporal, ['workflow', 'query', '--address', env.address, '--workflow-id', `sweepflow-fromcli/${security}`,
      '--type', 'securityProgress', '--output', 'json'], { encoding: 'utf8' });
    const progress = (JSON.parse(out) as { queryResult: [{ total: number; done: number; batched: Record<string, string> }] }).queryResult[0];
    const dates = Object.keys(truth.jobs).filter((j) => j.startsWith(`${security}/`)).map((j) => j.split('/')[1]);
    expect(progress).toMatchObject({ total: 2, done: 2, batched: Object.fromEntries(dates.map((d) => [d, 'done'])) });
  }
});
