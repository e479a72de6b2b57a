/**
 * npm run bench:shard-format -- which shard format is the faster end to end? A shard is written once (shard
 * step) and read once (its job). Each is timed on the same rows in the same run: our partition writer and
 * shard reader for CSV, plain and compressed (the default, io/shard-codec); hyparquet-writer and hyparquet for
 * Parquet (INT64 ids exact either way); and a fixed-width binary record, compressed the same way, that no
 * part of the pipeline writes yet:
 * the measure of issue 15's "compact binary shard record" before it is built. It also counts the records
 * issue 15's combiner would write. The rows are the order shards of the end-to-end bench (`npm run bench`
 * makes them), or a generated day.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { OrderStateTracker } from '../domain/order-states';
import { ORDER_SHARD } from '../domain/shard-records';
import { numberOf, ShortTexts, unsignedInto } from '../io/row-bytes';
import type { OrderEvent } from '../domain/types';
import { generate } from '../generator/generate';
import { PartitionWriter } from '../io/partition-writer';
import { forEachShardFrame, shardFrame, writtenShardCodec } from '../io/shard-codec';
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

/** The bytes of a compressed shard's frames, as a job reads them. */
function unframed(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  forEachShardFrame('binary record', data, (b) => parts.push(b));
  return Buffer.concat(parts);
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
  const compressedFile = path.join(OUT, 'csv', `shard.csv.${writtenShardCodec}`);
  const compressedWriter = new PartitionWriter(ORDER_SHARD.columns, 32 * 1024 * 1024, true);
  for (const l of lines) compressedWriter.writeLine(compressedFile, l);
  compressedWriter.flush();
  const compressedWrite = sec();
  const shardText = Buffer.from(lines.join(''), 'latin1');
  sec();
  const records = encodeRecords(shardText, rows);
  const binEncode = sec();
  const bin = Buffer.concat(shardFrame(records));
  const binWrite = binEncode + sec();
  // Reading is what every job pays: three alternated rounds, the median of each.
  const compressedReads: number[] = [], binReads: number[] = [];
  for (let round = 0; round < 3; round++) {
    let compressedRows = 0, binRows = 0;
    sec();
    await readOrderEvents([compressedFile], () => { compressedRows++; });
    compressedReads.push(sec());
    decodeRecords(unframed(bin), () => { binRows++; });
    binReads.push(sec());
    if (compressedRows !== rows || binRows !== rows) throw new Error(`row counts differ: ${rows} ${compressedRows} ${binRows}`);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1];
  const compressedRead = median(compressedReads), binRead = median(binReads);
  const sameEvents = sameAsRead(events, unframed(bin));

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
  process.stdout.write(`csv.${writtenShardCodec} write ${compressedWrite.toFixed(2)} s (${rate(rows, compressedWrite)})  read to order events ${compressedRead.toFixed(2)} s (${rate(rows, compressedRead)}, median of 3)  ` +
    `bytes ${readFileSync(compressedFile).length}\n`);
  process.stdout.write(`binary.${writtenShardCodec} write ${binWrite.toFixed(2)} s (${rate(rows, binWrite)}; encoding from the shard lines' bytes ${binEncode.toFixed(2)} s, then compressing)  read to order events ${binRead.toFixed(2)} s ` +
    `(${rate(rows, binRead)}, median of 3)  bytes ${bin.length}  (${RECORD_BYTES} bytes a record; every event read back equal: ${sameEvents})\n`);
  const combined = await combinerRecords(shards);
  process.stdout.write(`combiner: reducing each shard's events to partial order states (distinct arrival, post-arrival, final) ` +
    `would write ${combined} records for ${rows} events (${((combined / rows - 1) * 100).toFixed(1)}%)\n`);
  process.stdout.write(`csv_vs_parquet_write_plus_read=${((pqWrite + pqRead) / (csvWrite + csvRead)).toFixed(2)} (above 1: CSV is faster)\n`);
  process.stdout.write(`binary_vs_csv_${writtenShardCodec}_write_plus_read=${((binWrite + binRead) / (compressedWrite + compressedRead)).toFixed(2)} (below 1: the binary record is faster)\n`);
}

/**
 * The fixed-width record measured here: order id, timestamp, sequence (0 and a flag when absent) as unsigned
 * 64-bit; file order a double (file index x 10^9 + line passes 2^32); side a byte; price, quantities, type and the national quotes as doubles (NaN:
 * no quote); security, participant and time validity as 16-bit indexes into the file's list of texts, which
 * the file starts with (its length, then JSON). Encoded from the shard lines, as the shard step would.
 */
const RECORD_BYTES = 96;
const NO_TEXT = 0xffff;

/**
 * What issue 15's combiner would write: a shard file holds one split's events of one job, and the split
 * would reduce them to each order's partial states, of which the job merges the splits'.
 */
async function combinerRecords(shards: readonly string[]): Promise<number> {
  let records = 0;
  for (const file of shards) {
    const tracker = new OrderStateTracker();
    await readOrderEvents([file], (e) => tracker.add(e));
    for (const s of tracker.states()) records += new Set([s.arrival, s.postArrival, s.final]).size;
  }
  return records;
}

