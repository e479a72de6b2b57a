import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CsvTokenizer } from '../io/csv-tokenizer';
import { parquetMetadata } from 'hyparquet';
import { jobRecordsDir, jobTableFile, runPaths, securityIndexPath } from '../io/paths';
import type { SplitManifest } from '../io/shard-split';
import { zeroCounts, type Counts, type JobInputs } from './types';
import type { JobManifest } from './manifest';

/**
 * The trust invariants of a finished run (docs/TRUST.md), checked from its files alone:
 * (a) every record is counted once: read = kept + filtered + rejected per file, split, partition, job and run;
 * (b) every kept row is in exactly one job's inputs, or in the summary's outsideJobMatrix count, and a done
 *     job's orders table has one row per order of its manifest;
 * (c) every rejected row is a record of a rejects file that exists;
 * (d) distinct (security, date) jobs never share an output folder, and a folder's manifest names its own job;
 * (e) nothing was written under the run's base folder outside out/<run>/ and work/<run>/ while it ran.
 * Returns the problems found (none: an empty list). Engine-free: the tests call it after every run.
 * `ignore`: folders under the base folder that others write to (a dev server's state, test logs).
 */
export async function checkRunInvariants(summaryFile: string, opts: { ignore?: string[] } = {}): Promise<string[]> {
  const problems: string[] = [];
  const fail = (what: string): void => { problems.push(what); };
  const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as RunSummary;
  const plan = JSON.parse(await readFile(path.join(summary.run.work, 'plan.json'), 'utf8')) as PlanFileView;
  const c = plan.config;
  const paths = runPaths(plan.baseDir, c.output.dir, c.output.workDir, c.name);
  const balanced = (what: string, n: Counts): void => {
    if (n.read !== n.kept + n.filtered + n.rejected) fail(`${what}: read ${n.read} != kept ${n.kept} + filtered ${n.filtered} + rejected ${n.rejected}`);
  };

  // (a) splits, partitions, files; the run's totals are their sums.
  const manifests: SplitManifest[] = [];
  for (const split of plan.splits) {
    const m = JSON.parse(await readFile(path.join(paths.work, 'splits', `${split.id}.json`), 'utf8')) as SplitManifest;
    manifests.push(m);
    problems.push(...splitProblems(m));
  }
  const byKind: Record<string, Counts> = { orders: zero(), trades: zero(), nbbo: zero() };
  for (const m of manifests) add(byKind[m.kind], m.totals);
  const total = Object.values(byKind).reduce((a, b) => add(a, b), zero());
  balanced('run', summary.reconciliation.total);
  if (JSON.stringify(summary.reconciliation.total) !== JSON.stringify(total)) fail(`run: summary totals ${JSON.stringify(summary.reconciliation.total)} != split manifests ${JSON.stringify(total)}`);

  // (b) kept rows: in one job's inputs or outside the job matrix; jobs reconcile; tables hold their orders.
  const jobsIndex = JSON.parse(await readFile(path.join(paths.work, 'jobs.json'), 'utf8')) as { securities: { security: string }[]; outsideJobMatrix: Record<string, number> };
  const inJobs: Record<string, number> = { orders: 0, trades: 0, nbbo: 0 };
  const folders = new Map<string, string>();
  let jobsSeen = 0;
  for (const { security } of jobsIndex.securities) {
    const idx = JSON.parse(await readFile(securityIndexPath(paths.work, security), 'utf8')) as { security: string; dates: Record<string, JobInputs> };
    if (idx.security !== security) fail(`job index of ${security} names ${idx.security}`);
    for (const [date, inputs] of Object.entries(idx.dates)) {
      jobsSeen++;
      for (const kind of ['orders', 'trades', 'nbbo'] as const) inJobs[kind] += inputs[kind].kept;
      const dir = jobRecordsDir(paths.out, security, date);
      // (d)
      const other = folders.get(dir);
      if (other !== undefined) fail(`jobs ${other} and ${JSON.stringify([security, date])} share the folder ${dir}`);
      folders.set(dir, JSON.stringify([security, date]));
      if (!dir.startsWith(paths.out + path.sep)) fail(`job ${security}/${date} writes outside ${paths.out}: ${dir}`);
      const m = await readFile(path.join(dir, 'manifest.json'), 'utf8').then((t) => JSON.parse(t) as JobManifest).catch(() => null);
      if (!m) continue; // a failed job: reported by jobs.csv
      if (m.security !== security || m.date !== date) fail(`${dir}: its manifest names ${m.security}/${m.date}`);
      for (const [what, n] of [['events', m.events], ['trades', m.trades], ['quotes', m.quotes]] as const) balanced(`job ${security}/${date} ${what}`, n);
      if (m.events.read !== inputs.orders.read) fail(`job ${security}/${date}: ${m.events.read} events read, its inputs hold ${inputs.orders.read}`);
      for (const format of c.output.formats) {
        const file = path.join(paths.out, jobTableFile('orders', security, date, format));
        const data = await readFile(file);
        const rows = format === 'csv' ? countRecords(gunzipSync(data)) - 1
          : Number(parquetMetadata(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer).num_rows);
        if (rows !== m.orders) fail(`job ${security}/${date}: ${path.relative(paths.out, file)} has ${rows} rows, its manifest ${m.orders} orders`);
      }
    }
  }
  for (const kind of ['orders', 'trades', 'nbbo'] as const) {
    const outside = summary.reconciliation.outsideJobMatrix?.[kind] ?? NaN;
    if (byKind[kind].kept !== inJobs[kind] + outside) {
      fail(`${kind}: ${byKind[kind].kept} rows kept, ${inJobs[kind]} in jobs + ${outside} outside the job matrix`);
    }
  }
  if (summary.jobs.total !== jobsSeen) fail(`summary counts ${summary.jobs.total} jobs, the job index ${jobsSeen}`);
  const jobsCsv = (await readFile(path.join(paths.out, 'jobs.csv'), 'utf8').catch(() => '')).trim().split('\n').length - 1;
  if (jobsCsv !== jobsSeen + summary.jobs.empty) fail(`jobs.csv has ${jobsCsv} rows for ${jobsSeen} jobs and ${summary.jobs.empty} empty`);

  // (c) every reject is a record of a rejects file that exists.
  problems.push(...await rejectsProblems(manifests));
  const rejectRecords = manifests.reduce((n, m) => n + m.totals.rejected, 0);
  if (rejectRecords !== total.rejected) fail(`split manifests count ${rejectRecords} rejects, the run ${total.rejected}`);

  // (e) nothing written outside out/<run>/ and work/<run>/ since the run started.
  // Other runs' folders beside this one are theirs (tests run several in one base folder).
  const since = Date.parse(summary.run.startedAt);
  const ignored = (opts.ignore ?? []).map((d) => path.resolve(d));
  const runFolders = (d: string): boolean => ignored.includes(d) ||
    ([path.dirname(paths.out), path.dirname(paths.work)].includes(path.dirname(d)) && RUN_NAME.test(path.basename(d)));
  for (const f of await newerFiles(plan.baseDir, since, runFolders)) fail(`written outside the run's folders: ${f}`);
  return problems;
}

