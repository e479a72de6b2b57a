import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { jobRecordsDir } from '../../src/io/paths';
import { DamagedShardError, forEachShardFrame, isShardFrames } from '../../src/io/shard-codec';
import { failureKind } from '../../src/jobs/errors';
import { readOrderEvents } from '../../src/io/shard-reader';
import { generate } from '../../src/generator/generate';
import { analysePartition } from '../../src/jobs/analyse-partition';
import { prepareJob } from '../../src/jobs/prepare-job';
import { committedManifest, filesUnder, jobsOf, shardedRun } from '../helpers/run-steps';

/**
 * `processing.compressShards` (issue 15's scratch bound): compressed shards hold the same CSV bytes (a
 * frame per flush, io/shard-codec), so shard hashes, job fingerprints and every figure are those of plain
 * shards, in about a third of the space (LZ4 frames; the bench's 331 MB against 994 MB plain).
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

let plain: Awaited<ReturnType<typeof run>>;
let gz: Awaited<ReturnType<typeof run>>;

it('compressed shards give the same hashes, fingerprints and figures as plain ones, in under two fifths of the space', async () => {
  plain = await run('plain', false);
  gz = await run('gz', true);
  expect(gz.manifests).toHaveLength(4);
  expect(gz.manifests).toEqual(plain.manifests);
  expect(gz.inputs).toEqual(plain.inputs);
  expect(gz.shards.map((f) => path.basename(f))).toEqual(plain.shards.map((f) => path.basename(f)));
  for (const f of gz.shards) expect(isShardFrames(readFileSync(f))).toBe(true);
  for (const f of plain.shards) expect(isShardFrames(readFileSync(f))).toBe(false);
  expect(plain.bytes).toBeGreaterThan(2_000_000);
  // LZ4 does less on these small flushes (256 KB) than on the bench's (0.33): 0.37 here, Brotli 0.29.
  expect(gz.bytes / plain.bytes).toBeLessThan(0.4);
  // The largest shard took several flushes, so several frames, which read back as its plain bytes.
  const largest = plain.shards.reduce((a, b) => statSync(a).size >= statSync(b).size ? a : b);
  const twin = gz.shards[plain.shards.indexOf(largest)];
  const frames: Buffer[] = [];
  forEachShardFrame(twin, readFileSync(twin), (csv) => frames.push(csv));
  expect(frames.length).toBeGreaterThan(1);
  expect(Buffer.concat(frames).equals(readFileSync(largest))).toBe(true);
});

it('reads the gzipped shards of earlier versions (a work folder kept across an upgrade) as the same events', async () => {
  const order = plain.shards.filter((f) => f.includes(`${path.sep}orders${path.sep}`)).reduce((a, b) => statSync(a).size >= statSync(b).size ? a : b);
  const old = path.join(dir, 'old-gzip-shard.csv');
  writeFileSync(old, Buffer.concat([gzipSync(readFileSync(order).subarray(0, 1000)), gzipSync(readFileSync(order).subarray(1000))]));
  const events = async (file: string) => {
    const out: string[] = [];
    await readOrderEvents([file], (e) => out.push(JSON.stringify(e, (_k, v: unknown) => typeof v === 'bigint' ? `${v}n` : v)));
    return out;
  };
  const fromPlain = await events(order);
  expect(fromPlain.length).toBeGreaterThan(1000);
  expect(await events(old)).toEqual(fromPlain);
  expect(await events(gz.shards[plain.shards.indexOf(order)])).toEqual(fromPlain);
});

it('a job whose compressed shard was damaged after sharding fails as CorruptState, naming the shard, and commits nothing', async () => {
  const sharded = await shardedRun({ name: 'damaged', baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' } });
  const [job] = await jobsOf(sharded);
  const prepared = await prepareJob(sharded.plan, sharded.paths, { run: sharded.result.run, security: job.security, date: job.date });
  if (prepared.kind !== 'run') throw new Error('expected the job to run');
  const shard = filesUnder(sharded.paths.shards).find((f) => f.includes(`${path.sep}orders${path.sep}${job.security}${path.sep}${job.date}${path.sep}`))!;
  const bytes = readFileSync(shard);
  bytes[bytes.length - 3] ^= 0x40; // one bit of the last frame's compressed bytes
  writeFileSync(shard, bytes);
  const failure = await analysePartition(prepared.task).then(() => null, (e: unknown) => e);
  expect(failure).toBeInstanceOf(DamagedShardError);
  expect((failure as Error).message).toContain(`${shard}: shard file is damaged at byte `);
  expect(failureKind(failure)).toBe('CorruptState');
  expect(existsSync(path.join(jobRecordsDir(sharded.paths.out, job.security, job.date), 'manifest.json'))).toBe(false);
});
