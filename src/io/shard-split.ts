import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { orderRow, ORDER_SHARD_COLUMNS, quoteRow, QUOTE_SHARD_COLUMNS, tradeRow, TRADE_SHARD_COLUMNS, type RowOutcome } from '../domain/ingest-rules';
import type { Split } from '../domain/splits';
import { writeJsonAtomic } from './atomic';
import { bindColumns, type ColumnIndex } from './columns';
import { InputError, readCsv } from './csv-file';
import { DEFER, FILTER, OrderRowBytes, TradeRowBytes } from './row-bytes';
import { PartitionWriter, type Partition } from './partition-writer';
import { runPaths, shardFile } from './paths';

/**
 * The shard step of one split, free of Temporal so it can run on a worker thread: stream the split once,
 * validate, filter and route every row, stage shards and rejects, then commit (move into place, write the
 * split manifest last). What it needs of the plan travels as plain data.
 */

export interface Counts {
  read: number;
  kept: number;
  filtered: number;
  rejected: number;
}

export interface ShardTask {
  baseDir: string;
  outputDir: string;
  workDir: string;
  runName: string;
  planCreatedAt: string;
  split: Split;
  files: { index: number; path: string }[];
  columns: Record<'orders' | 'trades' | 'nbbo', Record<string, string>>;
  masks: { centrePoint: number; sweep: number };
  maxRejectShare: number;
  /** Rows buffered (about 256 bytes each) before the shards are flushed: bounds this task's memory. */
  chunkRows: number;
  /** Route order and trade rows through the byte-level rules first (off only to test them against the string rules). @default true */
  bytePath?: boolean;
}

/** Split manifest: the commit record of one split; shards not listed in a manifest do not exist. */
export interface SplitManifest {
  splitId: string;
  kind: string;
  planCreatedAt: string;
  totals: Counts;
  bytes: number;
  /** Per partition "security|date": counts, the shard file (if rows were kept) and its content hash. */
  partitions: Record<string, Counts & { file?: string; sha1?: string }>;
  /** Per input file: counts, and rejects without a partition (unreadable security or timestamp). */
  files: { path: string; read: number; rejected: number; unattributedRejects: number }[];
  rejectsFile: string | null;
  /** Files of the split that held no row (header only). */
  warnings: string[];
}

export interface ShardOutcome {
  manifest: SplitManifest;
  reused: boolean;
}

/** Too many rows of a file could not be read at all: not worth retrying. */
export class RejectLimitError extends InputError {}

const EMPTY = (): Counts => ({ read: 0, kept: 0, filtered: 0, rejected: 0 });

const SHARD_COLUMNS: Record<string, readonly string[]> = {
  orders: ORDER_SHARD_COLUMNS, trades: TRADE_SHARD_COLUMNS, nbbo: QUOTE_SHARD_COLUMNS,
};

export function splitManifestPath(work: string, splitId: string): string {
  return path.join(work, 'splits', `${splitId}.json`);
}

export async function readSplitManifest(work: string, splitId: string): Promise<SplitManifest | null> {
  try {
    return JSON.parse(await readFile(splitManifestPath(work, splitId), 'utf8')) as SplitManifest;
  } catch {
    return null;
  }
}

/** File order (file index, then line): unique and increasing through the run, the sequence fallback. */
function fileOrderBase(fileIndex: number): number {
  return fileIndex * 1e10;
}

function ruleFor(task: ShardTask, cols: ColumnIndex, width: number, fileIndex: number): (f: string[], line: number) => RowOutcome {
  const base = fileOrderBase(fileIndex);
  if (task.split.kind === 'orders') return (f, line) => orderRow(f, cols, width, base + line, task.masks);
  if (task.split.kind === 'trades') return (f) => tradeRow(f, cols, width);
  return (f) => quoteRow(f, cols, width);
}

/** A (security, date) partition of a split: its counts, its staging file and, once a row is kept, its writer. */
interface ShardPartition {
  counts: Counts & { file?: string };
  staged: string;
  writer?: Partition;
}

