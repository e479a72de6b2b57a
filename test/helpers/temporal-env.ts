import { checkFailedRunInvariants, checkRunInvariants } from '../../src/jobs/run-invariants';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startDevServer, type DevServer, type DevServerOptions } from '../../src/client/dev-server';
import { startInput } from '../../src/client/history';
import { createSweepflowWorker } from '../../src/worker/worker';

export const ROOT = path.resolve(__dirname, '..', '..');
export const TEST_OUTPUT = path.join(ROOT, 'test-output');

let runtimeInstalled = false;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}

/**
 * Starts a dev server on free ports, picking new ones when another process took a port between the pick
 * and the server's bind (parallel test files start servers at the same time).
 */
export async function startOnFreePorts(opts: Omit<DevServerOptions, 'port' | 'uiPort'>, attempts = 5): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    let uiPort = await freePort();
    while (uiPort === port) uiPort = await freePort();
    try {
      return await startDevServer({ ...opts, port, uiPort });
    } catch (err) {
      if (attempt >= attempts || !/address already in use/.test(String(err))) throw err;
    }
  }
}

export interface TestEnv {
  server: DevServer;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  address: string;
  /** A worker on its own task queue, running until teardown. */
  startWorker(taskQueue: string): Promise<Worker>;
  teardown(): Promise<void>;
}

let bundle: WorkflowBundleWithSourceMap | null = null;

/** The pipeline's workflow code, bundled once per test file and shared by its workers. */
export async function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: new DefaultLogger('WARN') });
  return bundle;
}

/**
 * A real Temporal dev server started through the project's own code (scripts/ensure-temporal.sh finds or
 * builds the CLI), in memory, on free ports, with the pipeline's search attributes registered.
 */
export async function startTestEnv(name: string, extraArgs: string[] = []): Promise<TestEnv> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  mkdirSync(TEST_OUTPUT, { recursive: true });
  const server = await startOnFreePorts({ dbFile: null, extraArgs, logFile: path.join(TEST_OUTPUT, `temporal-${name}.log`) });
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const client = checkedClient(new Client({ connection }));
  const workers: { worker: Worker; done: Promise<void> }[] = [];
  const workflows = await workflowBundle();
  return {
    server, client, connection, nativeConnection, address: server.address,
    async startWorker(taskQueue) {
      const { worker } = await createSweepflowWorker({ connection: nativeConnection, taskQueue, workflowBundle: workflows, shutdownGraceSeconds: 1 });
      workers.push({ worker, done: worker.run() });
      return worker;
    },
    async teardown() {
      for (const w of workers) if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
      await Promise.allSettled(workers.map((w) => w.done));
      await nativeConnection.close();
      await connection.close();
      await server.stop();
    },
  };
}

/**
 * The client of the tests, with every pipeline run's outcome checked against the trust invariants
 * (src/jobs/run-invariants): a finished run's (a)-(e), a failed run's (a) and (c). Every integration and
 * fault test gets them without having to remember.
 */
function checkedClient(client: Client): Client {
  const wf = client.workflow;
  const runOf = (input: unknown): { work: string } | null => {
    const c = input as { name?: string; baseDir?: string; output?: { workDir?: string } } | undefined;
    if (!c?.name) return null;
    return { work: path.resolve(c.baseDir ?? process.cwd(), c.output?.workDir ?? 'work', c.name) };
  };
  const checked = async <T>(result: Promise<T>, input: unknown): Promise<T> => {
    try {
      const r = await result;
      const summaryFile = (r as { summaryFile?: string } | null)?.summaryFile;
      if (summaryFile) await expectRunInvariants(summaryFile);
      return r;
    } catch (e) {
      const run = runOf(input);
      if (e instanceof WorkflowFailedError && run && existsSync(path.join(run.work, 'plan.json'))) await expectFailedRunInvariants(run.work);
      throw e;
    }
  };
  const wrapHandle = <H extends { result(): Promise<unknown> }>(h: H, input: () => Promise<unknown>): H => {
    const result = h.result.bind(h);
    h.result = async () => checked(result(), await input().catch(() => undefined));
    return h;
  };
  const execute = wf.execute.bind(wf), start = wf.start.bind(wf), getHandle = wf.getHandle.bind(wf);
  const inputOf = (workflowId: string): Promise<unknown> => startInput(getHandle(workflowId));
  wf.execute = ((type: string, opts: { args?: unknown[] }) => checked(execute(type, opts as never), opts.args?.[0])) as typeof wf.execute;
  wf.start = (async (type: string, opts: { args?: unknown[]; workflowId: string }) =>
    wrapHandle(await start(type, opts as never), async () => opts.args?.[0])) as typeof wf.start;
  wf.getHandle = ((workflowId: string, ...rest: unknown[]) =>
    wrapHandle(getHandle(workflowId, ...(rest as [])), () => inputOf(workflowId))) as typeof wf.getHandle;
  return client;
}

/** Polls until check() returns a value that is not undefined, or fails after timeoutMs. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs a pipeline that must fail; returns the innermost failure message (the one a person acts on). */
export async function runFailure(env: TestEnv, taskQueue: string, workflowId: string, input: unknown): Promise<string> {
  try {
    await env.client.workflow.execute('pipelineRun', { taskQueue, workflowId, args: [input] });
  } catch (e) {
    if (!(e instanceof WorkflowFailedError)) throw e;
    let cur: unknown = e, msg = '';
    while (cur) {
      msg = (cur as Error).message;
      cur = (cur as { cause?: unknown }).cause;
    }
    return msg;
  }
  throw new Error(`${workflowId} should have failed`);
}

/** The trust invariants (a)-(e) of a finished run (src/jobs/run-invariants): asserted after every run of the integration tests. */
export async function expectRunInvariants(summaryFile: string, ignore: string[] = []): Promise<void> {
  expect(await checkRunInvariants(summaryFile, { ignore })).toEqual([]);
}

/** Invariants (a) and (c) of a run that failed before its summary. */
export async function expectFailedRunInvariants(work: string): Promise<void> {
  expect(await checkFailedRunInvariants(work)).toEqual([]);
}
