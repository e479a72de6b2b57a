import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { writeFileAtomic } from './atomic';
import { cell, csvField, csvLine } from './csv-writer';

/**
 * Output tables are written twice: `<name>.csv.gz` for people and scripts, `<name>.parquet` for DuckDB,
 * pandas and Spark. 64-bit ids and nanosecond times are Parquet INT64 (exact: hyparquet-writer takes BigInt),
 * never doubles.
 */
export type ColumnType = 'INT64' | 'INT32' | 'DOUBLE' | 'STRING' | 'BOOLEAN';

export interface ColumnSpec<T> {
  name: string;
  type: ColumnType;
  get: (row: T) => unknown;
}

const INT64_MAX = 9223372036854775807n;

function parquetValue(type: ColumnType, v: unknown, table: string, column: string): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'INT64': {
      const b = typeof v === 'bigint' ? v : BigInt(v as number);
      if (b > INT64_MAX) throw new Error(`${table}.${column}: ${b} does not fit a Parquet INT64`);
      return b;
    }
    case 'INT32':
    case 'DOUBLE':
      return Number(v);
    case 'BOOLEAN':
      return Boolean(v);
    default:
      return String(v);
  }
}

export function tableCsv<T>(columns: readonly ColumnSpec<T>[], rows: readonly T[]): string {
  const parts = [csvLine(columns.map((c) => c.name))];
  // Only text columns can need quoting; numbers, booleans and BigInts are written as they are.
  const text = columns.map((c) => c.type === 'STRING');
  for (const r of rows) {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      const v = cell(columns[i].get(r));
      line += i === 0 ? (text[i] ? csvField(v) : v) : `,${text[i] ? csvField(v) : v}`;
    }
    parts.push(line + '\n');
  }
  return parts.join('');
}

export function tableParquet<T>(name: string, columns: readonly ColumnSpec<T>[], rows: readonly T[]): Buffer {
  const buf = parquetWriteBuffer({
    columnData: columns.map((c) => ({
      name: c.name, type: c.type,
      data: rows.map((r) => parquetValue(c.type, c.get(r), name, c.name)) as never,
    })),
    createdBy: 'sweepflow',
  });
  return Buffer.from(buf);
}

/** Writes `<dir>/<name>.csv.gz` and `<dir>/<name>.parquet`, each atomically. Returns the file names. */
export async function writeTable<T>(dir: string, name: string, columns: readonly ColumnSpec<T>[], rows: readonly T[]): Promise<string[]> {
  await writeFileAtomic(path.join(dir, `${name}.csv.gz`), gzipSync(tableCsv(columns, rows), { level: 1 }));
  await writeFileAtomic(path.join(dir, `${name}.parquet`), tableParquet(name, columns, rows));
  return [`${name}.csv.gz`, `${name}.parquet`];
}
