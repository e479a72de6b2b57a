import { parse } from 'csv-parse/sync';
import { parquetReadObjects } from 'hyparquet';
import { cell, csvLine, CsvBytes } from '../../src/io/csv-writer';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableCsv, tableParquet, writeTable, type ColumnSpec } from '../../src/io/tables';

/**
 * The byte-level CSV writer against the string one it replaced (csvLine of cell, the reference), and both
 * output formats read back by independent readers (csv-parse, hyparquet) with exact 64-bit values.
 */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const VALUES: unknown[] = [
  0, -0, 1, -1, 9, 10, 99, 100, 123456789, -987654321, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21, 1.5, -0.25,
  0.1 + 0.2, 1e-7, NaN, Infinity, -Infinity, 7901232681961407658n, -5n, 0n, 9223372036854775807n, true, false,
  null, undefined, '', 'BHP', 'a,b', 'say "hi"', 'line\nbreak', 'cr\rhere', 'é', 'Zürich, CH', '日本', ' x ',
];

describe('CsvBytes', () => {
  it('writes the same text as csvLine(cell) on 2,000 random rows of mixed values', () => {
    const r = rng(11);
    const csv = new CsvBytes(8); // tiny start: growth is exercised
    let expected = '';
    for (let row = 0; row < 2000; row++) {
      const n = 1 + Math.floor(r() * 8);
      const values = Array.from({ length: n }, () => VALUES[Math.floor(r() * VALUES.length)]);
      for (const v of values) csv.value(v);
      csv.endLine();
      expected += csvLine(values.map(cell));
    }
    expect(csv.bytes().toString('utf8')).toBe(expected);
  });

  it('writes random safe integers digit by digit exactly', () => {
    const r = rng(5);
    const csv = new CsvBytes();
    const ints: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const v = Math.floor((r() - 0.5) * 2 * 10 ** Math.floor(r() * 16));
      ints.push(v);
      csv.integer(v);
    }
    expect(csv.bytes().toString('latin1')).toBe(ints.map(String).join(','));
  });
});

interface Row { id: bigint; qty: number; px: number | null; name: string; ok: boolean; t: bigint | null }
const COLUMNS: ColumnSpec<Row>[] = [
  { name: 'id', type: 'INT64', get: (x) => x.id },
  { name: 'qty', type: 'INT64', get: (x) => x.qty },
  { name: 'px', type: 'DOUBLE', get: (x) => x.px },
  { name: 'name', type: 'STRING', get: (x) => x.name },
  { name: 'ok', type: 'BOOLEAN', get: (x) => x.ok },
  { name: 't', type: 'INT64', get: (x) => x.t },
];
const ROWS: Row[] = [
  { id: 7901232681961407658n, qty: 100, px: 12.5, name: 'BHP', ok: true, t: 1725456600123456789n },
  { id: 9223372036854775807n, qty: 0, px: null, name: 'a, "b"', ok: false, t: null },
  { id: 1n, qty: 2 ** 53 - 1, px: -0.1, name: 'é', ok: true, t: 0n },
];

describe('output tables', () => {
  it('CSV reads back, by csv-parse, as the exact text of every value', () => {
    const records = parse(tableCsv(COLUMNS, ROWS), { columns: true }) as Record<string, string>[];
    expect(records).toEqual([
      { id: '7901232681961407658', qty: '100', px: '12.5', name: 'BHP', ok: 'true', t: '1725456600123456789' },
      { id: '9223372036854775807', qty: '0', px: '', name: 'a, "b"', ok: 'false', t: '' },
      { id: '1', qty: '9007199254740991', px: '-0.1', name: 'é', ok: 'true', t: '0' },
    ]);
  });

  it('Parquet reads back, by hyparquet, with exact INT64 (BigInt) and nulls', async () => {
    const buf = tableParquet('t', COLUMNS, ROWS);
    const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    const rows = await parquetReadObjects({ file });
    expect(rows).toEqual([
      { id: 7901232681961407658n, qty: 100n, px: 12.5, name: 'BHP', ok: true, t: 1725456600123456789n },
      { id: 9223372036854775807n, qty: 0n, px: null, name: 'a, "b"', ok: false, t: null },
      { id: 1n, qty: 9007199254740991n, px: -0.1, name: 'é', ok: true, t: 0n },
    ]);
  });

  it('refuses an INT64 value beyond 2^63 - 1, naming the table, column and row', () => {
    expect(() => tableParquet('orders', COLUMNS, [{ ...ROWS[0], id: 9223372036854775808n }])).toThrow('orders.id, row 1: 9223372036854775808 does not fit a Parquet INT64');
  });

  it('takes a DOUBLE column as a Float64Array (NaN a null): the same CSV and Parquet bytes as the column read from the rows', () => {
    const px = Float64Array.from(ROWS.map((r) => r.px ?? NaN));
    const typed: ColumnSpec<Row>[] = COLUMNS.map((c) => (c.name === 'px' ? { name: 'px', type: 'DOUBLE', column: () => px } : c));
    expect(tableCsv(typed, ROWS).toString()).toBe(tableCsv(COLUMNS, ROWS).toString());
    expect(tableParquet('t', typed, ROWS).equals(tableParquet('t', COLUMNS, ROWS))).toBe(true);
    expect(() => tableCsv(typed, ROWS.slice(1))).toThrow('column px: 3 values for 2 rows');
  });

  it('writes each format atomically into new folders and returns the size and SHA-1 of the bytes on disk', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sweepflow-tables-'));
    try {
      const files = [{ format: 'parquet' as const, file: path.join(dir, 'a', 'b', 'part-0.parquet') }, { format: 'csv' as const, file: path.join(dir, 'c', 'part-0.csv.gz') }];
      // A temporary left by a killed attempt is removed when the folder is written again.
      writeTable('t', COLUMNS, ROWS, files);
      writeFileSync(`${files[0].file}.tmp-1-deadbeef`, 'half');
      const written = writeTable('t', COLUMNS, ROWS, files);
      expect(written.map((w) => w.file)).toEqual(files.map((f) => f.file));
      for (const w of written) {
        const disk = readFileSync(w.file);
        expect(w.bytes).toBe(disk.length);
        expect(w.sha1).toBe(createHash('sha1').update(disk).digest('hex'));
      }
      expect(readFileSync(files[0].file).equals(tableParquet('t', COLUMNS, ROWS))).toBe(true);
      // Parquet alone reads each column into one reused array: a longer table between leaves no trace.
      const first = tableParquet('t', COLUMNS, ROWS);
      tableParquet('t', COLUMNS, [...ROWS, ...ROWS, ...ROWS]);
      expect(tableParquet('t', COLUMNS, ROWS).equals(first)).toBe(true);
      expect(readdirSync(path.dirname(files[0].file))).toEqual(['part-0.parquet']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
