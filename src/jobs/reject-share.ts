import path from 'node:path';
import type { SplitManifest } from '../io/shard-split';
import { StepError } from './errors';
import type { JobInputs } from './types';

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

/**
 * The reject-share rule for one job: its rows rejected over its rows read, against
 * `thresholds.maxRejectShare`. Null when within the limit, else why the job must not run.
 */
export function jobRejectProblem(job: { security: string; date: string }, inputs: JobInputs, maxRejectShare: number, rejectsDir: string): string | null {
  const read = inputs.orders.read + inputs.trades.read + inputs.nbbo.read;
  const rejected = inputs.orders.rejected + inputs.trades.rejected + inputs.nbbo.rejected;
  if (read === 0 || rejected / read <= maxRejectShare) return null;
  return `job ${job.security}/${job.date}: ${rejected} of ${read} input rows rejected (${pct(rejected / read)}), ` +
    `above the limit of ${pct(maxRejectShare)} (thresholds.maxRejectShare); the reasons are in ${rejectsDir}`;
}

/**
 * The reject-share rule for rows no job answers for: per input file, rejects without a partition plus
 * rejects in partitions that are no job, over the file's rows. Above `maxRejectShare` the run stops (a
 * person must look at the file); the split manifests, and so the rejects files, are
 * committed by then. Returns the count of such rejects.
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
      over.push(`${file}: ${e.outside} of ${e.read} rows (${pct(e.outside / e.read)}) were rejected and belong to no job ` +
        `(unreadable security or timestamp, or a security and date without order rows), above the limit of ` +
        `${pct(maxRejectShare)} (thresholds.maxRejectShare); the reasons are in ` +
        e.splits.map((id) => path.join(rejectsDir, `${id}.csv`)).join(', '));
    }
  }
  if (over.length > 0) throw new StepError(over.join('\n'), 'RejectLimit');
  return total;
}
