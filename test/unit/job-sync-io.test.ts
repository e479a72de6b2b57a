import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { removeStaleTemps, removeStaleTempsSync, writeFileAtomic, writeFileAtomicSync } from '../../src/io/atomic';
import { readCsv, type ReadOptions } from '../../src/io/csv-file';
import { shardFrame } from '../../src/io/shard-codec';

/**
 * A job reads its shards and writes its outputs with synchronous calls on its pool thread (README,
 * Performance). What must not change: every record read, every error, the atomic write and the clean-up of
 * a killed attempt's temporaries are those of the asynchronous calls the rest of the worker uses.
 */
let dir: string;
beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'sweepflow-sync-io-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Everything readCsv hands out for a file: header, records with their lines, malformed lines. */
async function readAll(file: string, opts: ReadOptions): Promise<string[]> {
  const seen: string[] = [];
  await readCsv(file, {
    onHeader: (h) => seen.push(`header ${JSON.stringify(h)}`),
    onRecord: (f, line) => seen.push(`${line} ${JSON.stringify(f)}`),
    onMalformed: (line, raw, reason) => seen.push(`malformed ${line} ${JSON.stringify(raw)} ${reason}`),
  }, opts);
  return seen;
}

/** Ends without a line break: a byte lost at the end of the file changes the last record. */
const TEXT = 'id,name,qty\n1,"a, quoted\nline",5\n2,b,6\n3,"bad"x,7\n4,d,89';

describe('readCsv with `sync` reads what it reads without it', () => {
  const cases: [string, () => string, ReadOptions][] = [
    ['a small plain file', () => write('small.csv', TEXT), {}],
    ['a small gzip file', () => write('small.csv.gz', gzipSync(TEXT)), {}],
    ['a compressed shard of two frames', () => write('shard.csv', Buffer.concat([...shardFrame(Buffer.from(TEXT.slice(0, 20))), ...shardFrame(Buffer.from(TEXT.slice(20)))])), { shardFrames: true }],
    // Over the 4 MiB of a small file: read as a stream, asynchronously, either way.
    ['a 5 MB plain file', () => write('large.csv', 'id,name,qty\n' + Array.from({ length: 400_000 }, (_, i) => `${i},n${i},${i % 97}\n`).join('')), {}],
  ];

  test.each(cases)('%s', async (_, make, opts) => {
    const file = make();
    const plain = await readAll(file, opts);
    expect(plain.length).toBeGreaterThan(3);
    expect(await readAll(file, { ...opts, sync: true })).toEqual(plain);
  });

  test('a missing file fails the same way', async () => {
    const missing = path.join(dir, 'gone.csv');
    await expect(readAll(missing, { sync: true })).rejects.toMatchObject({ code: 'ENOENT', path: missing });
    await expect(readAll(missing, {})).rejects.toMatchObject({ code: 'ENOENT', path: missing });
  });
});

describe('writeFileAtomicSync and removeStaleTempsSync do what their asynchronous forms do', () => {
  test('a file is written whole into new folders, with no temporary left', async () => {
    const a = path.join(dir, 'sync', 'x', 'f.json'), b = path.join(dir, 'async', 'x', 'f.json');
    writeFileAtomicSync(a, '{"n":1}\n');
    await writeFileAtomic(b, '{"n":1}\n');
    expect(readFileSync(a, 'utf8')).toBe('{"n":1}\n');
    expect(readdirSync(path.dirname(a))).toEqual(readdirSync(path.dirname(b)));
    writeFileAtomicSync(a, Buffer.from('replaced'), true);
    expect(readFileSync(a, 'utf8')).toBe('replaced');
    expect(readdirSync(path.dirname(a))).toEqual(['f.json']);
  });

  test('a write that cannot land throws the file system\'s error and removes its temporary', async () => {
    const target = path.join(dir, 'taken');
    mkdirSync(path.join(target, 'inside'), { recursive: true }); // a folder where the file should go
    expect(() => writeFileAtomicSync(target, 'x', true)).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    await expect(writeFileAtomic(target, 'x', true)).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  test('only a killed attempt\'s temporaries are removed, and a missing folder has none', async () => {
    const names = ['part-0.parquet', 'part-0.parquet.tmp-12-deadbeef', 'manifest.json.tmp-7-0123abcd', 'notes.tmp-x-deadbeef', 'a.tmp-1-deadbee'];
    for (const d of ['sync', 'async']) {
      mkdirSync(path.join(dir, d));
      for (const n of names) writeFileSync(path.join(dir, d, n), n);
    }
    expect(removeStaleTempsSync(path.join(dir, 'sync'))).toBe(2);
    expect(await removeStaleTemps(path.join(dir, 'async'))).toBe(2);
    expect(readdirSync(path.join(dir, 'sync')).sort()).toEqual(['a.tmp-1-deadbee', 'notes.tmp-x-deadbeef', 'part-0.parquet']);
    expect(readdirSync(path.join(dir, 'sync'))).toEqual(readdirSync(path.join(dir, 'async')));
    expect(removeStaleTempsSync(path.join(dir, 'none'))).toBe(0);
  });
});

function write(name: string, data: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
}
