import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { writeFileAtomic } from './atomic';
import { CsvBytes } from './csv-writer';
import { parquetCompressors } from './parquet-snappy';

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
  /**
   * Mostly distinct values (ids, nanosecond times, ratios): written PLAIN, skipping the dictionary that
   * hyparquet-writer would otherwise sample and build for nothing.
   * @default false
   */
  distinct?: boolean;
}

const INT64_MAX = 9223372036854775807n;

/**
 * A column's values as hyparquet-writer takes them (BigInt for INT64, null for missing). INT64 values given
 * as numbers are quantities and prices, integers below 2^53, so only BigInt values need the range check.
 */
function parquetColumn(type: ColumnType, values: readonly unknown[], table: string, column: string): unknown[] {
  const out = new Array<unknown>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) out[i] = null;
    else if (type === 'INT64') {
      if (typeof v !== 'bigint') out[i] = BigInt(v as number);
      else if (v > INT64_MAX) throw new Error(`${table}.${column}: ${v} does not fit a Parquet INT64`);
      else out[i] = v;
    } else if (type === 'STRING') out[i] = typeof v === 'string' ? v : String(v);
    else if (type === 'BOOLEAN') out[i] = Boolean(v);
    else out[i] = typeof v === 'number' ? v : Number(v);
  }
  return out;
}

/** Each column's values, read from the rows once and shared by the CSV and the Parquet writer. */
function columnValues<T>(columns: readonly ColumnSpec<T>[], rows: readonly T[]): unknown[][] {
  return columns.map((c) => {
    const out = new Array<unknown>(rows.length);
    for (let r = 0; r < rows.length; r++) out[r] = c.get(rows[r]);
    return out;
  });
}

function csvOfColumns<T>(columns: readonly ColumnSpec<T>[], values: readonly unknown[][], rowCount: number): Buffer {
  const csv = new CsvBytes(256 * (rowCount + 1));
  for (const c of columns) csv.text(c.name);
  csv.endLine();
  for (let r = 0; r < rowCount; r++) {
    for (let i = 0; i < values.length; i++) csv.value(values[i][r]);
    csv.endLine();
  }
  return csv.bytes();
}

export function tableCsv<T>(columns: readonly ColumnSpec<T>[], rows: readonly T[]): Buffer {
  return csvOfColumns(columns, columnValues(columns, rows), rows.length);
}

function parquetOfColumns<T>(name: string, columns: readonly ColumnSpec<T>[], values: readonly unknown[][]): Buffer {
  const buf = parquetWriteBuffer({
    columnData: columns.map((c, i) => ({
      name: c.name, type: c.type, ...(c.distinct ? { encoding: 'PLAIN' as const } : {}),
      data: parquetColumn(c.type, values[i], name, c.name) as never,
    })),
    // Per-job tables are small (one row group) and found by their folder (security, date), so min/max
    // statistics would buy readers little; computing them over BigInt columns was a third of the write.
    statistics: false,
    compressors: parquetCompressors,
    createdBy: 'sweepflow',
  });
  return Buffer.from(buf);
}

export function tableParquet<T>(name: string, columns: readonly ColumnSpec<T>[], rows: readonly T[]): Buffer {
  return parquetOfColumns(name, columns, columnValues(columns, rows));
}

/** Writes `<dir>/<name>.csv.gz` and `<dir>/<name>.parquet`, each atomically. Returns the file names. */
export async function writeTable<T>(dir: string, name: string, columns: readonly ColumnSpec<T>[], rows: readonly T[]): Promise<string[]> {
  const values = columnValues(columns, rows);
  await writeFileAtomic(path.join(dir, `${name}.csv.gz`), gzipSync(csvOfColumns(columns, values, rows.length), { level: 1, memLevel: 9 }));
  await writeFileAtomic(path.join(dir, `${name}.parquet`), parquetOfColumns(name, columns, values));
  return [`${name}.csv.gz`, `${name}.parquet`];
}
