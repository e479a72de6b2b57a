import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { jobRecordsDir, jobTableFile, type JobTable } from '../../src/io/paths';

/** Config fragment asking for both per-job formats (tests read the CSV.gz files, which are not the default). */
export const BOTH_FORMATS = { output: { formats: ['parquet', 'csv'] } } as const;

/** A job's file of a table in a run's output folder. */
export function jobFile(out: string, table: JobTable, security: string, date: string, format: 'parquet' | 'csv' = 'csv'): string {
  return path.join(out, jobTableFile(table, security, date, format));
}

/** A job's table, read from its CSV.gz (every value as the CSV text). */
export function readJobCsv(out: string, table: JobTable, security: string, date: string): Record<string, string>[] {
  return parse(gunzipSync(readFileSync(jobFile(out, table, security, date))), { columns: true }) as Record<string, string>[];
}

/** The folder of a job's manifest.json and partial.json. */
export function recordsOf(out: string, security: string, date: string): string {
  return jobRecordsDir(out, security, date);
}
