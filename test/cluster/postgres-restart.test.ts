import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { checkedOutputs, DATA, ensureDataset, referenceOutputs, runConfig, SMALL, startWorkers } from './scenario';
import { committedJobs, startRun, waitFor } from './faults';
import { clusterScript, connect, stopWorker, type WorkerProcess } from './topology';

/**
 * (d) PostgreSQL is restarted (fast shutdown: connections cut) mid-run, while three workers and the CLI (--no-worker) wait on it. Workers reconnect, the CLI keeps
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

it('(d) completes with PostgreSQL restarted mid-run', async () => {
  const ref = await referenceOutputs(client, SMALL);
  workers = await startWorkers(client, 'postgres-restart', 3);
  const inputs = path.relative(DATA, await ensureDataset(SMALL));
  const run = startRun('postgres-restart', runConfig('postgres-restart', inputs, { processing: { splitBytes: 256 * 1024, heartbeatTimeoutSeconds: 5, jobConcurrency: 2 } }));
  const midRun = await waitFor(() => committedJobs('postgres-restart') >= 3, 120_000);
  expect(midRun).toBe(true);
  const at = committedJobs('postgres-restart');
  clusterScript('restart-postgres');
  const result = await run;
  console.log(`PostgreSQL restarted at ${at} of 12 committed jobs`);
  expect(at).toBeLessThan(12);
  expect(result).toMatchObject({ jobs: 12, failed: 0 });
  expect(await checkedOutputs(result)).toEqual(ref.checksums);
});
