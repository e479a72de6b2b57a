import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import { orderRow, ORDER_SHARD_COLUMNS, quoteRow, QUOTE_SHARD_COLUMNS, tradeRow, TRADE_SHARD_COLUMNS, type RowOutcome } from '../domain/ingest-rules';
import { writeJsonAtomic } from '../io/atomic';
import { bindColumns, type ColumnIndex } from '../io/columns';
import { readCsv } from '../io/csv-file';
import { PartitionWriter } from '../io/partition-writer';
import { shardFile } from '../io/paths';
import type { Reconciliation, RunRef, SplitResult } from '../workflows/types';
import { asNonRetryable, loadPlan, type Plan } from './run-context';

/** Split manifest: the commit record of one split; shards not listed in a manifest do not exist. */
export interface SplitManifest {
  splitId: string;
  kind: string;
  planCreatedAt: string;
  totals: Reconciliation;
  bytes: number;
  /** Per partition "security|date": counts and the shard file (if rows were kept). */
  partitions: Record<string, Reconciliation & { file?: string; sha1?: string }>;
  /** Per input file: counts, and rejects without a partition (unreadable security or timestamp). */
  files: { path: string; read: number; rejected: number; unattributedRejects: number }[];
  rejectsFile: string | null;
}

const EMPTY = (): Reconciliation => ({ read: 0, kept: 0, filtered: 0, rejected: 0 });

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

function ruleFor(kind: string, plan: Plan, cols: ColumnIndex, width: number, fileIndex: number) {
  const masks = { centrePoint: plan.config.filters.centrePointMask, sweep: plan.config.filters.sweepMask };
  // File order: file index then line; unique and increasing through the run (sequence fallback).
  const base = fileIndex * 1e10;
  if (kind === 'orders') return (f: string[], line: number): RowOutcome => orderRow(f, cols, width, base + line, masks);
  if (kind === 'trades') return (f: string[]): RowOutcome => tradeRow(f, cols, width);
  return (f: string[]): RowOutcome => quoteRow(f, cols, width);
}

const SHARD_COLUMNS: Record<string, readonly string[]> = {
  orders: ORDER_SHARD_COLUMNS, trades: TRADE_SHARD_COLUMNS, nbbo: QUOTE_SHARD_COLUMNS,
};

/** Streams one split once: validate, filter, route to partition shards; commit atomically at the end. */
export async function shardSplit(run: RunRef, splitIndex: number): Promise<SplitResult> {
  const { plan, paths } = await loadPlan(run);
  const split = plan.splits[splitIndex];
  if (!split) throw ApplicationFailure.nonRetryable(`split ${splitIndex} is not in the plan of ${run.name}`, 'PlanMismatch');
  const existing = await readSplitManifest(paths.work, split.id);
  if (existing && existing.planCreatedAt === plan.createdAt) {
    return { splitId: split.id, kind: split.kind, bytes: existing.bytes, ...existing.totals, reused: true };
  }
  // A new attempt starts clean: remove what earlier attempts of this split left in staging.
  await mkdir(paths.staging, { recursive: true });
  for (const d of await readdir(paths.staging)) if (d.startsWith(`${split.id}.`)) await rm(path.join(paths.staging, d), { recursive: true, force: true });
  const staging = path.join(paths.staging, `${split.id}.${randomBytes(4).toString('hex')}`);
  const writer = new PartitionWriter(SHARD_COLUMNS[split.kind]);
  const rejects = new PartitionWriter(['source_file', 'line', 'reason', 'raw']);
  const rejectsStaged = path.join(staging, 'rejects.csv');
  const partitions: Record<string, Reconciliation & { file?: string; sha1?: string }> = {};
  const totals = EMPTY();
  const fileStats: SplitManifest['files'] = [];
  let bytesDone = 0, lastBeat = 0;
  const ctx = Context.current();

  try {
    for (const part of split.parts) {
      const file = plan.files[part.file];
      const stats = { path: file.path, read: 0, rejected: 0, unattributedRejects: 0 };
      fileStats.push(stats);
      let rule: ((f: string[], line: number) => RowOutcome) | null = null;
      const reject = (line: number, raw: string, reason: string, key?: string): void => {
        rejects.write(rejectsStaged, [file.path, String(line), reason, raw]);
        totals.rejected++;
        stats.rejected++;
        if (key) (partitions[key] ??= EMPTY()).rejected++;
        else stats.unattributedRejects++;
      };
      await readCsv(file.path, {
        onHeader: (h) => {
          const kind = split.kind as 'orders' | 'trades' | 'nbbo';
          rule = ruleFor(kind, plan, bindColumns(kind, h, plan.config.columns[kind], file.path), h.length, file.index);
        },
        onRecord: (fields, line, raw) => {
          totals.read++;
          stats.read++;
          const r = rule!(fields, line);
          if (r.kind === 'reject') {
            const key = r.security !== undefined && r.date !== undefined ? `${r.security}|${r.date}` : undefined;
            if (key) (partitions[key] ??= EMPTY()).read++;
            reject(line, raw(), r.reason, key);
            return;
          }
          const key = `${r.security}|${r.date}`;
          const p = (partitions[key] ??= EMPTY());
          p.read++;
          if (r.kind === 'filter') {
            p.filtered++;
            totals.filtered++;
            return;
          }
          p.kept++;
          totals.kept++;
          const rel = path.relative(paths.work, shardFile(paths, split.kind, r.security, r.date, split.id));
          p.file = rel;
          writer.write(path.join(staging, rel), r.row);
        },
        onMalformed: (line, raw, reason) => {
          totals.read++;
          stats.read++;
          reject(line, raw, reason);
        },
      }, {
        start: part.start, end: part.end, firstLine: part.firstLine,
        onProgress: (b) => {
          const now = Date.now();
          if (now - lastBeat > 1000) {
            lastBeat = now;
            heartbeat({ bytes: bytesDone + b, rows: totals.read });
          }
        },
      });
      bytesDone += part.end - part.start;
      const limit = plan.config.thresholds.maxRejectShare;
      if (stats.read > 0 && stats.unattributedRejects / stats.read > limit) {
        throw ApplicationFailure.nonRetryable(
          `${file.path}: ${stats.unattributedRejects} of ${stats.read} rows (${(100 * stats.unattributedRejects / stats.read).toFixed(2)}%) ` +
          `could not be read at all, above the limit of ${(100 * limit).toFixed(2)}% (thresholds.maxRejectShare); ` +
          `see the rejects in ${path.join(paths.rejects, `${split.id}.csv`)}`, 'RejectLimit');
      }
    }
    writer.flush();
    rejects.flush();
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
      splitId: split.id, kind: split.kind, planCreatedAt: plan.createdAt, totals, bytes: split.bytes,
      partitions, files: fileStats, rejectsFile,
    };
    await writeJsonAtomic(splitManifestPath(paths.work, split.id), manifest);
    ctx.log.info('split committed', { splitId: split.id, ...totals });
    return { splitId: split.id, kind: split.kind, bytes: split.bytes, ...totals, reused: false };
  } catch (e) {
    throw asNonRetryable(e);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
