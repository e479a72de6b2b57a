import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readCsv } from '../../src/io/csv-file';
import { DamagedShardError, forEachShardFrame, isShardFrames, shardFrame, SHARD_FRAME_MAGIC } from '../../src/io/shard-codec';

/** Compressed shards (io/shard-codec): frames of Brotli with a CRC-32, read back as the CSV bytes or refused. */
const dir = path.join(__dirname, '..', '..', 'test-output', 'shard-codec');

const framed = (...texts: string[]): Buffer => Buffer.concat(texts.flatMap((t) => shardFrame(Buffer.from(t))));

function decoded(data: Buffer, file = 'x.csv'): string {
  const out: Buffer[] = [];
  forEachShardFrame(file, data, (csv) => out.push(csv));
  return Buffer.concat(out).toString();
}

async function records(file: string, shardFrames: boolean): Promise<string[][]> {
  const rows: string[][] = [];
  await readCsv(file, {
    onHeader: (h) => rows.push(h),
    onRecord: (f) => rows.push(f),
    onMalformed: (line, _raw, reason) => { throw new Error(`${line}: ${reason}`); },
  }, { shardFrames });
  return rows;
}

beforeAll(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
});

it('reads back the CSV bytes of every frame in order, a line cut across two frames included', () => {
  const data = framed('a,b\n1,2\n3,', '4\n', '', '5,6\n');
  expect(isShardFrames(data)).toBe(true);
  expect(decoded(data)).toBe('a,b\n1,2\n3,4\n5,6\n');
  expect(decoded(Buffer.alloc(0))).toBe('');
  // A CSV never starts like a frame: 0xF5 is not a UTF-8 byte at all.
  expect(isShardFrames(Buffer.from('order_id,timestamp\n'))).toBe(false);
  expect(Buffer.from(Buffer.from([SHARD_FRAME_MAGIC[0]]).toString('utf8'), 'utf8')[0]).not.toBe(SHARD_FRAME_MAGIC[0]);
});

it('refuses a damaged shard, naming the file and the frame: cut short, a frame missing, a changed byte', () => {
  const data = framed('order_id,side\n1,2\n', '3,4\n'.repeat(500));
  const second = shardFrame(Buffer.from('order_id,side\n1,2\n'))[0].length + shardFrame(Buffer.from('order_id,side\n1,2\n'))[1].length;
  const cases: [Buffer, RegExp][] = [
    [data.subarray(0, data.length - 1), new RegExp(`^/w/s.csv: shard file is damaged at byte ${second} \\(the frame needs \\d+ bytes, the file has \\d+\\)`)],
    [data.subarray(0, second + 5), new RegExp(`at byte ${second} \\(a frame header is cut short\\)`)],
    [Buffer.concat([data.subarray(0, second), Buffer.from('3,4\n'.repeat(10))]), new RegExp(`at byte ${second} \\(no frame starts here\\)`)],
  ];
  // Every single byte of the second frame's Brotli stream changed: refused each time, never other text.
  for (let i = second + 12; i < data.length; i++) {
    const bad = Buffer.from(data);
    bad[i] ^= 0x5a;
    cases.push([bad, new RegExp(`at byte ${second} `)]);
  }
  for (const [bad, message] of cases) {
    let error: unknown = null;
    try {
      decoded(bad, '/w/s.csv');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DamagedShardError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain('delete the run\'s work folder and rerun');
  }
  expect(cases.length).toBeGreaterThan(10);
});

it('readCsv decodes a compressed shard only when asked, small or larger than one read', async () => {
  const small = path.join(dir, 'small.csv');
  writeFileSync(small, framed('order_id,side\n', '7,1\n8,2\n'));
  expect(await records(small, true)).toEqual([['order_id', 'side'], ['7', '1'], ['8', '2']]);
  // An input file is never taken for a shard: without the option its bytes are read as they are.
  expect((await records(small, false))[0]).not.toEqual(['order_id', 'side']);
  // Past the 4 MiB read of a whole small file: random digits compress to more than that.
  const lines = Array.from({ length: 60_000 }, () => `${BigInt('0x' + randomBytes(8).toString('hex'))},${randomBytes(80).toString('hex')}\n`);
  const big = path.join(dir, 'big.csv');
  writeFileSync(big, framed('id,text\n' + lines.slice(0, 30_000).join(''), lines.slice(30_000).join('')));
  expect(statSync(big).size).toBeGreaterThan(4 * 1024 * 1024);
  const rows = await records(big, true);
  expect(rows).toHaveLength(60_001);
  expect(rows[60_000].join(',') + '\n').toBe(lines[59_999]);
  expect(rows.slice(1).map((r) => r.join(',') + '\n')).toEqual(lines);
});
