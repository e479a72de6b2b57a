import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkAgainstTruth } from '../../src/client/truth-check';
import { generate, type Truth } from '../../src/generator/generate';
import type { RunResult } from '../../src/workflows/types';
import { ensureTemporalCli } from '../../src/client/dev-server';
import { ROOT, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';

/**
 * The dev server runs with small limits (dynamic config) so that the history-size guard is exercised in
 * seconds: the server suggests continue-as-new at 30 events, and refuses a 4th pending child.
 */
const SUGGEST_AT = 30;
const PENDING_CHILDREN_LIMIT = 3;
const dir = path.join(TEST_OUTPUT, 'continue-as-new');
const queue = 'it-can';
let env: TestEnv;
let truth: Truth;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  truth = await generate({ securities: 2, dates: 7, rowsPerJob: 150, seed: 5, out: path.join(dir, 'data') });
  env = await startTestEnv('continue-as-new', [
    '--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_AT}`,
    '--dynamic-config-value', `limit.numPendingChildExecutions.error=${PENDING_CHILDREN_LIMIT}`,
  ]);
  await env.startWorker(queue);
});

afterAll(async () => {
  await env?.teardown();
});

it('the run and its security workflows continue as new under a small history limit, stay within the pending-children window, and lose no job', async () => {
  const result: RunResult = await env.client.workflow.execute('pipelineRun', {
    taskQueue: queue, workflowId: 'sweepflow-can',
    args: [{
      name: 'can', baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' },
      // One job workflow per date (smallJobs.perBatch 1): the children are what fill the histories here.
      processing: { jobConcurrency: PENDING_CHILDREN_LIMIT, securityConcurrency: 2, smallJobs: { perBatch: 1 } },
    }],
  });
  expect(result).toMatchObject({ jobs: 14, done: 14, skipped: 0, failed: 0 });
  const check = await checkAgainstTruth(result.out, truth);
  expect(check.mismatches).toEqual([]);
  expect(check.jobsChecked).toBe(14);

  // The run itself continues as new during its fan-out too, carrying plan, job matrix and counts.
  const runRuns: { runId: string; status: string }[] = [];
  for await (const w of env.client.workflow.list({ query: `WorkflowId = 'sweepflow-can'` })) runRuns.push({ runId: w.runId, status: w.status.name });
  expect(runRuns.filter((r) => r.status === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(1);
  expect(runRuns.filter((r) => r.status === 'COMPLETED')).toHaveLength(1);
  const planned: string[] = [];
  for (const r of runRuns) {
    const history = await env.client.workflow.getHandle('sweepflow-can', r.runId).fetchHistory();
    for (const e of history.events!) {
      const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
      if (type) planned.push(type);
    }
  }
  // Planning, sharding and discovery ran once over the whole chain; the merge once, at the end.
  expect(planned.filter((t) => t === 'planRun')).toHaveLength(1);
  expect(planned.filter((t) => t === 'discoverJobs')).toHaveLength(1);
  expect(planned.filter((t) => t === 'mergeRun')).toHaveLength(1);
  if (process.env.RECORD_HISTORIES === '1') record('sweepflow-can', runRuns, 'pipeline-run');

  const securities = [...new Set(Object.keys(truth.jobs).map((k) => k.split('/')[0]))];
  expect(securities).toHaveLength(2);
  for (const security of securities) {
    const id = `sweepflow-can/${security}`;
    const runs: { runId: string; status: string }[] = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowId = '${id}'` })) runs.push({ runId: w.runId, status: w.status.name });
    if (process.env.RECORD_HISTORIES === '1' && security === securities[0]) record(id, runs, 'security');
    const continued = runs.filter((r) => r.status === 'CONTINUED_AS_NEW').length;
    // 7 children at ~5 events each cannot fit one 30-event history: at least one continue-as-new.
    expect(continued).toBeGreaterThanOrEqual(1);
    expect(runs.filter((r) => r.status === 'COMPLETED')).toHaveLength(1);
    for (const r of runs) {
      const history = await env.client.workflow.getHandle(id, r.runId).fetchHistory();
      // It stops taking dates once past the suggestion; only the children already in flight add events.
      expect(history.events!.length).toBeLessThan(SUGGEST_AT + 12 * PENDING_CHILDREN_LIMIT);
    }
    // Each date ran exactly once across the chain: one job workflow execution per date.
    const jobs: string[] = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowId STARTS_WITH '${id}/'` })) jobs.push(w.workflowId);
    expect(jobs.sort()).toEqual(Object.keys(truth.jobs).filter((k) => k.startsWith(`${security}/`)).map((k) => `sweepflow-can/${k}`).sort());
  }
});

/** With RECORD_HISTORIES=1: the first (continued) and the last (completed) execution become replay fixtures. */
function record(id: string, runs: { runId: string; status: string }[], prefix: string): void {
  const dirOut = path.join(ROOT, 'test', 'fixtures', 'histories');
  const indexFile = path.join(dirOut, 'index.json');
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as Record<string, string>;
  const first = runs.find((r) => r.status === 'CONTINUED_AS_NEW')!;
  const last = runs.find((r) => r.status === 'COMPLETED')!;
  for (const [r, file] of [[first, `${prefix}-continued.json`], [last, `${prefix}-carried.json`]] as const) {
    const json = execFileSync(ensureTemporalCli(), ['workflow', 'show', '--address', env.address, '-w', id, '-r', r.runId, '--output', 'json'],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
    writeFileSync(path.join(dirOut, file), json);
    index[file] = id;
  }
  writeFileSync(indexFile, JSON.stringify(index, null, 2) + '\n');
}