/** Value of validated decimal digits (an optional minus) between s and e: NaN when empty. */
function numberAt(buf: Buffer, s: number, e: number): number {
  if (s === e) return NaN;
  return buf[s] === 45 ? -numberOf(buf, s + 1, e) : numberOf(buf, s, e);
}

/** The records of the shard lines (one Buffer of them), encoded on their bytes as the shard step would. */
function encodeRecords(text: Buffer, rows: number): Buffer {
  const decoded = new ShortTexts(); // as the shard readers decode texts: once per value, not per row
  const texts = new Map<string, number>();
  const list: string[] = [];
  const text16 = (s: number, e: number, nullable: boolean): number => {
    if (nullable && s === e) return NO_TEXT;
    const v = decoded.get(text, s, e);
    let k = texts.get(v);
    if (k === undefined) texts.set(v, (k = list.push(v) - 1));
    return k;
  };
  const body = Buffer.alloc(rows * RECORD_BYTES);
  const dv = new DataView(body.buffer, body.byteOffset, body.length);
  const at = ORDER_SHARD.at;
  const numbers = [at.price, at.quantity, at.leaves, at.matched, at.type, at.national_bid, at.national_offer];
  const starts = new Int32Array(ORDER_SHARD.columns.length), ends = new Int32Array(ORDER_SHARD.columns.length);
  const u64 = (o: number, field: number): void => {
    if (!unsignedInto(dv, o, text, starts[field], ends[field])) dv.setBigUint64(o, BigInt(text.toString('latin1', starts[field], ends[field])), true);
  };
  let p = 0;
  for (let r = 0, o = 0; r < rows; r++, o += RECORD_BYTES) {
    let f = 0;
    starts[0] = p;
    for (; text[p] !== 10; p++) {
      if (text[p] === 44) { // the bench's shard lines hold no quoted text
        ends[f] = p;
        starts[++f] = p + 1;
      }
    }
    ends[f] = p++;
    u64(o, at.order_id);
    u64(o + 8, at.timestamp);
    const noSequence = starts[at.sequence] === ends[at.sequence];
    if (!noSequence) u64(o + 16, at.sequence);
    dv.setFloat64(o + 24, numberAt(text, starts[at.file_order], ends[at.file_order]), true);
    dv.setUint8(o + 32, numberAt(text, starts[at.side], ends[at.side]));
    for (let k = 0; k < numbers.length; k++) dv.setFloat64(o + 33 + 8 * k, numberAt(text, starts[numbers[k]], ends[numbers[k]]), true);
    dv.setUint16(o + 89, text16(starts[at.security], ends[at.security], false), true);
    dv.setUint16(o + 91, text16(starts[at.participant], ends[at.participant], false), true);
    dv.setUint16(o + 93, text16(starts[at.timevalidity], ends[at.timevalidity], true), true);
    dv.setUint8(o + 95, noSequence ? 1 : 0);
  }
  const head = Buffer.from(JSON.stringify(list));
  const size = Buffer.alloc(4);
  size.writeUInt32LE(head.length);
  return Buffer.concat([size, head, body]);
}

function decodeRecords(file: Buffer, onEvent: (e: OrderEvent) => void): void {
  const headLength = file.readUInt32LE(0);
  const list = JSON.parse(file.subarray(4, 4 + headLength).toString()) as string[];
  const body = file.subarray(4 + headLength);
  const dv = new DataView(body.buffer, body.byteOffset, body.length);
  const quote = (x: number): number | null => (x !== x ? null : x);
  for (let o = 0; o < body.length; o += RECORD_BYTES) {
    const validity = dv.getUint16(o + 93, true);
    onEvent({
      orderId: dv.getBigUint64(o, true), timestamp: dv.getBigUint64(o + 8, true),
      sequence: dv.getUint8(o + 95) === 1 ? null : dv.getBigUint64(o + 16, true), fileOrder: dv.getFloat64(o + 24, true),
      security: list[dv.getUint16(o + 89, true)], side: dv.getUint8(o + 32) as OrderEvent['side'],
      price: dv.getFloat64(o + 33, true), quantity: dv.getFloat64(o + 41, true), leavesQuantity: dv.getFloat64(o + 49, true),
      totalMatchedQuantity: dv.getFloat64(o + 57, true), exchangeOrderType: dv.getFloat64(o + 65, true),
      participantId: list[dv.getUint16(o + 91, true)], nationalBid: quote(dv.getFloat64(o + 73, true)),
      nationalOffer: quote(dv.getFloat64(o + 81, true)), timeValidity: validity === NO_TEXT ? null : list[validity],
    });
  }
}

/** Whether the binary file reads back as the events the CSV reader gave (the measure is of the same data), or the first difference. */
function sameAsRead(events: readonly OrderEvent[], file: Buffer): string {
  let i = 0, first = '';
  decodeRecords(file, (e) => {
    const want = events[i++];
    for (const k of Object.keys(want) as (keyof OrderEvent)[]) if (first === '' && want[k] !== e[k]) first = `event ${i} ${k}: ${String(e[k])}, read as ${String(want[k])}`;
  });
  return first || (i === events.length ? 'yes' : `${i} events, read ${events.length}`);
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
