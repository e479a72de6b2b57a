import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { generate } from '../../src/generator/generate';
import { analysePartition } from '../../src/jobs/analyse-partition';
import { prepareJob } from '../../src/jobs/prepare-job';
import { committedManifest, filesUnder, jobsOf, shardedRun } from '../helpers/run-steps';

/**
 * `processing.compressShards` (issue 15's scratch bound): gzipped shards hold the same CSV bytes (a gzip
 * member per flush), so shard hashes, job fingerprints and every figure are those of plain shards, in
 * about a quarter of the space.
 */
const dir = path.join(__dirname, '..', '..', 'test-output', 'compress-shards');

async function run(name: string, compressShards: boolean) {
  // 1,000 buffered rows (256 KB) a flush: the larger shards are written in several flushes.
  const raw = { name, baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' }, processing: { compressShards, chunkRows: 1000 } };
  const sharded = await shardedRun(raw);
  const { plan, result, paths } = sharded;
  const shards = filesUnder(paths.shards);
  const manifests: unknown[] = [];
  const inputs: unknown[] = [];
  for (const job of await jobsOf(sharded)) {
    inputs.push([job.inputs.orders.sha1, job.inputs.trades.sha1, job.inputs.nbbo.sha1]);
    const prepared = await prepareJob(plan, paths, { run: result.run, security: job.security, date: job.date });
    if (prepared.kind !== 'run') throw new Error('expected the job to run');
    await analysePartition(prepared.task);
    const m = committedManifest(paths, job.security, job.date);
    manifests.push([m.security, m.date, m.fingerprint, m.orders, m.sweeps, m.events, m.trades, m.quotes, m.fillStatus, m.filledQty]);
  }
  return { shards, bytes: shards.reduce((n, f) => n + statSync(f).size, 0), manifests, inputs };
}

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await generate({ securities: 2, dates: 2, rowsPerJob: 3000, seed: 13, out: path.join(dir, 'data') });
});

it('gzipped shards give the same hashes, fingerprints and figures as plain ones, in under a third of the space', async () => {
  const plain = await run('plain', false);
  const gz = await run('gz', true);
  expect(gz.manifests).toHaveLength(4);
  expect(gz.manifests).toEqual(plain.manifests);
  expect(gz.inputs).toEqual(plain.inputs);
  expect(gz.shards.map((f) => path.basename(f))).toEqual(plain.shards.map((f) => path.basename(f)));
  for (const f of gz.shards) expect([...readFileSync(f).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
  for (const f of plain.shards) expect(readFileSync(f)[0]).not.toBe(0x1f);
  expect(plain.bytes).toBeGreaterThan(2_000_000);
  expect(gz.bytes / plain.bytes).toBeLessThan(0.33);
  // The largest shard took several flushes, so several gzip members, which read back as its plain bytes.
  const largest = plain.shards.reduce((a, b) => statSync(a).size >= statSync(b).size ? a : b);
  const twin = gz.shards[plain.shards.indexOf(largest)];
  const members = readFileSync(twin).toString('latin1').split('\x1f\x8b\x08').length - 1;
  expect(members).toBeGreaterThan(1);
  expect(gunzipSync(readFileSync(twin)).equals(readFileSync(largest))).toBe(true);
});
