/**
 * npm run bench:shard-format -- is CSV or Parquet the faster shard format end to end? A shard is written once
 * (shard step) and read once (its job). Both are timed on the same rows in the same run: our partition
 * writer and shard reader for CSV; hyparquet-writer and hyparquet for Parquet (INT64 ids exact either way).
 * The rows are the order shards of the end-to-end bench (`npm run bench` makes them), or a generated day.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ORDER_SHARD } from '../domain/shard-records';
import type { OrderEvent } from '../domain/types';
import { generate } from '../generator/generate';
import { PartitionWriter } from '../io/partition-writer';
import { readOrderEvents } from '../io/shard-reader';
import { shardSplitTask, plannedInput } from '../io/shard-split';
import { packSplits } from '../domain/splits';
import { listCsv } from './files';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'bench-data', 'shard-format');

async function shardsToUse(): Promise<string[]> {
  const e2e = path.join(ROOT, 'bench-data', 'e2e', 'work', 'e2e', 'shards', 'orders');
  if (existsSync(e2e)) return listCsv(e2e);
  const data = path.join(OUT, 'gen');
  if (!existsSync(path.join(data, 'truth.json'))) await generate({ securities: 10, dates: 1, rowsPerJob: 50_000, seed: 4, out: data });
  const file = path.join(data, 'orders', readdirSync(path.join(data, 'orders'))[0]);
  const size = statSync(file).size;
  const [split] = packSplits([{ index: 0, kind: 'orders', size, cuts: [] }], size + 1);
  await shardSplitTask({ baseDir: OUT, outputDir: 'out', workDir: 'work', runName: 'g', planCreatedAt: 'g', split, files: [plannedInput(0, file)],
    columns: { orders: {}, trades: {}, nbbo: {} }, masks: { centrePoint: 6464, sweep: 2048 }, maxRejectShare: 0.01, chunkRows: 50_000 }, () => undefined);
  return listCsv(path.join(OUT, 'work', 'g', 'shards', 'orders'));
}

const rate = (rows: number, s: number): string => `${Math.round(rows / s).toLocaleString('en')} rows/s`;

async function main(): Promise<void> {
  const shards = (await shardsToUse()).slice(0, 30);
  const events: OrderEvent[] = [];
  await readOrderEvents(shards, (e) => events.push(e));
  const rows = events.length;
  const asText = (e: OrderEvent): string[] => [e.orderId.toString(), e.timestamp.toString(), e.sequence?.toString() ?? '', String(e.fileOrder),
    e.security, String(e.side), String(e.price), String(e.quantity), String(e.leavesQuantity), String(e.totalMatchedQuantity),
    String(e.exchangeOrderType), e.participantId, e.nationalBid === null ? '' : String(e.nationalBid),
    e.nationalOffer === null ? '' : String(e.nationalOffer), e.timeValidity ?? ''];
  const lines = events.map((e) => `${asText(e).join(',')}\n`); // the shard step has the line ready when it writes
  rmSync(path.join(OUT, 'csv'), { recursive: true, force: true });
  const csvFile = path.join(OUT, 'csv', 'shard.csv');

  let t = process.hrtime.bigint();
  const sec = (): number => { const n = process.hrtime.bigint(), s = Number(n - t) / 1e9; t = n; return s; };
  const writer = new PartitionWriter(ORDER_SHARD.columns);
  for (const l of lines) writer.writeLine(csvFile, l);
  writer.flush();
  const csvWrite = sec();
  let n = 0;
  await readOrderEvents([csvFile], () => { n++; });
  const csvRead = sec();

  const big = (v: bigint | null): bigint | null => v;
  const num = (v: number | null): number | null => v;
  const columnData = [
    { name: 'order_id', type: 'INT64', data: events.map((e) => big(e.orderId)) },
    { name: 'timestamp', type: 'INT64', data: events.map((e) => big(e.timestamp)) },
    { name: 'sequence', type: 'INT64', data: events.map((e) => big(e.sequence)) },
    { name: 'file_order', type: 'INT64', data: events.map((e) => BigInt(e.fileOrder)) },
    { name: 'security', type: 'STRING', data: events.map((e) => e.security) },
    { name: 'side', type: 'INT32', data: events.map((e) => e.side) },
    { name: 'price', type: 'INT64', data: events.map((e) => BigInt(e.price)) },
    { name: 'quantity', type: 'INT64', data: events.map((e) => BigInt(e.quantity)) },
    { name: 'leaves', type: 'INT64', data: events.map((e) => BigInt(e.leavesQuantity)) },
    { name: 'matched', type: 'INT64', data: events.map((e) => BigInt(e.totalMatchedQuantity)) },
    { name: 'type', type: 'INT64', data: events.map((e) => BigInt(e.exchangeOrderType)) },
    { name: 'participant', type: 'STRING', data: events.map((e) => e.participantId) },
    { name: 'national_bid', type: 'DOUBLE', data: events.map((e) => num(e.nationalBid)) },
    { name: 'national_offer', type: 'DOUBLE', data: events.map((e) => num(e.nationalOffer)) },
    { name: 'timevalidity', type: 'STRING', data: events.map((e) => e.timeValidity) },
  ];
  sec();
  const pq = parquetWriteBuffer({ columnData: columnData as never });
  const pqWrite = sec();
  const { parquetReadObjects } = await import('hyparquet');
  const back = await parquetReadObjects({ file: pq });
  const pqRead = sec();
  if (back.length !== rows || n !== rows) throw new Error(`row counts differ: ${rows} ${n} ${back.length}`);

  process.stdout.write(`rows=${rows} from ${shards.length} order shards\n`);
  process.stdout.write(`csv      write ${csvWrite.toFixed(2)} s (${rate(rows, csvWrite)})  read to order events ${csvRead.toFixed(2)} s (${rate(rows, csvRead)})  ` +
    `bytes ${statSync(csvFile).size}\n`);
  process.stdout.write(`parquet  write ${pqWrite.toFixed(2)} s (${rate(rows, pqWrite)})  read to rows ${pqRead.toFixed(2)} s (${rate(rows, pqRead)})  ` +
    `bytes ${pq.byteLength}\n`);
  process.stdout.write(`csv_vs_parquet_write_plus_read=${((pqWrite + pqRead) / (csvWrite + csvRead)).toFixed(2)} (above 1: CSV is faster)\n`);
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
