import { writeJsonAtomic } from '../io/atomic';
import type { RunPaths } from '../io/paths';
import { readSplitManifest, type ShardRef, type SplitManifest } from '../io/shard-split';
import { StepError } from './errors';
import { writeSecurityIndex, type JobsIndex, type SecurityIndex } from './job-index';
import type { Plan } from './plan-store';
import { checkRejectsOutsideJobs } from './reject-share';
import type { JobInputs, KindInputs } from './types';

const emptyInputs = (): JobInputs => ({
  orders: { read: 0, kept: 0, filtered: 0, rejected: 0, files: [], sha1: [] },
  trades: { read: 0, kept: 0, filtered: 0, rejected: 0, files: [], sha1: [] },
  nbbo: { read: 0, kept: 0, filtered: 0, rejected: 0, files: [], sha1: [] },
});

const byKey = (a: { security: string; date: string }, b: { security: string; date: string }): number =>
  (a.security !== b.security ? (a.security < b.security ? -1 : 1) : a.date < b.date ? -1 : a.date > b.date ? 1 : 0);

/**
 * The union of committed shards is the discovered job matrix: (security, date) pairs with order rows,
 * intersected with the configured securities and dates. Configured pairs without rows are counted as empty.
 * Writes jobs/<security>.json per security and jobs.json, all stamped with the plan's id.
 */
export async function discoverJobMatrix(plan: Plan, paths: RunPaths): Promise<JobsIndex> {
  const bySecurity = new Map<string, SecurityIndex>();
  const shardsOf = new Map<KindInputs, ShardRef[]>();
  const manifests: SplitManifest[] = [];
  for (const split of plan.splits) {
    const m = await readSplitManifest(paths.work, split.id);
    if (!m || m.planCreatedAt !== plan.createdAt) throw new StepError(`split ${split.id} has no committed manifest: shard it first`, 'SplitMissing');
    manifests.push(m);
    const kind = m.kind as keyof JobInputs;
    for (const c of m.partitions) {
      let idx = bySecurity.get(c.security);
      if (!idx) bySecurity.set(c.security, (idx = { security: c.security, planId: plan.id, dates: {} }));
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
  // A job needs order rows; trades or quotes alone make no job.
  const isJobDate = (idx: SecurityIndex, date: string): boolean => (!wantDate || wantDate.has(date)) && idx.dates[date].orders.read > 0;
  const securities: JobsIndex['securities'] = [];
  const jobDates = new Map<string, Set<string>>();
  let jobs = 0;
  for (const idx of [...bySecurity.values()].sort((a, b) => (a.security < b.security ? -1 : 1))) {
    if (wantSec && !wantSec.has(idx.security)) continue;
    const dates: Record<string, JobInputs> = {};
    for (const date of Object.keys(idx.dates).sort()) if (isJobDate(idx, date)) dates[date] = idx.dates[date];
    const n = Object.keys(dates).length;
    if (n === 0) continue;
    await writeSecurityIndex(paths.work, { security: idx.security, planId: plan.id, dates });
    securities.push({ security: idx.security, jobs: n });
    jobDates.set(idx.security, new Set(Object.keys(dates)));
    jobs += n;
  }
  const emptyJobs: JobsIndex['emptyJobs'] = [];
  if (wantSec || wantDate) {
    const secs = wantSec ? [...wantSec] : [...bySecurity.keys()];
    const allDates = new Set<string>();
    for (const s of bySecurity.values()) for (const d of Object.keys(s.dates)) allDates.add(d);
    const dates = wantDate ? [...wantDate] : [...allDates];
    for (const s of secs) for (const d of dates) if (!(bySecurity.get(s)?.dates[d]?.orders.read)) emptyJobs.push({ security: s, date: d });
  }
  emptyJobs.sort(byKey);
  // Rows kept in a partition that is no job (outside jobs.securities x jobs.dates, or trades and quotes
  // with no order rows) are counted here, so that every kept row is in one job or in this count.
  const isJob = (security: string, date: string): boolean => jobDates.get(security)?.has(date) ?? false;
  const outsideJobMatrix = { orders: 0, trades: 0, nbbo: 0 };
  for (const m of manifests) for (const c of m.partitions) if (!isJob(c.security, c.date)) outsideJobMatrix[m.kind as keyof typeof outsideJobMatrix] += c.kept;
  const rejectsOutsideJobs = checkRejectsOutsideJobs(manifests, isJob, plan.config.thresholds.maxRejectShare, paths.rejects);
  const index: JobsIndex = { planId: plan.id, securities, jobs, empty: emptyJobs.length, emptyJobs, outsideJobMatrix, rejectsOutsideJobs };
  await writeJsonAtomic(paths.jobsIndex, index);
  return index;
}
