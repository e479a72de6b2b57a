import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { generate } from '../../src/generator/generate';
import { checkFailedRunInvariants, checkRunInvariants } from '../../src/jobs/run-invariants';
import type { RunResult } from '../../src/workflows/types';
import { cli, CLUSTER_OUTPUT, connect, outputChecksums, startWorker, stopWorker, waitForPollers, writeConfig, type WorkerProcess } from './topology';

/**
 * Inputs and reference outputs of the cluster scenarios. Every scenario's run is compared byte for byte
 * with a single-worker run of the same input (made once per dataset, then reused by the other files).
 */
export const DATA = path.join(CLUSTER_OUTPUT, 'data');

export interface Dataset {
  name: string;
  securities: number;
  dates: number;
  rowsPerJob: number;
  seed: number;
}

/** 12 jobs of small days, cut into several splits: quick runs with many activities to spread. */
export const SMALL: Dataset = { name: 'small', securities: 3, dates: 4, rowsPerJob: 4000, seed: 41 };
/** 6 jobs of larger days (a job takes seconds), so a cancel or a kill finds work in flight. */
export const LARGE: Dataset = { name: 'large', securities: 2, dates: 3, rowsPerJob: 150_000, seed: 43 };
/**
 * 3 jobs of long days (a job takes several seconds even on a fast machine), so a cancel sent when a job
 * activity starts reaches it before it ends: with 150,000-row days a job could finish first (seen in CI).
 */
export const LONG_DAYS: Dataset = { name: 'long-days', securities: 1, dates: 3, rowsPerJob: 500_000, seed: 47 };

export async function ensureDataset(ds: Dataset): Promise<string> {
  const dir = path.join(DATA, 'inputs', ds.name);
  if (!existsSync(path.join(dir, 'truth.json'))) await generate({ ...ds, out: dir });
  return dir;
}

/**
 * A run config over a dataset's inputs (or another input folder), all paths under the shared data folder.
 * Every date runs as its own job workflow (`smallJobs.perBatch` 1, kept when `extra` gives other processing
 * settings): the scenarios find, kill and cancel job workflows and count them by TradeDate and JobStatus.
 * Batched dates are covered by test/integration (small-job-batches, fault-worker-kills, lost-bookkeeping).
 */
export function runConfig(name: string, inputs: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const processing = (extra.processing ?? { splitBytes: 1024 * 1024, heartbeatTimeoutSeconds: 5, jobConcurrency: 4 }) as Record<string, unknown>;
  return {
    name, baseDir: DATA,
    inputs: { orders: `${inputs}/orders`, trades: `${inputs}/trades`, nbbo: `${inputs}/nbbo` },
    retry: { maximumAttempts: 20, initialIntervalSeconds: 0.2, maximumIntervalSeconds: 2 },
    ...extra,
    processing: { smallJobs: { perBatch: 1 }, ...processing },
  };
}

export const configFile = (name: string, config: Record<string, unknown>): string => writeConfig(path.join(DATA, 'config', `${name}.json`), config);

/** `sweepflow run -c <config> --no-worker --json`: the run's result, or the CLI's failure. */
export async function runViaCli(name: string, config: Record<string, unknown>): Promise<RunResult> {
  const r = await cli(['run', '-c', configFile(name, config), '--no-worker', '--json']);
  if (r.code !== 0) throw new Error(`sweepflow run ${name} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as RunResult;
}

/** Asserts the trust invariants of a finished run (src/jobs/run-invariants) and returns its output checksums. */
export async function checkedOutputs(result: RunResult): Promise<Record<string, string>> {
  const problems = await checkRunInvariants(result.summaryFile);
  expect(problems).toEqual([]);
  return outputChecksums(result.out);
}

export async function expectFailedRunInvariants(work: string): Promise<void> {
  expect(await checkFailedRunInvariants(work)).toEqual([]);
}

/**
 * The outputs of a single-worker run of `ds` (one worker process, nothing else polling): computed once
 * and kept in the data folder for the other scenario files. Scenarios stop their own workers first.
 */
export async function referenceOutputs(client: Client, ds: Dataset): Promise<{ checksums: Record<string, string>; result: RunResult }> {
  const file = path.join(DATA, 'reference', `${ds.name}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { checksums: Record<string, string>; result: RunResult };
  const inputs = await ensureDataset(ds);
  const solo = startWorker(`ref-${ds.name}`);
  try {
    await waitForPollers(client, [solo]);
    const result = await runViaCli(`ref-${ds.name}`, runConfig(`ref-${ds.name}`, path.relative(DATA, inputs)));
    const ref = { checksums: await checkedOutputs(result), result };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(ref));
    return ref;
  } finally {
    await stopWorker(solo);
  }
}

/** Starts `n` compose-style workers and waits until all poll. */
export async function startWorkers(client: Client, prefix: string, n: number): Promise<WorkerProcess[]> {
  const workers = Array.from({ length: n }, (_, i) => startWorker(`${prefix}-${i + 1}`));
  await waitForPollers(client, workers);
  return workers;
}

/** Polls `fn` until it returns a value other than undefined. */
export async function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The hooks every scenario file shares: a client connected before the tests, and the file's worker
 * processes stopped (and the connection closed) after them. Push workers onto `workers`.
 */
export function useCluster(): { client: () => Client; workers: WorkerProcess[] } {
  let client: Client | null = null;
  let close: (() => Promise<void>) | null = null;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    const c = await connect();
    client = c.client;
    close = () => c.connection.close();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => stopWorker(w, 'SIGKILL')));
    await close?.();
  });
  return { client: () => client!, workers };
}
