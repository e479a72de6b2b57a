import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { identityOf, removeStaleTempsSync, writeFileAtomicSync } from './atomic';
import { CsvBytes } from './csv-writer';
import { parquetFile, type ColumnValues, type ParquetColumnType } from './parquet-file';

/**
 * Output tables as Parquet (`io/parquet-file.ts`, for DuckDB, Polars, pandas and Spark) and/or CSV.gz (for
 * people and scripts), from one column declaration. 64-bit ids and nanosecond times are Parquet INT64
 * (annotated), exact, never doubles; in CSV they are decimal text.
 */
/** A column's Parquet type; the CSV writes every type as text. */
export type ColumnType = ParquetColumnType;

/**
 * A column: its value for each row, or a DOUBLE column's typed array. Both are given the table's `source`,
 * what its rows point into (a job's order table, its partition), when the table is written, so a module
 * declares a table's columns once instead of as new closures over each job's data: V8 keeps a function's
 * optimised code only while one of its closures lives, and getters made per job were compiled again for
 * every job (1,217 of 1,758 TurboFan compilations over 33 bench jobs).
 */
export type ColumnSpec<T, S = void> = ColumnHead & ({
  get: (row: T, source: S) => unknown;
} | {
  /**
   * The whole column at once, one value per row: a list the source holds already (the order table's ids,
   * times and texts), or for a DOUBLE, INT64 or INT32 column a Float64Array, NaN where null (the order and
   * fill tables' measures and quantities). No call per row: reading 1.4 million cells a job through `get`
   * was about 11 ms of its CPU.
   */
  column: (source: S) => ColumnValues;
});

interface ColumnHead {
  name: string;
  type: ColumnType;
  /**
   * Mostly distinct values (ids, nanosecond times): written PLAIN, without building a dictionary that
   * would be thrown away.
   * @default false
   */
  distinct?: boolean;
}

/** A column's values read from the rows, into `out` (resized to the rows) unless the source holds them as a column. */
function valuesOf<T, S>(c: ColumnSpec<T, S>, rows: readonly T[], source: S, out: unknown[] = new Array<unknown>(rows.length)): ColumnValues {
  if ('column' in c) {
    const column = c.column(source);
    if (column.length !== rows.length) throw new Error(`column ${c.name}: ${column.length} values for ${rows.length} rows`);
    return column;
  }
  out.length = rows.length;
  const get = c.get;
  for (let r = 0; r < rows.length; r++) out[r] = get(rows[r], source);
  return out;
}

/** Each column's values, read from the rows once and shared by the CSV and the Parquet writer. */
function columnValues<T, S>(columns: readonly ColumnSpec<T, S>[], rows: readonly T[], source: S): ColumnValues[] {
  return columns.map((c) => valuesOf(c, rows, source));
}

/**
 * One array the Parquet writer takes a column's values in, column after column, when no CSV needs them all
 * at once: one array per column, all alive until the file is written, would survive to be copied by the
 * collector. Emptied after each table.
 */
const columnScratch: unknown[] = [];

function csvOfColumns<T, S>(columns: readonly ColumnSpec<T, S>[], values: readonly ColumnValues[], rowCount: number): Buffer {
  const csv = new CsvBytes(256 * (rowCount + 1));
  for (const c of columns) csv.text(c.name);
  csv.endLine();
  for (let r = 0; r < rowCount; r++) {
    for (let i = 0; i < values.length; i++) {
      const column = values[i], v = column[r];
      csv.value(v !== v && column instanceof Float64Array ? null : v); // NaN: a typed column's null
    }
    csv.endLine();
  }
  return csv.bytes();
}

/** The source argument of a table whose columns read one; none for columns that read only their rows. */
export type SourceArg<S> = [S] extends [void] ? [] : [source: S];

export function tableCsv<T, S = void>(columns: readonly ColumnSpec<T, S>[], rows: readonly T[], ...[source]: SourceArg<S>): Buffer {
  return csvOfColumns(columns, columnValues(columns, rows, source as S), rows.length);
}

/** The Parquet file of the rows; `values` the columns' values when already read (for the CSV), else each is read as it is written. */
function parquetOfColumns<T, S>(name: string, columns: readonly ColumnSpec<T, S>[], rows: readonly T[], source: S, values?: readonly ColumnValues[]): Buffer {
  try {
    return parquetFile(name, columns.map((c, i) => ({
      name: c.name, type: c.type, distinct: c.distinct, values: values ? values[i] : () => valuesOf(c, rows, source, columnScratch),
    })), rows.length);
  } finally {
    columnScratch.length = 0;
  }
}

export function tableParquet<T, S = void>(name: string, columns: readonly ColumnSpec<T, S>[], rows: readonly T[], ...[source]: SourceArg<S>): Buffer {
  return parquetOfColumns(name, columns, rows, source as S);
}

/** A table's file in one format, at `file` (absolute). */
export interface TableFile {
  format: 'parquet' | 'csv';
  file: string;
}

/** A file as written: its size and SHA-1, taken from the bytes written rather than read back. */
export interface WrittenFile {
  file: string;
  bytes: number;
  sha1: string;
}

/**
 * Writes one table's rows (their values read through `source`) to each of `files` (CSV.gz and/or Parquet),
 * each atomically, creating folders, with synchronous calls: a job's tables are written on its pool thread
 * (see atomic's writeFileAtomicSync).
 * With a CSV file the column values are read from the rows once and shared by the writers; Parquet alone
 * reads each column as it writes it.
 */
export function writeTable<T, S = void>(name: string, columns: readonly ColumnSpec<T, S>[], rows: readonly T[], files: readonly TableFile[], ...[source]: SourceArg<S>): WrittenFile[] {
  const values = files.some((f) => f.format === 'csv') ? columnValues(columns, rows, source as S) : undefined;
  const written: WrittenFile[] = [];
  for (const f of files) {
    // Temporaries left by an attempt whose worker was killed mid-write (none when the folder is new).
    removeStaleTempsSync(path.dirname(f.file));
    const data = f.format === 'csv'
      ? gzipSync(csvOfColumns(columns, values ?? columnValues(columns, rows, source as S), rows.length), { level: 1, memLevel: 9 })
      : parquetOfColumns(name, columns, rows, source as S, values);
    writeFileAtomicSync(f.file, data);
    written.push({ file: f.file, ...identityOf(data) });
  }
  return written;
}
