import path from 'node:path';
import { checkedOutputs, DATA, ensureDataset, referenceOutputs, runConfig, SMALL, startWorkers, useCluster } from './scenario';
import { committedJobs, committedSplits, seeded, startRun, waitFor } from './faults';
import { startWorker, waitForPollers } from './topology';

/**
 * (b) Three workers; one is SIGKILLed at five random points of the run (seeded, tied to progress so they
 * land inside the run on any machine) and replaced by a fresh process. The run completes with outputs
 * byte-identical to a single-worker run's.
 */
const cluster = useCluster();
const workers = cluster.workers;

it('(b) survives kill -9 of a worker at five random points', async () => {
  const ref = await referenceOutputs(cluster.client(), SMALL);
  workers.push(...await startWorkers(cluster.client(), 'kills', 3));
  const inputs = path.relative(DATA, await ensureDataset(SMALL));
  const run = startRun('kills', runConfig('kills', inputs, { processing: { splitBytes: 256 * 1024, heartbeatTimeoutSeconds: 3, jobConcurrency: 4 } }));
  const rnd = seeded(13);
  const jobPoints = new Set<number>();
  while (jobPoints.size < 4) jobPoints.add(1 + Math.floor(rnd() * 10));
  const points = [{ what: 'splits', n: 1 }, ...[...jobPoints].sort((a, b) => a - b).map((n) => ({ what: 'jobs', n }))];
  const kills: string[] = [];
  for (const [i, point] of points.entries()) {
    const reached = await waitFor(() => (point.what === 'splits' ? committedSplits('kills') : committedJobs('kills')) >= point.n, 120_000);
    const victim = workers.splice(Math.floor(rnd() * workers.length), 1)[0];
    victim.child.kill('SIGKILL');
    await victim.exited;
    kills.push(`${victim.name} at ${point.n} ${point.what}${reached ? '' : ' (not reached)'}`);
    const fresh = startWorker(`kills-r${i + 1}`);
    workers.push(fresh);
    await waitForPollers(cluster.client(), [fresh]);
  }
  const result = await run;
  console.log(`kills: ${kills.join('; ')}`);
  expect(kills.filter((k) => !k.includes('not reached'))).toHaveLength(5);
  expect(result).toMatchObject({ jobs: 12, failed: 0 });
  expect(result.done + result.skipped).toBe(12);
  expect(await checkedOutputs(result)).toEqual(ref.checksums);
});
