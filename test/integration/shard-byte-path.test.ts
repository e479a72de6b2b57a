import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packSplits } from '../../src/domain/splits';
import { generate } from '../../src/generator/generate';
import { findCutPoints } from '../../src/io/cut-points';
import { QuoteBytes } from '../../src/io/shard-line-bytes';
import { orderIdKey, readOrderEvents, readQuotes, readTrades } from '../../src/io/shard-reader';
import { shardSplitTask, type ShardTask, plannedInput } from '../../src/io/shard-split';
import { ORDER_SHARD, QUOTE_SHARD, TRADE_SHARD } from '../../src/domain/shard-records';
import type { OrderEvent, Quote, TradeSide } from '../../src/domain/types';
import { TEST_OUTPUT } from '../helpers/temporal-env';

/**
 * File-level differential test of the byte-level rules: sharding the same order (trade) file with and without
 * them gives the same shards (content hashes), the same counts per partition and the same rejects file. The
 * files hold generated rows plus rows the byte path must hand over: padded, quoted, broken, 20-digit ids.
 */
const dir = path.join(TEST_OUTPUT, 'shard-byte-path');

type Totals = { read: number; kept: number; filtered: number; rejected: number };

/** Shards `file` (with `extra` rows appended) with and without the byte path; both results, and the line count. */
async function bothWays(kind: 'orders' | 'trades' | 'nbbo', file: string, extra: (variant: (i: number, v: string) => string, sample: string[]) => string[]):
  Promise<{ strings: { manifests: { totals: Totals }[]; rejects: string }; bytes: unknown; rows: number }> {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const sample = lines[5].split(',');
  const variant = (i: number, v: string): string => sample.map((f, j) => (j === i ? v : f)).join(',');
  const added = extra(variant, sample);
  appendFileSync(file, added.join('\n') + '\n');
  const size = statSync(file).size;
  const splits = packSplits([{ index: 0, kind, size, cuts: await findCutPoints(file, size, 64 * 1024) }], 64 * 1024);
  expect(splits.length).toBeGreaterThan(3);
  const run = async (bytePath: boolean): Promise<{ manifests: { totals: Totals }[]; rejects: string }> => {
    const baseDir = path.join(dir, bytePath ? 'bytes' : 'strings');
    const manifests = [];
    let rejects = '';
    for (const split of splits) {
      const task: ShardTask = {
        baseDir, outputDir: 'out', workDir: 'work', runName: 'b', planCreatedAt: 'p', split, files: [plannedInput(0, file)],
        columns: { orders: {}, trades: {}, nbbo: {} }, masks: { centrePoint: 6464, sweep: 2048 }, maxRejectShare: 0.5, chunkRows: 100, bytePath,
      };
      const { manifest } = await shardSplitTask(task, () => undefined);
      if (manifest.rejectsFile) rejects += readFileSync(manifest.rejectsFile, 'utf8');
      manifests.push({ totals: manifest.totals, partitions: manifest.partitions, files: manifest.files.map((f) => [f.read, f.rejected, f.unattributedRejects]) });
    }
    return { manifests, rejects };
  };
  const strings = await run(false);
  return { strings, bytes: await run(true), rows: lines.length - 1 + added.length };
}

const sum = (m: { totals: Totals }[], k: keyof Totals): number => m.reduce((s, x) => s + x.totals[k], 0);

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await generate({ securities: 3, dates: 2, rowsPerJob: 2000, seed: 11, out: path.join(dir, 'data') });
});

it('order shards, counts and rejects are identical with and without the byte path', async () => {
  const { strings, bytes, rows } = await bothWays('orders', path.join(dir, 'data', 'orders', 'orders_2024-09-30.csv'), (variant, sample) => [
    variant(3, ` ${sample[3]}`), variant(0, '18446744073709551615'), variant(0, '18446744073709551616'), variant(4, '3'),
    variant(9, '2048'), variant(9, '8192'), variant(5, 'x'), variant(10, '"P,1"'), variant(17, ''), variant(2, ''),
    `${variant(6, '100')}\r`, variant(13, '-9223372036854775808'), sample.slice(1).join(','),
  ]);
  expect(bytes).toEqual(strings);
  expect(sum(strings.manifests, 'read')).toBe(rows);
  expect(sum(strings.manifests, 'rejected')).toBeGreaterThanOrEqual(4);
  expect(strings.rejects).toContain('unknown side');
});

