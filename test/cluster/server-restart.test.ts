import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { checkedOutputs, DATA, ensureDataset, referenceOutputs, runConfig, SMALL, startWorkers } from './scenario';
import { committedJobs, startRun, waitFor } from './faults';
import { clusterScript, connect, stopWorker, type WorkerProcess } from './topology';

/**
 * (c) The Temporal server is killed (kill -9) mid-run and started again, while three workers and the CLI (--no-worker) wait on it. Workers reconnect, the CLI keeps
 * waiting, and the run completes with outputs byte-identical to a single-worker run's.
 */
let client: Client;
let connection: Connection;
let workers: WorkerProcess[] = [];

beforeAll(async () => {
  ({ client, connection } = await connect());
});

afterAll(async () => {
  await Promise.all(workers.map((w) => stopWorker(w)));
  await connection?.close();
});

it('(c) completes with the Temporal server killed and restarted mid-run', async () => {
  const ref = await referenceOutputs(client, SMALL);
  workers = await startWorkers(client, 'server-restart', 3);
  const inputs = path.relative(DATA, await ensureDataset(SMALL));
  const run = startRun('server-restart', runConfig('server-restart', inputs, { processing: { splitBytes: 256 * 1024, heartbeatTimeoutSeconds: 5, jobConcurrency: 2 } }));
  const midRun = await waitFor(() => committedJobs('server-restart') >= 3, 120_000);
  expect(midRun).toBe(true);
  const at = committedJobs('server-restart');
  clusterScript('kill-server');
  await new Promise((r) => setTimeout(r, 2000));
  clusterScript('start-server');
  const result = await run;
  console.log(`the Temporal server killed and restarted at ${at} of 12 committed jobs`);
  expect(at).toBeLessThan(12);
  expect(result).toMatchObject({ jobs: 12, failed: 0 });
  expect(await checkedOutputs(result)).toEqual(ref.checksums);
});
