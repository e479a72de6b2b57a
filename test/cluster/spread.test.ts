import path from 'node:path';
import type { RunResult } from '../../src/workflows/types';
import { checkedOutputs, DATA, ensureDataset, referenceOutputs, runConfig, runViaCli, SMALL, startWorkers, useCluster } from './scenario';
import { activityWorkers, cli } from './topology';

/**
 * (a) One run spread over three worker processes, started from the CLI with --no-worker: the work lands
 * on more than one worker and the outputs are byte-identical to a single-worker run's.
 * (h) `sweepflow status` and visibility queries by RunName, Security, TradeDate and JobStatus, answered
 * by the PostgreSQL visibility store.
 */
const cluster = useCluster();
const workers = cluster.workers;
let result: RunResult;

beforeAll(async () => {
  const ref = await referenceOutputs(cluster.client(), SMALL);
  workers.push(...await startWorkers(cluster.client(), 'spread', 3));
  const inputs = path.relative(DATA, await ensureDataset(SMALL));
  result = await runViaCli('spread', runConfig('spread', inputs));
  expect(await checkedOutputs(result)).toEqual(ref.checksums);
});

it('(a) spreads one run over three workers, outputs byte-identical to a single worker', async () => {
  expect(result).toMatchObject({ jobs: 12, done: 12, failed: 0 });
  const ran = new Set<string>();
  for (const [, ids] of await activityWorkers(cluster.client(), 'sweepflow-spread')) for (const id of ids) ran.add(id);
  for await (const w of cluster.client().workflow.list({ query: 'RunName = "spread" AND WorkflowType = "jobWorkflow"' })) {
    for (const [, ids] of await activityWorkers(cluster.client(), w.workflowId)) for (const id of ids) ran.add(id);
  }
  const byWorker = workers.map((w) => [...ran].some((id) => id.startsWith(w.identity)));
  console.log(`activities ran on ${byWorker.filter(Boolean).length} of 3 workers`);
  expect(byWorker.filter(Boolean).length).toBeGreaterThanOrEqual(2);
  for (const id of ran) expect(workers.some((w) => id.startsWith(w.identity))).toBe(true);
});

it('(h) answers status and visibility queries by RunName, Security, TradeDate and JobStatus from PostgreSQL', async () => {
  const count = async (query: string): Promise<number> => Number((await cluster.client().workflow.count(query)).count);
  // The run, its 3 security workflows and its 12 jobs.
  expect(await count('RunName = "spread"')).toBe(16);
  expect(await count('RunName = "spread" AND WorkflowType = "jobWorkflow"')).toBe(12);
  expect(await count('RunName = "spread" AND Security = "110621"')).toBe(5); // its security workflow and 4 jobs
  expect(await count('RunName = "spread" AND TradeDate = "2024-09-30"')).toBe(3);
  expect(await count('RunName = "spread" AND Security = "110621" AND TradeDate = "2024-10-01" AND JobStatus = "done"')).toBe(1);
  expect(await count('RunName = "spread" AND JobStatus = "done"')).toBe(13); // 12 jobs and the run
  expect(await count('RunName = "spread" AND JobStatus IN ("failed", "running", "cancelled")')).toBe(0);
  const cap = await cluster.client().workflowService.getSystemInfo({});
  expect(cap.serverVersion).toBe('1.32.2');

  const status = await cli(['status', 'spread']);
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(/sweepflow-spread: COMPLETED/);
  expect(status.stdout).toMatch(/ 12\/12 /);
  for (const sec of ['110621', '111634', '112647']) expect(status.stdout).toContain(sec);
});
