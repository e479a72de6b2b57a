import { readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { detectHost } from '../config/host-profile';
import { horizon } from '../domain/execution-quality';
import { emptyRollup, levelRows, LEVELS, mergeRollupInto, rollupColumns, rollupFromJson, type RollupColumn, type RollupRow } from '../domain/rollups';
import { tableCsv, tableParquet, type ColumnSpec } from '../io/tables';
import { buildReport } from '../report/report';
import { removeStaleTemps, sha1Of, writeFileAtomic, writeJsonAtomic } from '../io/atomic';
import { csvLine } from '../io/csv-writer';
import { jobRecordsDir, partitionPath, PARTITIONED_FOLDERS } from '../io/paths';
import type { RunResult } from '../workflows/types';
import type { SplitManifest } from '../io/shard-split';
import type { RunPaths } from '../io/paths';
import { jobFingerprint } from './fingerprint';
import { readJobsIndex, readSecurityIndex } from './job-index';
import { jobKey, readJobStatuses } from './job-status';
import { outputsProblem, readManifest, type JobManifest } from './manifest';
import type { Plan } from './plan-store';
import { addCounts as add, zeroCounts as zero, type Counts, type RunRef } from './types';

/** The rollup columns of a run (its horizons name some of them). */
export function runRollupColumns(config: Plan['config']): RollupColumn[] {
  return rollupColumns({ markouts: config.thresholds.markoutHorizons.map(horizon), fills: config.thresholds.fillHorizons.map(horizon) });
}

/** A rollup level as a table: key (and, for participants, their names), then every rollup column. */
function levelTable(columns: readonly RollupColumn[], names: Plan['participants'] | null): ColumnSpec<RollupRow>[] {
  return [
    { name: 'key', type: 'STRING', get: (r) => r.key },
    ...(names ? [
      { name: 'participant_name', type: 'STRING', get: (r: RollupRow) => names[r.key]?.name ?? '' },
      { name: 'participant_type', type: 'STRING', get: (r: RollupRow) => names[r.key]?.type ?? '' },
    ] satisfies ColumnSpec<RollupRow>[] : []),
    ...columns.map((c, i): ColumnSpec<RollupRow> => ({ name: c.name, type: c.type, get: (r) => r.values[i] })),
  ];
}

export interface MergeInput {
  run: RunRef;
  startedAt: string;
  /** Failed jobs as the workflows saw them (capped); jobs without a manifest are listed as failed too. */
  failures: RunResult['failures'];
  /** Wall time of each stage before the merge (workflow time), in ms. @default {} */
  stageMs?: Record<string, number>;
}

export interface MergeResult {
  summaryFile: string;
  jobs: number;
  done: number;
  failed: number;
  empty: number;
  orders: number;
  reconciliation: Counts;
  bytesRead: number;
}


/**
 * The committed manifest and partial rollup of a job, or why they cannot be merged: no manifest, one made
 * from other inputs (a stale output of an earlier run), or outputs missing, resized or changed since.
 */
export async function committedPartial(out: string, dir: string, fingerprint: string): Promise<{ manifest: JobManifest; partialText: string; bytes: number } | string> {
  const manifest = await readManifest(dir);
  if (!manifest) return 'no committed output';
  if (manifest.fingerprint !== fingerprint) return 'its committed output was made from other inputs or settings (stale)';
  const problem = await outputsProblem(out, manifest, false);
  if (problem) return problem;
  const partial = manifest.files.find((f) => path.basename(f.name) === 'partial.json');
  const partialText = await readFile(path.join(dir, 'partial.json'), 'utf8').catch(() => null);
  if (!partial || partialText === null || sha1Of(partialText) !== partial.sha1) return `${path.join(dir, 'partial.json')} changed after it was committed`;
  const manifestBytes = (await stat(path.join(dir, 'manifest.json'))).size;
  return { manifest, partialText, bytes: manifestBytes + Buffer.byteLength(partialText) };
}

/**
 * Merge: combines every committed job's partial rollup (never raw data) into the rollup levels and writes
 * jobs.csv, summary.json and the report. A job's status is what its workflow returned (recorded by its
 * security workflow, jobs/job-status): a job that failed now is failed whatever an older manifest says, and
 * a finished one counts only if its committed output is intact. `onProgress` is called every 200 jobs
 * (the activity heartbeats there); `signal` stops the merge between jobs.
 */
export async function mergeRunStep(plan: Plan, paths: RunPaths, input: MergeInput, signal: AbortSignal, onProgress: (p: { merged: number }) => void): Promise<MergeResult> {
  const mergeStarted = Date.now();
  await removeStaleTemps(paths.rollups);
  await removeStaleTemps(paths.out);
  const jobsIndex = await readJobsIndex(paths.jobsIndex, plan.id);
  const statuses = await readJobStatuses(paths.work, plan.id);
  // A job's status comes from its workflow first: a job that failed now is failed, whatever an older
  // manifest on disk says. Keys stay structured (a security may hold '/' or '|').
  const failedNow = new Map<string, string>();
  const wholeSecurity = new Map<string, string>();
  for (const f of input.failures) {
    if (f.security === undefined) continue;
    if (f.date === null) wholeSecurity.set(f.security, f.error);
    else if (f.date !== undefined) failedNow.set(jobKey(f.security, f.date), f.error);
  }
  const rollup = emptyRollup();
  let done = 0, reused = 0, jobs = 0, orders = 0, bytesRead = 0, mismatch = 0;
  const failed: { security: string; date: string; error: string }[] = [];
  const jobRows: string[][] = [];
  const partitions = new Set<string>();
  for (const { security } of jobsIndex.securities) {
    const idx = await readSecurityIndex(paths.work, security, plan.id);
    for (const date of Object.keys(idx.dates)) {
      jobs++;
      partitions.add(partitionPath(security, date));
      const error = failedNow.get(jobKey(security, date)) ?? wholeSecurity.get(security);
      const fingerprint = jobFingerprint(idx.dates[date], plan.config, plan.securities?.[security]);
      const found = error === undefined ? await committedPartial(paths.out, jobRecordsDir(paths.out, security, date), fingerprint) : null;
      if (error !== undefined || typeof found === 'string') {
        failed.push({ security, date, error: error ?? (found as string) });
        continue;
      }
      const { manifest, partialText, bytes } = found!;
      bytesRead += bytes;
      // As its workflow returned it; a job with no record (its security workflow could not record) ran.
      const skipped = statuses.get(jobKey(security, date)) === 'skipped';
      if (skipped) reused++;
      jobRows.push([security, date, skipped ? 'skipped' : 'done', String(manifest.orders), '']);
      mergeRollupInto(rollup, rollupFromJson(JSON.parse(partialText)));
      done++;
      orders += manifest.orders;
      mismatch += manifest.dataQuality.filledQtyMismatch;
      if (done % 200 === 0) {
        onProgress({ merged: done });
        signal.throwIfAborted();
      }
    }
  }
  const columns = runRollupColumns(plan.config);
  const files: string[] = [];
  for (const level of LEVELS) {
    // Every level is written, even without rows, so a run's file set never depends on its data.
    const rows = levelRows(rollup, level, columns);
    const table = levelTable(columns, level === 'participant' ? plan.participants : null);
    const file = path.join(paths.rollups, `${level}.csv`), pq = path.join(paths.rollups, `${level}.parquet`);
    await writeFileAtomic(file, tableCsv(table, rows));
    await writeFileAtomic(pq, tableParquet(level, table, rows));
    files.push(path.relative(paths.out, file), path.relative(paths.out, pq));
  }
  // Counts of the whole run, from the split manifests: every row read is kept, filtered or rejected.
  const byKind: Record<string, Counts> = { orders: zero(), trades: zero(), nbbo: zero() };
  const warnings = [...plan.warnings];
  for (const split of plan.splits) {
    const m = JSON.parse(await readFile(path.join(paths.work, 'splits', `${split.id}.json`), 'utf8')) as SplitManifest;
    byKind[m.kind] = add(byKind[m.kind], m.totals);
    warnings.push(...(m.warnings ?? []));
  }
  const rejectsFiles = await readdir(paths.rejects).catch(() => [] as string[]);
  const listed = new Set(failed.map((f) => jobKey(f.security, f.date)));
  // Failures the workflows saw beyond the job matrix on disk (a security that could not run at all).
  const inIndex = new Set(jobsIndex.securities.map((s) => s.security));
  const beyond = input.failures.filter((f) => f.security === undefined ||
    (f.date === null ? !inIndex.has(f.security) : !listed.has(jobKey(f.security, f.date ?? ''))));
  const failures = [...failed.map((f) => ({ job: `${f.security}/${f.date}`, security: f.security, date: f.date, error: f.error })), ...beyond];
  const reconciliation = Object.values(byKind).reduce(add, zero());
  for (const f of failed) jobRows.push([f.security, f.date, 'failed', '0', f.error]);
  for (const j of jobsIndex.emptyJobs ?? []) jobRows.push([j.security, j.date, 'empty', '0', '']);
  jobRows.sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  await writeFileAtomic(path.join(paths.out, 'jobs.csv'), [csvLine(['security', 'date', 'status', 'orders', 'error']), ...jobRows.map(csvLine)].join(''));
  const staleJobFolders = await removePartitionsOutside(paths.out, partitions);
  const summary = {
    run: { name: plan.config.name, startedAt: input.startedAt, finishedAt: new Date().toISOString(), out: paths.out, work: paths.work },
    durationsMs: { ...(input.stageMs ?? {}), merge: Date.now() - mergeStarted,
      total: Date.now() - Date.parse(input.startedAt) },
    inputs: plan.files.map((f) => ({ kind: f.kind, path: f.path, size: f.size, mtimeMs: f.mtimeMs, sha1HeadTail: f.headTailSha1 })),
    duplicateInputs: plan.duplicates ?? [],
    warnings,
    jobs: { total: jobs, done: done - reused, skipped: reused, failed: failures.length, empty: jobsIndex.empty, failedJobs: failures, emptyJobs: jobsIndex.emptyJobs },
    // Job folders of earlier runs whose (security, date) is no job now (its inputs went): removed, listed here.
    staleJobFoldersRemoved: staleJobFolders,
    orders,
    // Every kept row is in one job's inputs or in outsideJobMatrix; rejects no job answers for are counted apart.
    reconciliation: { total: reconciliation, byKind, outsideJobMatrix: jobsIndex.outsideJobMatrix, rejectsOutsideJobs: jobsIndex.rejectsOutsideJobs },
    dataQuality: { filledQtyMismatch: mismatch },
    rollups: files,
    // What the merge read of the jobs: their manifests and partial aggregates, never per-order data.
    merge: { jobsMerged: done, bytesRead },
    rejects: rejectsFiles.map((f) => path.join('rejects', f)),
    host: await detectHost(plan.config.processing),
  };
  await writeJsonAtomic(paths.summary, summary);
  await buildReport(paths.out);
  return { summaryFile: paths.summary, jobs, done, failed: failures.length, empty: jobsIndex.empty, orders, reconciliation, bytesRead };
}

/**
 * Removes the partitions (`<table>/security=<s>/date=<d>/`, and their job records) that are no job of this
 * run (left by an earlier run whose inputs held that security and date), so the outputs never show figures
 * of inputs that are gone. Returns them as `security=<s>/date=<d>`, each once.
 */
async function removePartitionsOutside(out: string, partitions: ReadonlySet<string>): Promise<string[]> {
  const removed = new Set<string>();
  for (const folder of PARTITIONED_FOLDERS) {
    const root = path.join(out, folder);
    for (const sec of (await readdir(root).catch(() => [] as string[])).filter((s) => s.startsWith('security='))) {
      const secDir = path.join(root, sec);
      for (const date of await readdir(secDir).catch(() => [] as string[])) {
        const partition = path.join(sec, date);
        if (partitions.has(partition)) continue;
        await rm(path.join(secDir, date), { recursive: true, force: true });
        removed.add(partition);
      }
      if ((await readdir(secDir).catch(() => [''])).length === 0) await rm(secDir, { recursive: true, force: true });
    }
  }
  return [...removed].sort();
}
