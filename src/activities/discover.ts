import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { writeJsonAtomic } from '../io/atomic';
import { securityIndexPath } from '../io/paths';
import type { DiscoverResult, RunRef } from '../workflows/types';
import { loadPlan } from './run-context';
import { readSplitManifest } from './shard';
import type { JobInputs, KindInputs } from '../jobs/analyse-partition';
import type { ShardRef, SplitManifest } from '../io/shard-split';

export type { JobInputs, KindInputs } from '../jobs/analyse-partition';

/** jobs/<security>.json: the dates of one security and their inputs. */
export interface SecurityIndex {
  security: string;
  dates: Record<string, JobInputs>;
}

const emptyInputs = (): JobInputs => ({
  orders: { read: 0, kept: 0, filtered: 0, rejected: 0, files: [], sha1: [] },
  trades: { read: 0, kept: 0, filtered: 0, rejected: 0, files: [], sha1: [] },
  nbbo: { read: 0, kept: 0, filtered: 0, rejected: 0, files: [], sha1: [] },
});


/**
 * The union of committed shards is the discovered job matrix: (security, date) pairs with order rows,
 * intersected with the configured securities and dates. Configured pairs without rows are counted as empty.
 */
export async function discoverJobs(run: RunRef): Promise<DiscoverResult> {
  const { plan, paths } = await loadPlan(run);
  const bySecurity = new Map<string, SecurityIndex>();
  const shardsOf = new Map<KindInputs, ShardRef[]>();
  const manifests: SplitManifest[] = [];
  for (const split of plan.splits) {
    const m = await readSplitManifest(paths.work, split.id);
    if (!m || m.planCreatedAt !== plan.createdAt) {
      throw ApplicationFailure.nonRetryable(`split ${split.id} has no committed manifest: shard it first`, 'SplitMissing');
    }
    manifests.push(m);
    const kind = m.kind as keyof JobInputs;
    for (const c of m.partitions) {
      let idx = bySecurity.get(c.security);
      if (!idx) bySecurity.set(c.security, (idx = { security: c.security, dates: {} }));
      const inputs = (idx.dates[c.date] ??= emptyInputs())[kind];
      inputs.read += c.read;
      inputs.kept += c.kept;
      inputs.filtered += c.filtered;
      inputs.rejected += c.rejected;
      (shardsOf.get(inputs) ?? shardsOf.set(inputs, []).get(inputs)!).push(...c.shards);
    }
  }
  // A job reads its shards in input order (source file, then line): where other files sort never matters.
  for (const [inputs, shards] of shardsOf) {
    shards.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.firstLine - b.firstLine));
    inputs.files = shards.map((r) => r.file);
    inputs.sha1 = shards.map((r) => r.sha1);
  }
  const wantSec = plan.config.jobs.securities === 'auto' ? null : new Set(plan.config.jobs.securities);
  const wantDate = plan.config.jobs.dates === 'auto' ? null : new Set(plan.config.jobs.dates);
  const result: DiscoverResult = { securities: [], jobs: 0, empty: 0 };
  const emptyList: { security: string; date: string }[] = [];
  for (const idx of [...bySecurity.values()].sort((a, b) => (a.security < b.security ? -1 : 1))) {
    if (wantSec && !wantSec.has(idx.security)) continue;
    const dates: Record<string, JobInputs> = {};
    for (const date of Object.keys(idx.dates).sort()) {
      if (wantDate && !wantDate.has(date)) continue;
      // A job needs order rows; trades or quotes alone make no job.
      if (idx.dates[date].orders.read > 0) dates[date] = idx.dates[date];
    }
    const n = Object.keys(dates).length;
    if (n === 0) continue;
    await writeJsonAtomic(securityIndexPath(paths.work, idx.security), { security: idx.security, dates });
    result.securities.push({ security: idx.security, jobs: n });
    result.jobs += n;
  }
  if (wantSec || wantDate) {
    const secs = wantSec ? [...wantSec] : [...bySecurity.keys()];
    const allDates = new Set<string>();
    for (const s of bySecurity.values()) for (const d of Object.keys(s.dates)) allDates.add(d);
    const dates = wantDate ? [...wantDate] : [...allDates];
    for (const s of secs) for (const d of dates) if (!(bySecurity.get(s)?.dates[d]?.orders.read)) emptyList.push({ security: s, date: d });
  }
  result.empty = emptyList.length;
  // Rows kept in a partition that is no job (outside jobs.securities x jobs.dates, or trades and quotes
  // with no order rows) are counted here, so that every kept row is in one job or in this count.
  const isJob = (security: string, date: string): boolean => jobDates.get(security)?.has(date) ?? false;
  const jobDates = new Map(result.securities.map((s) => [s.security, new Set<string>()]));
  for (const s of result.securities) {
    const idx = bySecurity.get(s.security)!;
    for (const d of Object.keys(idx.dates)) if ((!wantDate || wantDate.has(d)) && idx.dates[d].orders.read > 0) jobDates.get(s.security)!.add(d);
  }
  const outsideJobMatrix = { orders: 0, trades: 0, nbbo: 0 };
  for (const m of manifests) for (const c of m.partitions) if (!isJob(c.security, c.date)) outsideJobMatrix[m.kind as keyof typeof outsideJobMatrix] += c.kept;
  const rejectsOutsideJobs = checkRejectsOutsideJobs(manifests, isJob, plan.config.thresholds.maxRejectShare, paths.rejects);
  emptyList.sort((a, b) => (a.security !== b.security ? (a.security < b.security ? -1 : 1) : a.date < b.date ? -1 : 1));
  await writeJsonAtomic(paths.jobsIndex, { ...result, emptyJobs: emptyList, outsideJobMatrix, rejectsOutsideJobs });
  return result;
}

