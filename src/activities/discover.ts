import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { writeJsonAtomic } from '../io/atomic';
import { safeSegment } from '../io/paths';
import type { DiscoverResult, RunRef } from '../workflows/types';
import { loadPlan } from './run-context';
import { readSplitManifest } from './shard';
import type { JobInputs } from '../jobs/analyse-partition';

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

export function securityIndexPath(work: string, security: string): string {
  return path.join(work, 'jobs', `${safeSegment(security)}.json`);
}

/**
 * The union of committed shards is the discovered job matrix: (security, date) pairs with order rows,
 * intersected with the configured securities and dates. Configured pairs without rows are counted as empty.
 */
export async function discoverJobs(run: RunRef): Promise<DiscoverResult> {
  const { plan, paths } = await loadPlan(run);
  const bySecurity = new Map<string, SecurityIndex>();
  for (const split of plan.splits) {
    const m = await readSplitManifest(paths.work, split.id);
    if (!m || m.planCreatedAt !== plan.createdAt) {
      throw ApplicationFailure.nonRetryable(`split ${split.id} has no committed manifest: shard it first`, 'SplitMissing');
    }
    const kind = m.kind as keyof JobInputs;
    for (const [key, c] of Object.entries(m.partitions)) {
      const [security, date] = key.split('|');
      let idx = bySecurity.get(security);
      if (!idx) bySecurity.set(security, (idx = { security, dates: {} }));
      const inputs = (idx.dates[date] ??= emptyInputs())[kind];
      inputs.read += c.read;
      inputs.kept += c.kept;
      inputs.filtered += c.filtered;
      inputs.rejected += c.rejected;
      if (c.file) {
        inputs.files.push(c.file);
        inputs.sha1.push(c.sha1 ?? '');
      }
    }
  }
  const wantSec = plan.config.jobs.securities === 'auto' ? null : new Set(plan.config.jobs.securities);
  const wantDate = plan.config.jobs.dates === 'auto' ? null : new Set(plan.config.jobs.dates);
  const result: DiscoverResult = { securities: [], jobs: 0, empty: 0 };
  const emptyList: string[] = [];
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
    for (const s of secs) for (const d of dates) if (!(bySecurity.get(s)?.dates[d]?.orders.read)) emptyList.push(`${s}/${d}`);
  }
  result.empty = emptyList.length;
  await writeJsonAtomic(paths.jobsIndex, { ...result, emptyJobs: emptyList.sort() });
  return result;
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
