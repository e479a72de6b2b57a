import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { writeFileAtomic } from './atomic';
import { CsvBytes } from './csv-writer';

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
      data: values[i].map((v) => parquetValue(c.type, v, name, c.name)) as never,
    })),
    // Per-job tables are small (one row group) and found by their folder (security, date), so min/max
    // statistics would buy readers little; computing them over BigInt columns was a third of the write.
    statistics: false,
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
  await writeFileAtomic(path.join(dir, `${name}.csv.gz`), gzipSync(csvOfColumns(columns, values, rows.length), { level: 1 }));
  await writeFileAtomic(path.join(dir, `${name}.parquet`), parquetOfColumns(name, columns, values));
  return [`${name}.csv.gz`, `${name}.parquet`];
}
