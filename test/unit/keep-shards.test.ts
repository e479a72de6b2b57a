import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { generate } from '../../src/generator/generate';
import { committedManifest, filesUnder, jobsOf, shardedRun } from '../helpers/run-steps';
import { analysePartition } from '../../src/jobs/analyse-partition';
import type { JobManifest } from '../../src/jobs/manifest';
import { prepareJob } from '../../src/jobs/prepare-job';
import { jobRecordsDir } from '../../src/io/paths';

/**
 * `processing.keepShards: false` (issue 15's scratch bound): each job deletes its shards when it commits,
 * so the work folder's shards end empty; a rerun plans and shards anew, skips every unchanged job by its
 * fingerprint (as with kept shards) and deletes the skipped jobs' shards too; a committed job that must be redone within the same run after its
 * shards went is refused with a message that says why and what to do.
 */
const dir = path.join(__dirname, '..', '..', 'test-output', 'keep-shards');

async function runJobs(name: string, keepShards: boolean): Promise<{ statuses: string[]; manifests: JobManifest[]; shardBytesBefore: number; shardsLeft: string[]; work: string }> {
  const raw = { name, baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' }, processing: { keepShards } };
  const sharded = await shardedRun(raw);
  const { plan, result, paths } = sharded;
  const shardBytesBefore = filesUnder(paths.shards).reduce((n, f) => n + statSync(f).size, 0);
  const statuses: string[] = [];
  const manifests: JobManifest[] = [];
  for (const { security, date } of await jobsOf(sharded)) {
    const job = { run: result.run, security, date };
    const prepared = await prepareJob(plan, paths, job);
    if (prepared.kind === 'run') await analysePartition(prepared.task);
    statuses.push(prepared.kind === 'run' ? 'ran' : prepared.result.status);
    // A retry of the committed job (its worker died after the commit) needs no shard: done, not refused.
    const again = await prepareJob(plan, paths, job);
    expect(again.kind === 'skip' && again.result.status).toBe(prepared.kind === 'run' ? 'done' : 'skipped');
    manifests.push(committedManifest(paths, security, date));
  }
  return { statuses, manifests, shardBytesBefore, shardsLeft: filesUnder(paths.shards), work: paths.work };
}

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await generate({ securities: 2, dates: 2, rowsPerJob: 500, seed: 11, out: path.join(dir, 'data') });
});

it('deletes each job\'s shards at its commit, and computes what a run that keeps them computes', async () => {
  const kept = await runJobs('kept', true);
  const deleted = await runJobs('deleted', false);
  expect(kept.statuses).toEqual(['ran', 'ran', 'ran', 'ran']);
  expect(deleted.statuses).toEqual(['ran', 'ran', 'ran', 'ran']);
  expect(kept.shardBytesBefore).toBeGreaterThan(100_000);
  expect(deleted.shardBytesBefore).toBe(kept.shardBytesBefore);
  expect(kept.shardsLeft.length).toBeGreaterThanOrEqual(12); // orders, trades and quotes of 4 jobs
  expect(deleted.shardsLeft).toEqual([]);
  // The same figures and the same identity: only the scratch differs.
  const figures = (m: JobManifest): unknown => [m.security, m.date, m.fingerprint, m.orders, m.sweeps, m.events, m.trades, m.quotes, m.fillStatus, m.filledQty];
  expect(deleted.manifests.map(figures)).toEqual(kept.manifests.map(figures));
});

it('reruns without kept shards: the rerun shards anew and skips every unchanged job', async () => {
  await runJobs('rerun', false);
  const again = await runJobs('rerun', false);
  expect(again.statuses).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
  expect(again.shardBytesBefore).toBeGreaterThan(100_000); // sharded anew
  expect(again.shardsLeft).toEqual([]); // a skipped job's shards go too
});

it('refuses, naming the setting and the remedy, a committed job whose outputs went within the same run', async () => {
  const raw = { name: 'gone', baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' }, processing: { keepShards: false } };
  const sharded = await shardedRun(raw);
  const { plan, result, paths } = sharded;
  const [{ security, date }] = await jobsOf(sharded);
  const job = { run: result.run, security, date };
  const prepared = await prepareJob(plan, paths, job);
  if (prepared.kind !== 'run') throw new Error('expected the job to run');
  await analysePartition(prepared.task);
  rmSync(path.join(jobRecordsDir(paths.out, security, date), 'manifest.json'));
  await expect(prepareJob(plan, paths, job)).rejects.toMatchObject({
    kind: 'ShardsMissing',
    message: expect.stringMatching(new RegExp(`job ${security}/${date} must run again but its shard .+ is gone \\(processing.keepShards is false.*sweepflow resume gone`)),
  });
});
