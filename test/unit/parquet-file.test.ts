import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { dictionaryOf, pageCodec, parquetFile, type ParquetColumnData, type ParquetColumnType } from '../../src/io/parquet-file';

/**
 * The project's Parquet writer against hyparquet-writer, its oracle: random tables (every column type,
 * nulls, 1 to 5,000 distinct values, runs, 64-bit extremes, text needing UTF-8) are written by both and read
 * back by hyparquet, and must give the same rows; DuckDB must read our files to the same values too.
 */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TYPES: Exclude<ParquetColumnType, 'UINT64'>[] = ['INT64', 'INT32', 'DOUBLE', 'STRING', 'BOOLEAN'];
const TEXTS = ['', 'BHP', 'a,b', 'say "hi"', 'é', '日本', 'line\nbreak', 'FILLED', 'x'.repeat(300)];

function randomValue(type: ParquetColumnType, r: () => number, pool: number): unknown {
  const k = Math.floor(r() * pool);
  switch (type) {
    case 'INT64': {
      const pick = k % 6;
      if (pick === 0) return 7901232681961407658n + BigInt(k);
      if (pick === 1) return [9223372036854775807n, -9223372036854775808n, 0n, -1n][k % 4];
      if (pick === 2) return -(k * 1_000_003);
      if (pick === 3) return 2 ** 53 - 1 - k;
      return k * 37;
    }
    case 'INT32': return [2147483647, -2147483648, 0][k % 7] ?? k - 1000;
    case 'DOUBLE': return [NaN, Infinity, -Infinity, 0.1 + 0.2, -1e-300][k % 11] ?? k / 7;
    case 'STRING': return TEXTS[k % TEXTS.length] + (k >= TEXTS.length ? String(k) : '');
    case 'BOOLEAN': return k % 2 === 0;
  }
}

function randomTable(seed: number): { columns: ParquetColumnData[]; rows: number } {
  const r = rng(seed);
  // Edge lengths first (empty, one, around a bit-packed group and a 63-group header), then random ones.
  const rows = seed < 10 ? [0, 1, 7, 8, 9, 63, 64, 65, 504, 505][seed] : Math.floor(r() * 5000);
  const columns: ParquetColumnData[] = [];
  const n = 1 + Math.floor(r() * 8);
  for (let i = 0; i < n; i++) {
    const type = TYPES[Math.floor(r() * TYPES.length)];
    const pool = [1, 2, 3, 200, 5000][Math.floor(r() * 5)];
    const nulls = [0, 0, 0.1, 0.9, 1][Math.floor(r() * 5)];
    const runs = r() < 0.3; // long runs of one value: RLE runs of dictionary indexes
    const values: unknown[] = [];
    for (let j = 0; j < rows; j++) {
      if (r() < nulls) values.push(r() < 0.5 ? null : undefined);
      else if (runs && j > 0 && values[j - 1] != null && r() < 0.9) values.push(values[j - 1]);
      else values.push(randomValue(type, r, pool));
    }
    columns.push({ name: `c${i}_${type.toLowerCase()}`, type, values, distinct: r() < 0.3 });
  }
  return { columns, rows };
}

/** The oracle: the same table through hyparquet-writer (which takes INT64 as BigInt only). */
function oracleFile(columns: ParquetColumnData[]): Buffer {
  return Buffer.from(parquetWriteBuffer({
    columnData: columns.map((c) => ({
      name: c.name, type: c.type as 'INT64' | 'INT32' | 'DOUBLE' | 'STRING' | 'BOOLEAN',
      data: (c.values as unknown[]).map((v) => (v === null || v === undefined ? null : c.type === 'INT64' ? BigInt(v as number) : v)) as never,
    })),
  }));
}

const arrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