export async function shardSplitTask(task: ShardTask, onProgress: (p: { bytes: number; rows: number }) => void): Promise<ShardOutcome> {
  const { split } = task;
  const paths = runPaths(task.baseDir, task.outputDir, task.workDir, task.runName);
  const existing = await readSplitManifest(paths.work, split.id);
  if (existing && existing.planCreatedAt === task.planCreatedAt) return { manifest: existing, reused: true };
  // A new attempt starts clean: remove what earlier attempts of this split left in staging.
  await mkdir(paths.staging, { recursive: true });
  for (const d of await readdir(paths.staging)) if (d.startsWith(`${split.id}.`)) await rm(path.join(paths.staging, d), { recursive: true, force: true });
  const staging = path.join(paths.staging, `${split.id}.${randomBytes(4).toString('hex')}`);
  const writer = new PartitionWriter(SHARD_COLUMNS[split.kind], task.chunkRows * 256);
  const rejects = new PartitionWriter(['source_file', 'line', 'reason', 'raw']);
  const rejectsStaged = path.join(staging, 'rejects.csv');
  const partitions: SplitManifest['partitions'] = {};
  // security -> date -> partition (and its staging file): no key string built per row.
  const index = new Map<string, Map<string, ShardPartition>>();
  const partitionOf = (security: string, date: string): ShardPartition => {
    let byDate = index.get(security);
    if (!byDate) index.set(security, (byDate = new Map()));
    let p = byDate.get(date);
    if (!p) {
      const counts = (partitions[`${security}|${date}`] ??= EMPTY());
      const file = path.relative(paths.work, shardFile(paths, kind, security, date, split.id));
      p = { counts, staged: path.join(staging, file) };
      byDate.set(date, p);
    }
    return p;
  };
  const totals = EMPTY();
  const fileStats: SplitManifest['files'] = [];
  const fileOf = new Map(task.files.map((f) => [f.index, f.path]));
  const kind = split.kind as 'orders' | 'trades' | 'nbbo';
  let bytesDone = 0;
  const warnings: string[] = [];

  try {
    for (const part of split.parts) {
      const file = fileOf.get(part.file)!;
      const stats = { path: file, read: 0, rejected: 0, unattributedRejects: 0 };
      fileStats.push(stats);
      let rule: ((f: string[], line: number) => RowOutcome) | null = null;
      // Orders and trades (the bulk of the input) go through the byte-level rules first; they defer
      // anything unusual to the string rules.
      let fast: OrderRowBytes | TradeRowBytes | null = null;
      const orderBase = fileOrderBase(part.file);
      /** Counts a row read, kept or filtered out in its partition; returns the partition when it is kept. */
      const counted = (security: string, date: string, kept: boolean): ShardPartition | null => {
        totals.read++;
        stats.read++;
        const p = partitionOf(security, date);
        p.counts.read++;
        if (!kept) {
          p.counts.filtered++;
          totals.filtered++;
          return null;
        }
        p.counts.kept++;
        totals.kept++;
        if (!p.counts.file) p.counts.file = path.relative(staging, p.staged);
        return p;
      };
      const reject = (line: number, raw: string, reason: string, key?: string): void => {
        rejects.write(rejectsStaged, [file, String(line), reason, raw]);
        totals.rejected++;
        stats.rejected++;
        if (key) (partitions[key] ??= EMPTY()).rejected++;
        else stats.unattributedRejects++;
      };
      await readCsv(file, {
        onHeader: (h) => {
          const cols = bindColumns(kind, h, task.columns[kind], file);
          rule = ruleFor(task, cols, h.length, part.file);
          if (task.bytePath !== false) {
            if (kind === 'orders') fast = new OrderRowBytes(cols, h.length, task.masks);
            else if (kind === 'trades') fast = new TradeRowBytes(cols, h.length);
          }
        },
        onRawRecord: (buf, start, end, line) => {
          if (!fast) return false;
          const verdict = fast.route(buf, start, end, orderBase + line);
          if (verdict === DEFER) return false;
          const p = counted(fast.security, fast.date, verdict !== FILTER);
          if (p) writer.writeBytes(p.writer ??= writer.partition(p.staged), fast.line, fast.lineLength);
          return true;
        },
        onRecord: (fields, line, raw) => {
          const r = rule!(fields, line);
          if (r.kind === 'reject') {
            totals.read++;
            stats.read++;
            const key = r.security !== undefined && r.date !== undefined ? `${r.security}|${r.date}` : undefined;
            if (key) (partitions[key] ??= EMPTY()).read++;
            reject(line, raw(), r.reason, key);
            return;
          }
          const p = counted(r.security, r.date, r.kind === 'keep');
          if (p && r.kind === 'keep') writer.writeLine(p.staged, r.line);
        },
        onMalformed: (line, raw, reason) => {
          totals.read++;
          stats.read++;
          reject(line, raw, reason);
        },
      }, {
        start: part.start, end: part.end, firstLine: part.firstLine,
        onProgress: (b) => onProgress({ bytes: bytesDone + b, rows: totals.read }),
      });
      bytesDone += part.end - part.start;
      if (stats.read === 0 && part.start === 0) warnings.push(`${file}: header only, no rows`);
      if (stats.read > 0 && stats.unattributedRejects / stats.read > task.maxRejectShare) {
        throw new RejectLimitError(file,
          `${stats.unattributedRejects} of ${stats.read} rows (${(100 * stats.unattributedRejects / stats.read).toFixed(2)}%) ` +
          `could not be read at all, above the limit of ${(100 * task.maxRejectShare).toFixed(2)}% (thresholds.maxRejectShare); ` +
          `the reasons are in ${path.join(paths.rejects, `${split.id}.csv`)}`);
      }
    }
    writer.flush();
    rejects.flush();
    writer.close();
    rejects.close();
    // Commit: move every shard into place, then the rejects, then write the manifest (the commit point).
    const keyOfFile = new Map(Object.entries(partitions).filter(([, p]) => p.file).map(([k, p]) => [p.file!, k]));
    for (const { file, sha1 } of writer.files()) {
      const rel = path.relative(staging, file);
      partitions[keyOfFile.get(rel)!].sha1 = sha1;
      const final = path.join(paths.work, rel);
      await mkdir(path.dirname(final), { recursive: true });
      await rename(file, final);
    }
    let rejectsFile: string | null = null;
    if (totals.rejected > 0) {
      rejectsFile = path.join(paths.rejects, `${split.id}.csv`);
      await mkdir(paths.rejects, { recursive: true });
      await rename(rejectsStaged, rejectsFile);
    }
    const manifest: SplitManifest = {
      splitId: split.id, kind: split.kind, planCreatedAt: task.planCreatedAt, totals, bytes: split.bytes,
      partitions, files: fileStats, rejectsFile, warnings,
    };
    await writeJsonAtomic(splitManifestPath(paths.work, split.id), manifest);
    return { manifest, reused: false };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
