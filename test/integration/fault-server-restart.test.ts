import { rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../src/client/dev-server';
import { checkAgainstTruth } from '../../src/client/truth-check';
import { generate, type Truth } from '../../src/generator/generate';
import { createSweepflowWorker } from '../../src/worker/worker';
import { progressQuery } from '../../src/workflows/shared';
import type { RunResult } from '../../src/workflows/types';
import { eventually, startOnFreePorts, TEST_OUTPUT } from '../helpers/temporal-env';

/** The Temporal dev server is killed mid-run and restarted on its SQLite file: the run completes. */
const dir = path.join(TEST_OUTPUT, 'fault-server');
let truth: Truth;
let server: DevServer | null = null;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  truth = await generate({ securities: 2, dates: 3, rowsPerJob: 4000, seed: 43, out: path.join(dir, 'data') });
});

afterAll(async () => {
  await server?.stop();
});

it('finishes the run after the server is SIGKILLed during the jobs and restarted', async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // installed by another test file in this process
  }
  server = await startOnFreePorts({ dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') });
  const [host, port] = server.address.split(':');
  const opts = { port: Number(port), uiPort: Number(new URL(server.uiUrl).port), dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') };
  expect(host).toBe('127.0.0.1');
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: new DefaultLogger('WARN') });
  const { worker } = await createSweepflowWorker({ connection: await NativeConnection.connect({ address: server.address }), taskQueue: 'restart-q', workflowBundle, shutdownGraceSeconds: 1 });
  const running = worker.run();
  try {
    const handle = await client.workflow.start('pipelineRun', {
      taskQueue: 'restart-q', workflowId: 'sweepflow-restart',
      args: [{ name: 'restart', baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' },
        processing: { jobConcurrency: 2, securityConcurrency: 1, heartbeatTimeoutSeconds: 5 } }],
    });
    await eventually(async () => ((await handle.query(progressQuery)).stage === 'jobs' ? true : undefined), 60_000, 'the jobs stage');
    await server.kill();
    await new Promise((r) => setTimeout(r, 1500));
    server = await startDevServer(opts); // same port, same SQLite file: the history survived
    const result = (await handle.result()) as RunResult;
    expect(result).toMatchObject({ jobs: 6, done: 6, failed: 0 });
    expect((await checkAgainstTruth(result.out, truth)).mismatches).toEqual([]);
  } finally {
    worker.shutdown();
    await running;
  }
}, 300_000);
