import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { orderRow, quoteRow, tradeRow, type RowOutcome } from '../domain/ingest-rules';
import { SHARD_LAYOUTS } from '../domain/shard-records';
import type { Split } from '../domain/splits';
import { writeJsonAtomic } from './atomic';
import { bindColumns, type ColumnIndex } from './columns';
import { InputError, readCsv } from './csv-file';
import { DEFER, FILTER, OrderRowBytes, QuoteRowBytes, TradeRowBytes } from './row-bytes';
import { PartitionWriter, type Partition } from './partition-writer';
import { runPaths, shardFile } from './paths';

/**
 * The shard step of one split, free of Temporal so it can run on a worker thread: stream the split once,
 * validate, filter and route every row, stage shards and rejects, then commit (move into place, write the
 * split manifest last). What it needs of the plan travels as plain data.
 */

import type { Counts } from '../jobs/types';

export interface ShardTask {
  baseDir: string;
  outputDir: string;
  workDir: string;
  runName: string;
  planCreatedAt: string;
  split: Split;
  /** The split's input files with their size and mtime as planned: a file changed since is an error. */
  files: { index: number; path: string; size: number; mtimeMs: number }[];
  columns: Record<'orders' | 'trades' | 'nbbo', Record<string, string>>;
  masks: { centrePoint: number; sweep: number };
  maxRejectShare: number;
  /** Rows buffered (about 256 bytes each) before the shards are flushed: bounds this task's memory. */
  chunkRows: number;
  /** Compress the shards (config `processing.compressShards`, io/shard-codec). @default false */
  compressShards?: boolean;
  /** Route rows through the byte-level rules first (off only to test them against the string rules). @default true */
  bytePath?: boolean;
}

/** One shard file: the kept rows of one input file (or byte range of it) in one partition. */
export interface ShardRef {
  /** Relative to the run's work folder. */
  file: string;
  sha1: string;
  /** The input file the rows came from, and the line its range starts on (orders position events by them). */
  source: string;
  firstLine: number;
}

/** The counts and shards of one (security, date) partition of a split; the key is carried structured. */
export interface PartitionCounts extends Counts {
  security: string;
  date: string;
  shards: ShardRef[];
}

export interface FileCounts {
  path: string;
  read: number;
  rejected: number;
  unattributedRejects: number;
  rejectsByPartition: { security: string; date: string; rejected: number }[];
}

/** Split manifest: the commit record of one split; shards not listed in a manifest do not exist. */
export interface SplitManifest {
  splitId: string;
  kind: string;
  planCreatedAt: string;
  totals: Counts;
  bytes: number;
  /** Per (security, date) partition: counts and the shard files of its kept rows. */
  partitions: PartitionCounts[];
  /**
   * Per input file (or byte range of it): counts, rejects without a partition (unreadable security or
   * timestamp), and rejects by partition (discover checks the share of them that reaches no job).
   */
  files: FileCounts[];
  rejectsFile: string | null;
  /** Files of the split that held no row (header only). */
  warnings: string[];
}

export interface ShardOutcome {
  manifest: SplitManifest;
  reused: boolean;
}

/** Too many rows of a file were rejected: not worth retrying. */
export class RejectLimitError extends InputError {}

const EMPTY = (): Counts => ({ read: 0, kept: 0, filtered: 0, rejected: 0 });

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

/**
 * The shard line's file order is the row's line in its input file: a shard holds one input file's rows, so
 * its content (and hash) never depends on where other files sort; the job adds each shard's position in
 * its own sorted shard list (io/shard-reader) to order events across files.
 */
function ruleFor(task: ShardTask, cols: ColumnIndex, width: number): (f: string[], line: number) => RowOutcome {
  if (task.split.kind === 'orders') return (f, line) => orderRow(f, cols, width, line, task.masks);
  if (task.split.kind === 'trades') return (f) => tradeRow(f, cols, width);
  return (f) => quoteRow(f, cols, width);
}

/** A file as a plan records it for the shard step (its size and mtime now). */
export function plannedInput(index: number, file: string): ShardTask['files'][number] {
  const st = statSync(file);
  return { index, path: file, size: st.size, mtimeMs: Math.floor(st.mtimeMs) };
}

/**
 * An input file must be as the plan saw it: rows appended (or a file replaced) after planning would be
 * read in part, or attributed to a plan that does not describe them.
 */
function assertUnchanged(f: { path: string; size: number; mtimeMs: number }): void {
  // Sync: this runs on a shard thread, once before and once after each file (20,000 small files: 40,000 calls).
  const st = statSync(f.path, { throwIfNoEntry: false });
  if (!st) throw new InputError(f.path, 'the file was removed after the run was planned; start the run again');
  if (st.size !== f.size || Math.floor(st.mtimeMs) !== f.mtimeMs) {
    throw new InputError(f.path, `the file changed after the run was planned (size ${f.size} -> ${st.size} bytes, ` +
      `modified ${new Date(st.mtimeMs).toISOString()}); start the run again to plan it anew`);
  }
}

/** A (security, date) partition of a split: its counts and, while a part of the split keeps rows in it, that part's shard. */
interface ShardPartition {
  counts: PartitionCounts;
  part: number;
  staged: string;
  writer?: Partition;
}

/** Removes what attempts of a split left in staging (a killed, failed or cancelled attempt). */
export async function discardStaged(staging: string, splitId: string): Promise<void> {
  for (const d of await readdir(staging).catch(() => [] as string[])) {
    if (d.startsWith(`${splitId}.`)) await rm(path.join(staging, d), { recursive: true, force: true });
  }
}

