import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * Where a run's files live. Work files (plan, shards, staging) are intermediate; output files are what
 * users read. Both are shared by every worker of a run (a shared filesystem when workers are on many hosts).
 */
export interface RunPaths {
  work: string;
  out: string;
  plan: string;
  splitManifests: string;
  staging: string;
  shards: string;
  jobsIndex: string;
  rejects: string;
  rollups: string;
  summary: string;
}

export function runPaths(baseDir: string, outputDir: string, workDir: string, name: string): RunPaths {
  const work = path.resolve(baseDir, workDir, name);
  const out = path.resolve(baseDir, outputDir, name);
  return {
    work, out,
    plan: path.join(work, 'plan.json'),
    splitManifests: path.join(work, 'splits'),
    staging: path.join(work, 'staging'),
    shards: path.join(work, 'shards'),
    jobsIndex: path.join(work, 'jobs.json'),
    rejects: path.join(out, 'rejects'),
    rollups: path.join(out, 'rollups'),
    summary: path.join(out, 'summary.json'),
  };
}

/** Longest folder name `safeSegment` makes (well under the 255 bytes a file name may have). */
export const MAX_SEGMENT = 120;

/**
 * A security code as a folder name: injective and bounded. Bytes of its UTF-8 outside [A-Za-z0-9._-], and a
 * leading '.', become %XX (so '.', '..' and hidden names cannot occur and '%' itself is always encoded);
 * a name longer than MAX_SEGMENT keeps its first 80 characters and adds '~' and a SHA-256 of the code ('~'
 * is never produced by the encoding, so a long name cannot equal a short one).
 */
export function safeSegment(s: string): string {
  let out = '';
  const bytes = Buffer.from(s, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const plain = (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 95 || b === 45 || (b === 46 && i > 0);
    out += plain ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (out.length <= MAX_SEGMENT) return out;
  let head = out.slice(0, 80);
  const pct = head.lastIndexOf('%');
  if (pct > 77) head = head.slice(0, pct); // never cut inside a %XX
  return `${head}~${createHash('sha256').update(s).digest('hex').slice(0, 32)}`;
}

export function shardFile(p: RunPaths, kind: string, security: string, date: string, splitId: string): string {
  return path.join(p.shards, kind, safeSegment(security), date, `${splitId}.csv`);
}

/**
 * The run's per-job tables: each is one dataset partitioned Hive-style, `<out>/<table>/security=<s>/date=<d>/`,
 * so DuckDB, Polars, pyarrow and Spark read a whole run as one table and prune by security and date. The
 * security is `safeSegment`-encoded (percent-encoding, which the readers decode).
 */
export const JOB_TABLES = ['orders', 'fills', 'candidates', 'matches'] as const;
export type JobTable = (typeof JOB_TABLES)[number];
/** Where the job commit records (manifest.json, partial.json) live, partitioned as the tables are. */
export const JOB_RECORDS = 'jobs';
/** The CSV.gz copies (`output.formats`) form datasets of their own, so a Parquet folder holds Parquet only. */
export const CSV_FOLDER = 'csv';
/** Every partitioned folder of a run's output, relative to it. */
export const PARTITIONED_FOLDERS: readonly string[] = [...JOB_TABLES, ...JOB_TABLES.map((t) => path.join(CSV_FOLDER, t)), JOB_RECORDS];

/** A job's partition, relative to a table's folder: `security=<s>/date=<d>`. */
export function partitionPath(security: string, date: string): string {
  return path.join(`security=${safeSegment(security)}`, `date=${date}`);
}

/** The folder of a job's commit records (manifest.json, written last, and partial.json). */
export function jobRecordsDir(out: string, security: string, date: string): string {
  return path.join(out, JOB_RECORDS, partitionPath(security, date));
}

/** A job's file of a table, relative to the run's output folder: `<table>/...` or `csv/<table>/...`. */
export function jobTableFile(table: JobTable, security: string, date: string, format: OutputFormat): string {
  return format === 'csv' ? path.join(CSV_FOLDER, table, partitionPath(security, date), 'part-0.csv.gz')
    : path.join(table, partitionPath(security, date), 'part-0.parquet');
}

/** Every folder a job writes in (its partition of each table, in each format, and its records). */
export function jobPartitionDirs(out: string, security: string, date: string): string[] {
  return PARTITIONED_FOLDERS.map((f) => path.join(out, f, partitionPath(security, date)));
}

/** Per-job table formats (`output.formats`). */
export type OutputFormat = 'parquet' | 'csv';

/** jobs/<security>.json of a run's work folder: the dates of one security and their inputs. */
export function securityIndexPath(work: string, security: string): string {
  return path.join(work, 'jobs', `${safeSegment(security)}.json`);
}
