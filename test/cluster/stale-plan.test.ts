import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../../src/workflows/types';
import { checkedOutputs, DATA, ensureDataset, runConfig, runViaCli, SMALL, startWorkers, useCluster } from './scenario';
import { activityWorkers, outputChecksums, startWorker, stopWorker, waitForPollers } from './topology';

/**
 * (e) A rerun with changed inputs whose plan and shards land on different workers. Every worker process
 * keeps plans in memory; the ones that served the first run must not serve the rerun from that memory
 * (old splits reused, discovery failing or working from old shards). The rerun's outputs must equal a
 * single-worker run of the changed inputs.
 */
const cluster = useCluster();
const workers = cluster.workers;
const inputs = path.join(DATA, 'inputs', 'stale');

beforeAll(async () => {
  rmSync(inputs, { recursive: true, force: true });
  cpSync(await ensureDataset(SMALL), inputs, { recursive: true });
});

/** Changes the inputs: the last date's files go, so that date's jobs must go from the rerun's outputs. */
function changeInputs(): string {
  const truth = JSON.parse(readFileSync(path.join(inputs, 'truth.json'), 'utf8')) as { dates: string[] };
  const last = truth.dates[truth.dates.length - 1];
  for (const kind of ['orders', 'trades', 'nbbo']) rmSync(path.join(inputs, kind, `${kind}_${last}.csv`));
  return last;
}

it('(e) a rerun with changed inputs is planned and sharded from the new plan on every worker', async () => {
  const config = runConfig('stale', path.relative(DATA, inputs), { processing: { splitBytes: 256 * 1024, heartbeatTimeoutSeconds: 5, jobConcurrency: 4 } });
  // First run on two workers, so both hold its plan in memory.
  workers.push(...await startWorkers(cluster.client(), 'stale', 2));
  const first = await runViaCli('stale', config);
  expect(first).toMatchObject({ jobs: 12, failed: 0 });
  const firstRan = new Set([...(await activityWorkers(cluster.client(), 'sweepflow-stale')).values()].flatMap((s) => [...s]));
  expect(workers.every((w) => [...firstRan].some((id) => id.startsWith(w.identity)))).toBe(true);

  const removed = changeInputs();
  // The rerun with a third, fresh worker too: wherever its plan lands, another worker that served the first run takes later steps.
  const fresh = startWorker('stale-3');
  workers.push(fresh);
  await waitForPollers(cluster.client(), workers);
  let rerun: RunResult | null = null;
  let planner = '', others: string[] = [];
  for (let attempt = 0; attempt < 3 && !rerun; attempt++) {
    const r = await runViaCli('stale', config);
    const ran = await activityWorkers(cluster.client(), 'sweepflow-stale');
    planner = [...(ran.get('planRun') ?? [])][0];
    const later = [...(ran.get('shardSplit') ?? []), ...(ran.get('discoverJobs') ?? [])];
    others = [...new Set(later)].filter((id) => id !== planner && !id.startsWith(fresh.identity));
    if (others.length > 0) rerun = r; // an old worker that did not plan took a shard or discovery step
  }
  expect(rerun).not.toBeNull();
  console.log(`planned on ${planner}; sharded or discovered also on ${others.join(', ')}`);
  expect(rerun).toMatchObject({ jobs: 9, failed: 0 });
  // No output of the removed date is left, and the outputs are those of a clean single-worker run.
  const out = rerun!.out;
  expect(readFileSync(path.join(out, 'jobs.csv'), 'utf8')).not.toContain(removed);
  const sums = await checkedOutputs(rerun!);
  await Promise.all(workers.splice(0).map((w) => stopWorker(w)));

  const solo = startWorker('stale-solo');
  workers.push(solo);
  await waitForPollers(cluster.client(), [solo]);
  const clean = await runViaCli('stale-clean', config.name === 'stale' ? { ...config, name: 'stale-clean' } : config);
  const cleanSums = outputChecksums(clean.out);
  expect(existsSync(clean.out)).toBe(true);
  const partitioned = (s: Record<string, string>): string[] => Object.keys(s).filter((f) => /^(orders|fills|candidates|matches|jobs)\//.test(f)).sort();
  expect(partitioned(sums)).toEqual(partitioned(cleanSums));
  expect(sums).toEqual(cleanSums);
});