it('trade shards, counts and rejects are identical with and without the byte path', async () => {
  const { strings, bytes, rows } = await bothWays('trades', path.join(dir, 'data', 'trades', 'trades_2024-09-30.csv'), (variant, sample) => [
    variant(2, `${sample[2]} `), variant(0, '18446744073709551615'), variant(0, '18446744073709551616'), variant(5, '3'),
    variant(6, ''), variant(7, '"Centre, Point"'), `${variant(3, '100')}\r`, variant(3, '1.5'), variant(1, ''), sample.slice(1).join(','),
  ]);
  expect(bytes).toEqual(strings);
  expect(sum(strings.manifests, 'read')).toBe(rows);
  expect(sum(strings.manifests, 'rejected')).toBeGreaterThanOrEqual(5);
  expect(strings.rejects).toContain('unknown side');
});

it('quote shards, counts and rejects are identical with and without the byte path', async () => {
  const { strings, bytes, rows } = await bothWays('nbbo', path.join(dir, 'data', 'nbbo', 'nbbo_2024-10-01.csv'), (variant, sample) => [
    variant(1, ` ${sample[1]}`), variant(1, ''), variant(0, '9223372036854775807'), variant(0, '99999999999999999999'), variant(0, ''),
    variant(2, ''), variant(2, '-5'), variant(3, '1.5'), variant(3, '99999999999999999999'), variant(1, '"A,B"'), `${variant(2, '100')}\r`,
    sample.slice(1).join(','),
  ]);
  expect(bytes).toEqual(strings);
  expect(sum(strings.manifests, 'read')).toBe(rows);
  expect(sum(strings.manifests, 'rejected')).toBeGreaterThanOrEqual(4);
  expect(strings.rejects).toContain('offerprice is not an integer');
});

/** Reads `files` the plain way and on their bytes, expects the same records, and gives them. */
async function readBothWays<T>(files: string[], read: (files: string[], on: (x: T) => void, plain: boolean) => Promise<void>): Promise<T[]> {
  const plain: T[] = [], bytes: T[] = [];
  await read(files, (x) => plain.push(x), true);
  await read(files, (x) => bytes.push(x), false);
  expect(bytes).toEqual(plain);
  return plain;
}

function csvFilesUnder(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? csvFilesUnder(path.join(d, e.name)) : e.name.endsWith('.csv') ? [path.join(d, e.name)] : []);
}

it('order events read from shard bytes equal the plain parse, on every shard and on edge cases', async () => {
  const shards = csvFilesUnder(path.join(dir, 'bytes', 'work', 'b', 'shards', 'orders'));
  expect(shards.length).toBeGreaterThan(5);
  const edge = path.join(dir, 'edge', 'orders.csv');
  mkdirSync(path.dirname(edge), { recursive: true });
  writeFileSync(edge, [ORDER_SHARD.columns.join(','),
    '18446744073709551615,1728144000000000000,,10000000005,BHP,1,100,5,5,0,2048,P1,-9223372036854775808,0,null',
    '7,0001,42,3,"A,B",2,1,1,0,1,64,,,,',
    '8,2,9223372036854775807,4,LONGSECURITYCODE,1,99999999999999,1,1,0,4098,participant-long,12345678901234567,100,0',
    '9,3,1,5,BHP,2,1,1,1,0,64,P2,-1,7,GTC',
  ].join('\n') + '\n');
  for (const files of [shards, [edge]]) {
    expect((await readBothWays<OrderEvent>(files, readOrderEvents)).length).toBeGreaterThan(3);
  }
});