/**
 * The reject-share rule for rows no job answers for: per input file, rejects without a partition plus
 * rejects in partitions that are no job, over the file's rows. Above `maxRejectShare` the run stops (a
 * person must look at the file); the split manifests, and so the rejects files, are committed by then.
 * Returns the count of such rejects.
 */
export function checkRejectsOutsideJobs(manifests: readonly SplitManifest[], isJob: (security: string, date: string) => boolean,
  maxRejectShare: number, rejectsDir: string): number {
  const byFile = new Map<string, { read: number; outside: number; splits: string[] }>();
  for (const m of manifests) {
    for (const f of m.files) {
      const e = byFile.get(f.path) ?? byFile.set(f.path, { read: 0, outside: 0, splits: [] }).get(f.path)!;
      e.read += f.read;
      e.outside += f.unattributedRejects + (f.rejectsByPartition ?? []).filter((r) => !isJob(r.security, r.date)).reduce((n, r) => n + r.rejected, 0);
      if (f.rejected > 0) e.splits.push(m.splitId);
    }
  }
  let total = 0;
  const over: string[] = [];
  for (const [file, e] of byFile) {
    total += e.outside;
    if (e.read > 0 && e.outside / e.read > maxRejectShare) {
      over.push(`${file}: ${e.outside} of ${e.read} rows (${(100 * e.outside / e.read).toFixed(2)}%) were rejected and belong to no job ` +
        `(unreadable security or timestamp, or a security and date without order rows), above the limit of ` +
        `${(100 * maxRejectShare).toFixed(2)}% (thresholds.maxRejectShare); the reasons are in ` +
        e.splits.map((id) => path.join(rejectsDir, `${id}.csv`)).join(', '));
    }
  }
  if (over.length > 0) throw ApplicationFailure.nonRetryable(over.join('\n'), 'RejectLimit');
  return total;
}

const indexCache = new Map<string, { mtimeMs: number; index: SecurityIndex }>();

/** A security's job index; cached (by path and mtime) because each of a job's activities needs it. */
export async function readSecurityIndex(work: string, security: string): Promise<SecurityIndex> {
  const file = securityIndexPath(work, security);
  try {
    const { mtimeMs } = await stat(file);
    const hit = indexCache.get(file);
    if (hit && hit.mtimeMs === mtimeMs) return hit.index;
    const index = JSON.parse(await readFile(file, 'utf8')) as SecurityIndex;
    if (indexCache.size > 1000) indexCache.clear();
    indexCache.set(file, { mtimeMs, index });
    return index;
  } catch (e) {
    throw ApplicationFailure.nonRetryable(`no job index for security ${security}: ${(e as Error).message}`, 'IndexMissing');
  }
}

/** The dates of one security's jobs, for its workflow's fan-out. */
export async function listJobDates(run: RunRef, security: string): Promise<string[]> {
  const idx = await readSecurityIndex(run.work, security);
  return Object.keys(idx.dates).sort();
}