export async function shardSplitTask(task: ShardTask, onProgress: (p: { bytes: number; rows: number }) => void): Promise<ShardOutcome> {
  const { split } = task;
  const paths = runPaths(task.baseDir, task.outputDir, task.workDir, task.runName);
  const existing = await readSplitManifest(paths.work, split.id);
  if (existing && existing.planCreatedAt === task.planCreatedAt) return { manifest: existing, reused: true };
  // A new attempt starts clean: remove what earlier attempts of this split left in staging.
  await mkdir(paths.staging, { recursive: true });
  await discardStaged(paths.staging, split.id);
  const staging = path.join(paths.staging, `${split.id}.${randomBytes(4).toString('hex')}`);
  const writer = new PartitionWriter(SHARD_LAYOUTS[split.kind as keyof typeof SHARD_LAYOUTS].columns, task.chunkRows * 256, task.compressShards ?? false);
  const rejects = new PartitionWriter(['source_file', 'line', 'reason', 'raw']);
  const rejectsStaged = path.join(staging, 'rejects.csv');
  const partitions: PartitionCounts[] = [];
  // security -> date -> partition: no key string built per row.
  const index = new Map<string, Map<string, ShardPartition>>();
  const partitionOf = (security: string, date: string): ShardPartition => {
    let byDate = index.get(security);
    if (!byDate) index.set(security, (byDate = new Map()));
    let p = byDate.get(date);
    if (!p) {
      const counts: PartitionCounts = { security, date, ...EMPTY(), shards: [] };
      partitions.push(counts);
      p = { counts, part: -1, staged: '' };
      byDate.set(date, p);
    }
    return p;
  };
  /** Staged shard path -> its entry in the manifest (its hash is set at the commit). */
  const shardOf = new Map<string, ShardRef>();
  const totals = EMPTY();
  const fileStats: SplitManifest['files'] = [];
  const fileOf = new Map(task.files.map((f) => [f.index, f]));
  const kind = split.kind as 'orders' | 'trades' | 'nbbo';
  let bytesDone = 0;
  const warnings: string[] = [];

  try {
    for (let partIndex = 0; partIndex < split.parts.length; partIndex++) {
      const part = split.parts[partIndex];
      const planned = fileOf.get(part.file)!;
      const file = planned.path;
      assertUnchanged(planned);
      const stats: FileCounts = { path: file, read: 0, rejected: 0, unattributedRejects: 0, rejectsByPartition: [] };
      fileStats.push(stats);
      const rejectedIn = new Map<PartitionCounts, { security: string; date: string; rejected: number }>();
      let rule: ((f: string[], line: number) => RowOutcome) | null = null;
      // Rows go through the byte-level rules first; they defer anything unusual to the string rules.
      let fast: OrderRowBytes | TradeRowBytes | QuoteRowBytes | null = null;
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
        if (p.part !== partIndex) {
          // This part's first kept row here: a shard of its own (one input file per shard).
          p.part = partIndex;
          p.writer = undefined;
          const rel = path.relative(paths.work, shardFile(paths, kind, security, date, `${split.id}.${partIndex}`));
          p.staged = path.join(staging, rel);
          const ref: ShardRef = { file: rel, sha1: '', source: file, firstLine: part.firstLine };
          p.counts.shards.push(ref);
          shardOf.set(p.staged, ref);
        }
        return p;
      };
      const reject = (line: number, raw: string, reason: string, where?: PartitionCounts): void => {
        rejects.write(rejectsStaged, [file, String(line), reason, raw]);
        totals.rejected++;
        stats.rejected++;
        if (!where) {
          stats.unattributedRejects++;
          return;
        }
        where.rejected++;
        let r = rejectedIn.get(where);
        if (!r) {
          rejectedIn.set(where, (r = { security: where.security, date: where.date, rejected: 0 }));
          stats.rejectsByPartition.push(r);
        }
        r.rejected++;
      };
      await readCsv(file, {
        onHeader: (h) => {
          const cols = bindColumns(kind, h, task.columns[kind], file);
          rule = ruleFor(task, cols, h.length);
          if (task.bytePath !== false) {
            if (kind === 'orders') fast = new OrderRowBytes(cols, h.length, task.masks);
            else if (kind === 'trades') fast = new TradeRowBytes(cols, h.length);
            else fast = new QuoteRowBytes(cols, h.length);
          }
        },
        onRawRecord: (buf, start, end, line) => {
          if (!fast) return false;
          const verdict = fast.route(buf, start, end, line);
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
            const where = r.security !== undefined && r.date !== undefined ? partitionOf(r.security, r.date).counts : undefined;
            if (where) where.read++;
            reject(line, raw(), r.reason, where);
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
      assertUnchanged(planned); // rows appended while it was read would be lost without a word
      // This part's shards are complete: once enough of them hold buffers, write them out and give the
      // buffers back (batched: one flush per small file cost 15% on 20,000 of them; 256 x 64 KiB bounds it).
      if (writer.liveCount >= 256) {
        writer.flush();
        writer.close();
      }
      bytesDone += part.end - part.start;
      if (stats.read === 0 && part.start === 0) warnings.push(`${file}: header only, no rows`);
    }
    writer.flush();
    rejects.flush();
    writer.close();
    rejects.close();
    // Commit: move every shard into place, then the rejects, then write the manifest (the commit point).
    for (const { file, sha1 } of writer.files()) {
      shardOf.get(file)!.sha1 = sha1;
      const final = path.join(paths.work, path.relative(staging, file));
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