describe('parquetFile', () => {
  it('reads back, by hyparquet, exactly as hyparquet-writer\'s file of the same 150 random tables', async () => {
    for (let seed = 0; seed < 150; seed++) {
      const { columns, rows } = randomTable(seed);
      const ours = await parquetReadObjects({ file: arrayBuffer(parquetFile('t', columns, rows)) });
      const oracle = await parquetReadObjects({ file: arrayBuffer(oracleFile(columns)) });
      expect(ours).toHaveLength(rows);
      expect(ours).toEqual(oracle);
    }
  });

  it('uses a dictionary where it pays and PLAIN where told or where values are distinct', () => {
    const n = 1000;
    const file = parquetFile('t', [
      { name: 'side', type: 'STRING', values: Array.from({ length: n }, (_, i) => (i % 3 ? 'BUY' : 'SELL')) },
      { name: 'id', type: 'INT64', values: Array.from({ length: n }, (_, i) => 7901232681961407658n + BigInt(i)) },
      { name: 'qty', type: 'INT64', values: Array.from({ length: n }, (_, i) => i), },
      { name: 'told', type: 'STRING', values: Array.from({ length: n }, () => 'BUY'), distinct: true },
    ], n);
    const meta = parquetMetadata(arrayBuffer(file));
    expect(meta.row_groups[0].columns.map((c) => c.meta_data!.encodings)).toEqual([
      ['PLAIN', 'RLE', 'RLE_DICTIONARY'], ['PLAIN', 'RLE'], ['PLAIN', 'RLE'], ['PLAIN', 'RLE'],
    ]);
  });

  it('takes DOUBLE, INT64 and INT32 columns as Float64Arrays, NaN a null: the same bytes as those values with nulls, on 150 random tables', () => {
    const typedColumns: Record<string, number> = { DOUBLE: 0, INT64: 0, INT32: 0 };
    const takesTyped = (c: ParquetColumnData): boolean => c.type === 'DOUBLE' || c.type === 'INT64' || c.type === 'INT32';
    for (let seed = 0; seed < 150; seed++) {
      const { columns, rows } = randomTable(seed);
      const isNull = (v: unknown): boolean => v === null || v === undefined || Number.isNaN(v);
      // INT64 BigInts (ids, extremes) become safe integers: a Float64Array holds numbers only.
      const asNumber = (v: unknown): unknown => (typeof v === 'bigint' ? Number(BigInt.asIntN(52, v)) : v);
      const asValues = columns.map((c) => (takesTyped(c) ? { ...c, values: (c.values as unknown[]).map((v) => (isNull(v) ? null : asNumber(v))) } : c));
      const asTyped = asValues.map((c) => (takesTyped(c) ? { ...c, values: Float64Array.from(c.values as unknown[], (v) => (v === null ? NaN : v as number)) } : c));
      columns.filter(takesTyped).forEach((c) => typedColumns[c.type]++);
      expect(parquetFile('t', asTyped, rows).equals(parquetFile('t', asValues, rows))).toBe(true);
    }
    expect(Math.min(...Object.values(typedColumns))).toBeGreaterThan(30);
    expect(() => parquetFile('t', [{ name: 'q', type: 'UINT64', values: new Float64Array([1]) }], 1)).toThrow('t.q: a UINT64 column given as a Float64Array (only DOUBLE, INT64 and INT32 columns take one)');
    expect(() => parquetFile('t', [{ name: 's', type: 'STRING', values: new Float64Array([1]) }], 1)).toThrow('a STRING column given as a Float64Array');
  });

  it('refuses a Float64Array integer column\'s fraction or out-of-range value, naming its row (a NaN before it is a null, not the culprit)', () => {
    expect(() => parquetFile('t', [{ name: 'q', type: 'INT64', values: new Float64Array([NaN, 5, 1.5]) }], 3)).toThrow('t.q, row 3: 1.5 is not an integer below 2^53');
    expect(() => parquetFile('t', [{ name: 'q', type: 'INT64', values: new Float64Array([NaN, 2 ** 53]) }], 2)).toThrow('t.q, row 2: 9007199254740992 is not an integer below 2^53');
    expect(() => parquetFile('t', [{ name: 'n', type: 'INT32', values: new Float64Array([NaN, 2 ** 31]) }], 2)).toThrow('t.n, row 2: 2147483648 is not a 32-bit integer');
  });

  it('gives a table the same bytes whatever was written before it (its page buffers are reused, and given up past 16 MiB)', () => {
    const fresh = (seed: number): Buffer => {
      let file: Buffer | undefined;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const m = require('../../src/io/parquet-file') as typeof import('../../src/io/parquet-file');
        const { columns, rows } = randomTable(seed);
        file = m.parquetFile('t', columns, rows);
      });
      return file!;
    };
    // 2.2M doubles: a 17.6 MB page, past what the writer keeps for the next file.
    const huge: ParquetColumnData = { name: 'x', type: 'DOUBLE', values: Float64Array.from({ length: 2_200_000 }, (_, i) => i / 7) };
    for (let seed = 0; seed < 30; seed++) {
      if (seed % 10 === 5) parquetFile('big', [huge], huge.values.length);
      const { columns, rows } = randomTable(seed);
      expect(parquetFile('t', columns, rows).equals(fresh(seed))).toBe(true);
    }
  });

  it('takes INT64 as decimal text (rollup sums beyond 2^53) and numeric text for INT32 and DOUBLE', async () => {
    const file = parquetFile('t', [
      { name: 'sum', type: 'INT64', values: ['19786595605', '-9223372036854775808', '9223372036854775807', null, 12] },
      { name: 'n', type: 'INT32', values: ['7', 8, null, '-2147483648', 0] },
      { name: 'mean', type: 'DOUBLE', values: ['12.5', 0.25, null, '1e300', -1] },
    ], 5);
    expect(await parquetReadObjects({ file: arrayBuffer(file) })).toEqual([
      { sum: 19786595605n, n: 7, mean: 12.5 },
      { sum: -9223372036854775808n, n: 8, mean: 0.25 },
      { sum: 9223372036854775807n, n: null, mean: null },
      { sum: null, n: -2147483648, mean: 1e300 },
      { sum: 12n, n: 0, mean: -1 },
    ]);
    expect(() => parquetFile('r', [{ name: 's', type: 'INT64', values: ['12', '1.5'] }], 2)).toThrow('r.s, row 2: "1.5" is not an integer');
    expect(() => parquetFile('r', [{ name: 's', type: 'INT64', values: ['9223372036854775808'] }], 1)).toThrow('r.s, row 1: 9223372036854775808 does not fit a Parquet INT64');
  });

  it('writes -0 as 0, as the CSV does', async () => {
    const rows = await parquetReadObjects({ file: arrayBuffer(parquetFile('t', [{ name: 'x', type: 'DOUBLE', values: [-0, 0, -1], distinct: true }], 3)) });
    expect(rows.map((r) => Object.is(r.x, -0))).toEqual([false, false, false]);
    expect(rows.map((r) => r.x)).toEqual([0, 0, -1]);
  });

  it('refuses a non-integer INT64 and an out-of-range INT32, naming table, column and row', () => {
    expect(() => parquetFile('orders', [{ name: 'qty', type: 'INT64', values: [1, 2, 2.5] }], 3)).toThrow('orders.qty, row 3: 2.5 is not an integer below 2^53');
    expect(() => parquetFile('orders', [{ name: 'n', type: 'INT32', values: [2 ** 31] }], 1)).toThrow('orders.n, row 1: 2147483648 is not a 32-bit integer');
  });

  it('leaves a column chunk uncompressed when Snappy would hardly shrink its data page, and reads it back (hyparquet, DuckDB)', async () => {
    const r = rng(7);
    const n = 20_000; // pages of at least two codec samples (8 KiB each), the 11-bit indexes too
    // Nanosecond times 0 to 2^32 ns apart: their low bytes are noise, as a job's arrival times are.
    let t = 1727740800000000000n;
    const times = Array.from({ length: n }, () => (t += BigInt(Math.floor(r() * 2 ** 32))));
    const prices = Array.from({ length: n }, (_, i) => 1000 + (i % 40));
    // 2,000 values in random order: a dictionary whose 11-bit indexes are noise too.
    const noisy = Array.from({ length: n }, () => Math.floor(r() * 2000) / 8);
    const columns: ParquetColumnData[] = [
      { name: 'time', type: 'INT64', values: times, distinct: true }, // as INT64: DuckDB reads a UTC TIMESTAMP(NANOS) to microseconds
      { name: 'price', type: 'INT64', values: prices },
      { name: 'noisy', type: 'DOUBLE', values: noisy },
      { name: 'few', type: 'INT64', values: times.slice(0, 3).concat(new Array(n - 3).fill(null)), distinct: true },
    ];
    const file = parquetFile('t', columns, n);
    const chunks = parquetMetadata(arrayBuffer(file)).row_groups[0].columns.map((c) => c.meta_data!);
    expect(chunks.map((c) => c.codec)).toEqual(['UNCOMPRESSED', 'SNAPPY', 'UNCOMPRESSED', 'SNAPPY']);
    expect(chunks[2].encodings).toContain('RLE_DICTIONARY'); // its dictionary page is uncompressed with it
    const back = await parquetReadObjects({ file: arrayBuffer(file) });
    expect(back.map((row) => row.price)).toEqual(prices.map(BigInt));
    expect(back.map((row) => row.noisy)).toEqual(noisy);
    expect(back.slice(0, 4).map((row) => row.few)).toEqual([...times.slice(0, 3), null]);

    const { DuckDBInstance } = await import('@duckdb/node-api');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sweepflow-pq-'));
    try {
      const c = await (await DuckDBInstance.create(':memory:')).connect();
      writeFileSync(path.join(dir, 't.parquet'), file);
      const got = (await c.runAndReadAll(`SELECT "time"::VARCHAR AS time, noisy FROM '${path.join(dir, 't.parquet')}'`)).getRowObjects();
      expect(got.map((row) => row.time)).toEqual(times.map(String));
      expect(got.map((row) => row.noisy)).toEqual(noisy);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('chooses the codec from a sample of the page: Snappy unless it saves under an eighth of it; small pages always Snappy', () => {
    const r = rng(3);
    const noise = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
    expect(pageCodec(noise(20_000))).toBe('UNCOMPRESSED');
    expect(pageCodec(noise(16_383))).toBe('SNAPPY'); // below two samples
    expect(pageCodec(new Uint8Array(20_000).fill(7))).toBe('SNAPPY');
    // Noise with every fourth byte fixed: Snappy finds nothing to repeat; noise in half the bytes, it does.
    const mostly = noise(40_000);
    for (let i = 0; i < mostly.length; i += 4) mostly[i] = 0;
    expect(pageCodec(mostly)).toBe('UNCOMPRESSED');
    const half = noise(40_000);
    for (let i = 0; i < half.length; i += 16) half.fill(0, i, i + 8);
    expect(pageCodec(half)).toBe('SNAPPY');
  });

  it('is read by DuckDB with exact INT64, doubles, text and nulls', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sweepflow-pq-'));
    try {
      const c = await (await DuckDBInstance.create(':memory:')).connect();
      const edges: ParquetColumnData[] = [
        { name: 'i64', type: 'INT64', values: [2 ** 53 - 1, -(2 ** 53 - 1), 7901232681961407658n, -9223372036854775808n, 9223372036854775807n, 0, null, -1] },
        { name: 'i32', type: 'INT32', values: [2147483647, -2147483648, 0, null, -1, 1, 2, 3] },
        { name: 'dbl', type: 'DOUBLE', values: [0.1 + 0.2, -1e-300, 1e300, null, 5e-324, -0.5, 2 ** 53, 1 / 3] },
        { name: 'txt', type: 'STRING', values: ['é', '日本', '', null, 'a,"b"', 'x'.repeat(1000), 'BHP', 'BHP'] },
      ];
      const tables = [{ columns: edges, rows: 8 }, ...Array.from({ length: 8 }, (_, k) => randomTable(10 + k))];
      for (const [t, { columns, rows }] of tables.entries()) {
        const file = path.join(dir, `t${t}.parquet`);
        writeFileSync(file, parquetFile('t', columns, rows));
        const expected = await parquetReadObjects({ file: arrayBuffer(oracleFile(columns)) }); // the oracle's values
        // Compared as text: DuckDB's rendering of each value in our file, against the oracle file's value.
        const got = (await c.runAndReadAll(`SELECT ${columns.map((col) => `CAST("${col.name}" AS VARCHAR) AS "${col.name}"`).join(', ')} FROM '${file}'`)).getRowObjects();
        expect(got).toHaveLength(rows);
        got.forEach((row, i) => {
          for (const col of columns) {
            const v = expected[i][col.name];
            const text = v === null ? null : col.type === 'BOOLEAN' ? String(v) : col.type === 'DOUBLE' ? (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null) : String(v);
            if (col.type === 'DOUBLE' && text === null && v !== null) expect(Number(row[col.name])).toBe(v);
            else expect(row[col.name]).toBe(text);
          }
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dictionaryOf', () => {
  /**
   * The oracle: a Map's keys (SameValueZero: -0 is 0, NaN is NaN) in first-seen order; null past half the rows,
   * or when the first 1,025 present values are all distinct.
   */
  function byMap(values: readonly unknown[], present: Uint8Array): { values: unknown[]; idx: number[] } | null {
    const index = new Map<unknown, number>();
    const dict: unknown[] = [];
    const idx: number[] = [];
    for (let i = 0; i < values.length; i++) {
      if (present[i] === 0) continue;
      let k = index.get(values[i]);
      if (k === undefined) {
        if (dict.length >= values.length / 2) return null;
        if (idx.length === 1024 && dict.length === 1024) return null;
        index.set(values[i], (k = dict.length));
        dict.push(values[i]);
      }
      idx.push(k);
    }
    return idx.length > 0 ? { values: dict, idx } : null;
  }

  it('indexes numbers as a Map would, on 150 random columns as lists and as Float64Arrays (-0, NaN, 64-bit extremes, doubles, up to 12,000 distinct values)', () => {
    const r = rng(31);
    const specials = [0, -0, NaN, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 32, 2 ** 32 + 1, -1, 0.1 + 0.2, 1e-300, Infinity, -Infinity];
    let kept = 0, refused = 0;
    for (let c = 0; c < 150; c++) {
      const rows = Math.floor(r() * 30_000);
      const pool = [1, 3, 100, 5000, 12_000, 1e9][c % 6];
      const values = Array.from({ length: rows }, () => {
        if (r() < 0.05) return specials[Math.floor(r() * specials.length)];
        const k = Math.floor(r() * pool);
        return c % 3 === 0 ? k / 8 : c % 3 === 1 ? k * 1_000_003 : k;
      });
      const present = Uint8Array.from(values, () => (r() < 0.1 ? 0 : 1));
      const want = byMap(values, present);
      // A DOUBLE column's Float64Array has a loop of its own: the same answers.
      for (const column of [values, Float64Array.from(values)]) {
        const got = dictionaryOf(column, present);
        if (want === null) {
          expect(got).toBeNull();
          continue;
        }
        // The first-seen value of each key, -0 included, and every row's index.
        expect(got!.values.length === want.values.length && got!.values.every((v, i) => Object.is(v, want.values[i]))).toBe(true);
        const idx = got!.idx.subarray(0, got!.count);
        expect(Buffer.from(idx.buffer, idx.byteOffset, idx.byteLength).equals(Buffer.from(Int32Array.from(want.idx).buffer))).toBe(true);
      }
      if (want === null) refused++;
      else kept++;
    }
    expect(kept).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(10);
  });

  it('gives up a column whose first 1,025 present values are all distinct, numbers or text, though a dictionary would pay later', () => {
    for (const make of [(k: number) => k * 0.5, (k: number) => `v${k}`]) {
      // 1,025 distinct values, then 20,000 rows of the first ten: a 1,025-value dictionary for 21,025 rows.
      const values = [...Array.from({ length: 1025 }, (_, k) => make(k)), ...Array.from({ length: 20_000 }, (_, i) => make(i % 10))];
      expect(dictionaryOf(values, new Uint8Array(values.length).fill(1))).toBeNull();
      // One repeat among the first 1,025 keeps the dictionary: nulls do not count towards the probe.
      const repeat = [...values.slice(0, 1024), make(3), null, ...values.slice(1024)];
      const got = dictionaryOf(repeat, Uint8Array.from(repeat, (v) => (v === null ? 0 : 1)))!;
      expect(got.values.length).toBe(1025);
      expect(got.count).toBe(repeat.length - 1);
      expect(got.idx[1024]).toBe(3);
      expect(got.idx[1025]).toBe(1024);
    }
  });

  it('takes text and mixed columns through a Map', () => {
    const values = [1, '1', 1, null, 2n, '1', 1];
    const present = Uint8Array.from(values, (v) => (v === null ? 0 : 1));
    const got = dictionaryOf(values, present)!;
    expect(got.values).toEqual([1, '1', 2n]);
    expect(Array.from(got.idx.subarray(0, got.count))).toEqual([0, 1, 0, 2, 1, 0]);
  });
});
