import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { RunResult } from '../../src/workflows/types';
import { checkedOutputs, configFile, DATA, ensureDataset, referenceOutputs, runConfig, SMALL, startWorkers } from './scenario';
import { cli, type WorkerProcess } from './topology';

/** Committed job manifests of a run so far: a progress measure that fault points can wait for. */
export function committedJobs(run: string): number {
  const root = path.join(DATA, 'out', run, 'jobs');
  if (!existsSync(root)) return 0;
  return readdirSync(root).flatMap((sec) => readdirSync(path.join(root, sec)).filter((d) => existsSync(path.join(root, sec, d, 'manifest.json')))).length;
}

/** Committed split manifests of a run so far. */
export function committedSplits(run: string): number {
  const dir = path.join(DATA, 'work', run, 'splits');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).length : 0;
}

export async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Starts a run from the CLI (--no-worker) and returns its eventual result (or the CLI's failure). */
export function startRun(name: string, config: Record<string, unknown>): Promise<RunResult> {
  return cli(['run', '-c', configFile(name, config), '--no-worker', '--json']).then((r) => {
    if (r.code !== 0) throw new Error(`sweepflow run ${name} exited ${r.code}: ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout) as RunResult;
  });
}

/** A seeded sequence in [0, 1), so fault points are random but the same every run. */
export function seeded(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 48271) % 2147483647) / 2147483647);
}

/**
 * A run of the small dataset on three workers with `fault` done to the servers once 3 jobs have
 * committed: it completes with the outputs of a single-worker run. Returns where the fault struck.
 */
export async function completesDespite(cluster: { client: () => Client; workers: WorkerProcess[] }, name: string, fault: () => Promise<void> | void): Promise<number> {
  const ref = await referenceOutputs(cluster.client(), SMALL);
  cluster.workers.push(...await startWorkers(cluster.client(), name, 3));
  const inputs = path.relative(DATA, await ensureDataset(SMALL));
  const run = startRun(name, runConfig(name, inputs, { processing: { splitBytes: 256 * 1024, heartbeatTimeoutSeconds: 5, jobConcurrency: 2 } }));
  expect(await waitFor(() => committedJobs(name) >= 3, 120_000)).toBe(true);
  const at = committedJobs(name);
  await fault();
  const result = await run;
  expect(at).toBeLessThan(12);
  expect(result).toMatchObject({ jobs: 12, failed: 0 });
  expect(await checkedOutputs(result)).toEqual(ref.checksums);
  return at;
}