it('trades read from shard bytes equal the plain parse, with and without the wanted-id filter', async () => {
  const shards = csvFilesUnder(path.join(dir, 'bytes', 'work', 'b', 'shards', 'trades'));
  expect(shards.length).toBeGreaterThan(5);
  const edge = path.join(dir, 'edge', 'trades.csv');
  mkdirSync(path.dirname(edge), { recursive: true });
  writeFileSync(edge, [TRADE_SHARD.columns.join(','),
    '18446744073709551615,1728144000000000000,BHP,100,5,1,,,',
    '7,0001,"A,B",2,1,2,42,"P,1",CENTRE POINT',
    '007,5,BHP,1,1,1,9223372036854775807,P2,1',
    '8,2,LONGSECURITYCODE,99999999999999,1,2,1,,',
  ].join('\n') + '\n');
  for (const files of [shards, [edge]]) {
    const plain = await readBothWays<TradeSide>(files, (f, on, asText) => readTrades(f, on, undefined, asText));
    expect(plain.length).toBeGreaterThan(3);
    // Every other order id key wanted: the filtered read keeps every trade of those keys ('007' is key 7).
    const keys = [...new Set(plain.map((t) => orderIdKey(t.orderId)))].filter((_, i) => i % 2 === 0);
    const wanted = new Set(keys);
    const isWanted = (t: TradeSide): boolean => wanted.has(orderIdKey(t.orderId));
    expect(plain.some(isWanted) && !plain.every(isWanted)).toBe(true);
    const filtered: TradeSide[] = [];
    await readTrades(files, (t) => filtered.push(t), (key) => wanted.has(key));
    expect(filtered.filter(isWanted)).toEqual(plain.filter(isWanted));
    // Refused keys are skipped on their bytes (quoted lines go the plain way, unfiltered).
    if (files === shards) expect(filtered).toEqual(plain.filter(isWanted));
  }
});

it('quotes read from shard bytes equal the plain parse, on every shard and on lines the byte reader leaves to it', async () => {
  const file = path.join(dir, 'data', 'nbbo', 'nbbo_2024-09-30.csv');
  const size = statSync(file).size;
  for (const split of packSplits([{ index: 0, kind: 'nbbo', size, cuts: await findCutPoints(file, size, 64 * 1024) }], 64 * 1024)) {
    await shardSplitTask({
      baseDir: path.join(dir, 'quotes'), outputDir: 'out', workDir: 'work', runName: 'b', planCreatedAt: 'p', split, files: [plannedInput(0, file)],
      columns: { orders: {}, trades: {}, nbbo: {} }, masks: { centrePoint: 6464, sweep: 2048 }, maxRejectShare: 0.5, chunkRows: 100, bytePath: true,
    }, () => undefined);
  }
  const shards = csvFilesUnder(path.join(dir, 'quotes', 'work', 'b', 'shards', 'nbbo'));
  expect(shards.length).toBeGreaterThan(2);
  const edge = path.join(dir, 'edge', 'nbbo.csv');
  mkdirSync(path.dirname(edge), { recursive: true });
  writeFileSync(edge, [QUOTE_SHARD.columns.join(','),
    '1728144000000000000,BHP,4242,4248', '1728144000000000001,"A,B",1,2', '0001,BHP,,-5', '2,BHP,0,99999999999999999',
    '3,BHP, 42,43 ', '4,BHP,4x,5', '5,BHP,-,7', '9223372036854775807,LONGSECURITYCODE,-9223372036854775808,1',
  ].join('\n') + '\n');
  for (const files of [shards, [edge]]) {
    expect((await readBothWays<Quote>(files, readQuotes)).length).toBeGreaterThan(7);
  }
  // Coverage: the byte reader answers every line the shard step wrote, and leaves the odd ones above alone.
  const reader = new QuoteBytes();
  const answered = (line: string): boolean => reader.parse(Buffer.from(line), 0, line.length) !== null;
  const written = shards.flatMap((f) => readFileSync(f, 'utf8').trimEnd().split('\n').slice(1));
  expect(written.length).toBeGreaterThan(1000);
  expect(written.filter(answered).length).toBe(written.length);
  expect(readFileSync(edge, 'utf8').trimEnd().split('\n').slice(1).map(answered)).toEqual([true, false, true, true, false, false, false, true]);
});
