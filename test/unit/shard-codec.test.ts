import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readCsv } from '../../src/io/csv-file';
import { DamagedShardError, forEachShardFrame, isShardFrames, shardFrame, shardFrameMagic, shardFrames, writtenShardCodec, type ShardCodec } from '../../src/io/shard-codec';

/**
 * Compressed shards (io/shard-codec): frames of LZ4 (written now) or Brotli (written by earlier versions) with a
 * CRC-32, read back as the CSV bytes or refused.
 */
const dir = path.join(__dirname, '..', '..', 'test-output', 'shard-codec');

const CODECS: ShardCodec[] = ['lz4', 'brotli'];
const framedWith = (codec: ShardCodec, ...texts: string[]): Buffer => Buffer.concat(texts.flatMap((t) => shardFrame(Buffer.from(t), codec)));
const framed = (...texts: string[]): Buffer => framedWith(writtenShardCodec, ...texts);

/** The CSV bytes of each frame, in order. */
function frameTexts(data: Buffer, file = 'x.csv'): Buffer[] {
  const out: Buffer[] = [];
  forEachShardFrame(file, data, (csv) => out.push(csv));
  return out;
}

function decoded(data: Buffer, file = 'x.csv'): string {
  return Buffer.concat(frameTexts(data, file)).toString();
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

it('writes LZ4 frames: the native binary loads on this platform', () => {
  expect(writtenShardCodec).toBe('lz4');
  expect(framed('a,b\n').subarray(0, 4)).toEqual(shardFrameMagic('lz4'));
});

it.each(CODECS)('reads back the CSV bytes of every %s frame in order, a line cut across two frames included', (codec) => {
  const data = framedWith(codec, 'a,b\n1,2\n3,', '4\n', '', '5,6\n');
  expect(data.subarray(0, 4)).toEqual(shardFrameMagic(codec));
  expect(isShardFrames(data)).toBe(true);
  expect(decoded(data)).toBe('a,b\n1,2\n3,4\n5,6\n');
  expect(decoded(Buffer.alloc(0))).toBe('');
  // A CSV never starts like a frame: 0xF5 is not a UTF-8 byte at all.
  expect(isShardFrames(Buffer.from('order_id,timestamp\n'))).toBe(false);
  expect(Buffer.from(Buffer.from([shardFrameMagic(codec)[0]]).toString('utf8'), 'utf8')[0]).not.toBe(shardFrameMagic(codec)[0]);
});

it('frames a flush chunk by chunk with LZ4 (its matches reach back 64 KiB only) and joined with Brotli', () => {
  const chunks = [Buffer.from('a,b\n1,'), Buffer.from('2\n3,4\n'.repeat(20_000)), Buffer.from('5,6\n')];
  const lz4 = shardFrames(chunks, 'lz4'), brotli = shardFrames(chunks, 'brotli');
  expect(frameTexts(Buffer.concat(lz4))).toEqual(chunks);
  expect(frameTexts(Buffer.concat(brotli))).toEqual([Buffer.concat(chunks)]);
  expect(lz4.filter((b, i) => i % 2 === 0).map((h) => h.subarray(0, 4))).toEqual(chunks.map(() => shardFrameMagic('lz4')));
});

it('reads a shard whose frames mix the two codecs, and refuses a frame of an unknown codec', () => {
  const data = Buffer.concat([framedWith('brotli', 'a,b\n1,2\n'), framedWith('lz4', '3,4\n')]);
  expect(decoded(data)).toBe('a,b\n1,2\n3,4\n');
  const unknown = framedWith('lz4', 'a,b\n');
  unknown[3] = 0x5a;
  expect(isShardFrames(unknown)).toBe(false);
  expect(() => decoded(unknown, '/w/u.csv')).toThrow(/^\/w\/u.csv: shard file is damaged at byte 0 \(no frame starts here\)/);
  // An LZ4 block's decoded size (its first 4 bytes) beyond 255x its bytes is refused before it is allocated.
  const huge = framedWith('lz4', 'a,b\n');
  huge.writeUInt32LE(0xfffffff0, 12);
  expect(() => decoded(huge, '/w/h.csv')).toThrow(/^\/w\/h.csv: shard file is damaged at byte 0 \(the LZ4 block claims 4294967280 bytes from \d+\)/);
});

it.each(CODECS)('refuses a damaged %s shard, naming the file and the frame: cut short, a frame missing, a changed byte', (codec) => {
  const data = framedWith(codec, 'order_id,side\n1,2\n', '3,4\n'.repeat(500));
  const second = framedWith(codec, 'order_id,side\n1,2\n').length;
  const cases: [Buffer, RegExp][] = [
    [data.subarray(0, data.length - 1), new RegExp(`^/w/s.csv: shard file is damaged at byte ${second} \\(the frame needs \\d+ bytes, the file has \\d+\\)`)],
    [data.subarray(0, second + 5), new RegExp(`at byte ${second} \\(a frame header is cut short\\)`)],
    [Buffer.concat([data.subarray(0, second), Buffer.from('3,4\n'.repeat(10))]), new RegExp(`at byte ${second} \\(no frame starts here\\)`)],
  ];
  // Every single byte of the second frame's compressed bytes changed: refused each time, never other text
  // (for LZ4, a changed decoded size too, refused before it is allocated when beyond LZ4's 255x).
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

it('writes Brotli frames where the LZ4 binary does not load, and says so when it meets an LZ4 frame', () => {
  const lz4Frame = framedWith('lz4', 'a,b\n1,2\n');
  let codec: typeof import('../../src/io/shard-codec') | null = null;
  jest.isolateModules(() => {
    jest.doMock('lz4-napi', () => { throw new Error('no binary for this platform'); });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    codec = require('../../src/io/shard-codec') as typeof import('../../src/io/shard-codec');
  });
  jest.dontMock('lz4-napi');
  const without = codec!;
  expect(without.writtenShardCodec).toBe('brotli');
  const data = Buffer.concat(without.shardFrame(Buffer.from('a,b\n1,2\n')));
  expect(data.subarray(0, 4)).toEqual(shardFrameMagic('brotli'));
  expect(decoded(data)).toBe('a,b\n1,2\n');
  expect(() => without.forEachShardFrame('/w/l.csv', lz4Frame, () => undefined))
    .toThrow('/w/l.csv: written with LZ4, whose native binary (lz4-napi) does not load here; delete the run\'s work folder and rerun');
});