/**
 * Invariants (a) and (c) for a run that stopped before its summary (a failed plan, shard or discover):
 * every committed split balances and its rejects are in a rejects file that exists.
 */
export async function checkFailedRunInvariants(work: string): Promise<string[]> {
  const plan = JSON.parse(await readFile(path.join(work, 'plan.json'), 'utf8')) as PlanFileView;
  const manifests: SplitManifest[] = [];
  for (const split of plan.splits) {
    const text = await readFile(path.join(work, 'splits', `${split.id}.json`), 'utf8').catch(() => null);
    if (text !== null) manifests.push(JSON.parse(text) as SplitManifest);
  }
  return [...manifests.flatMap(splitProblems), ...await rejectsProblems(manifests)];
}

/** (a) for one split: totals, partitions and files balance and add up. */
function splitProblems(m: SplitManifest): string[] {
  const problems: string[] = [];
  const balanced = (what: string, n: Counts): void => {
    if (n.read !== n.kept + n.filtered + n.rejected) problems.push(`${what}: read ${n.read} != kept ${n.kept} + filtered ${n.filtered} + rejected ${n.rejected}`);
  };
  balanced(`split ${m.splitId}`, m.totals);
  const sum = zero();
  for (const p of m.partitions) {
    balanced(`split ${m.splitId} partition ${p.security}/${p.date}`, p);
    add(sum, p);
  }
  const unattributed = m.files.reduce((n, f) => n + f.unattributedRejects, 0);
  if (sum.read + unattributed !== m.totals.read || sum.kept !== m.totals.kept || sum.filtered !== m.totals.filtered ||
    sum.rejected + unattributed !== m.totals.rejected) problems.push(`split ${m.splitId}: its partitions do not add up to its totals`);
  if (m.files.reduce((n, f) => n + f.read, 0) !== m.totals.read) problems.push(`split ${m.splitId}: its files' rows do not add up to its total`);
  if (m.totals.rejected > 0 && !m.rejectsFile) problems.push(`split ${m.splitId}: ${m.totals.rejected} rejects and no rejects file`);
  return problems;
}

/** (c): each split's rejects are the records of its rejects file, which exists. */
async function rejectsProblems(manifests: readonly SplitManifest[]): Promise<string[]> {
  const problems: string[] = [];
  for (const m of manifests) {
    if (!m.rejectsFile) continue;
    const data = await readFile(m.rejectsFile).catch(() => null);
    if (data === null) {
      problems.push(`split ${m.splitId}: rejects file ${m.rejectsFile} is missing`);
      continue;
    }
    const n = countRecords(data) - 1;
    if (n !== m.totals.rejected) problems.push(`${m.rejectsFile}: ${n} rejects, split ${m.splitId} counts ${m.totals.rejected}`);
  }
  return problems;
}

const zero = zeroCounts;
function add(a: Counts, b: Counts): Counts {
  a.read += b.read; a.kept += b.kept; a.filtered += b.filtered; a.rejected += b.rejected;
  return a;
}

interface RunSummary {
  run: { startedAt: string; out: string; work: string };
  reconciliation: { total: Counts; outsideJobMatrix?: Record<string, number> };
  jobs: { total: number; empty: number };
}

interface PlanFileView {
  baseDir: string;
  config: { name: string; output: { dir: string; workDir: string; formats: ('parquet' | 'csv')[] } };
  splits: { id: string }[];
}

/** Records of a CSV document by the pipeline's own framing (quoted newlines included). */
function countRecords(data: Buffer): number {
  let n = 0;
  const tok = new CsvTokenizer(() => { n++; });
  tok.onMalformed = () => { n++; };
  tok.push(data);
  tok.end();
  return n;
}

/** A run's folder name (config name rule). */
const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Files under `dir` modified after `since` (ms), outside folders `skip` accepts; at most 20,000 entries visited. */
async function newerFiles(dir: string, since: number, skip: (dir: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  let visited = 0;
  const walk = async (d: string): Promise<void> => {
    if (skip(d)) return;
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (++visited > 20_000) return;
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (((await stat(p).catch(() => null))?.mtimeMs ?? 0) > since) out.push(p);
    }
  };
  await walk(dir);
  return out;
}
