import type { Client } from '@temporalio/client';
import { JobStatusKey, progressQuery, runWorkflowId, SecurityKey, TradeDateKey } from '../workflows/shared';
import type { Progress, RunResult } from '../workflows/types';
import { finishedJobs, rootCause, securityProgresses } from './run';

export interface JobCell {
  security: string;
  date: string;
  status: string;
}

const GLYPH: Record<string, string> = { done: '#', skipped: '=', failed: 'X', cancelled: '-', running: '>', pending: '.' };

/** A text progress bar: [#########.........] 45% */
export function progressBar(done: number, total: number, width = 40): string {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0)}%`;
}

/**
 * The security x date grid for a terminal: one glyph per job (# done, = skipped, X failed, > running,
 * . pending) while the dates fit the width; past that, one line per security with its counts.
 */
export function renderGrid(cells: readonly JobCell[], maxDates = 100): string {
  const securities = [...new Set(cells.map((c) => c.security))].sort();
  const dates = [...new Set(cells.map((c) => c.date))].sort();
  const at = new Map(cells.map((c) => [`${c.security}|${c.date}`, c.status]));
  const width = Math.max(8, ...securities.map((s) => s.length));
  const lines: string[] = [];
  if (dates.length <= maxDates) {
    lines.push(`${''.padEnd(width)}  ${dates[0] ?? ''} .. ${dates[dates.length - 1] ?? ''} (${dates.length} dates)`);
    for (const s of securities) lines.push(`${s.padEnd(width)}  ${dates.map((d) => GLYPH[at.get(`${s}|${d}`) ?? ''] ?? ' ').join('')}`);
  } else {
    for (const s of securities) {
      const n: Record<string, number> = {};
      for (const d of dates) {
        const st = at.get(`${s}|${d}`);
        if (st) n[st] = (n[st] ?? 0) + 1;
      }
      lines.push(`${s.padEnd(width)}  ${Object.entries(n).sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
  }
  lines.push('legend: # done  = skipped  X failed  - cancelled  > running  . pending');
  return lines.join('\n');
}

/**
 * Every job of a run with its status, from the search attributes (the UI's own view). Reruns leave older
 * executions under the same job id: only the newest counts.
 */
export async function jobCells(client: Client, run: string): Promise<JobCell[]> {
  const newest = new Map<string, { started: number; cell: JobCell }>();
  for await (const w of client.workflow.list({ query: `RunName = "${run}" AND WorkflowType = "jobWorkflow"` })) {
    const sa = w.typedSearchAttributes;
    const security = sa.get(SecurityKey), date = sa.get(TradeDateKey);
    if (!security || !date) continue;
    const started = w.startTime.getTime();
    const have = newest.get(w.workflowId);
    if (!have || started > have.started) newest.set(w.workflowId, { started, cell: { security, date, status: sa.get(JobStatusKey) ?? 'pending' } });
  }
  const cells = [...newest.values()].map((v) => v.cell);
  return [...cells, ...await batchedCells(client, run, new Set(cells.map((c) => `${c.security}|${c.date}`)))];
}

/**
 * Dates run in batches of small jobs have no job workflow: their security workflows' progress query says
 * how they stand. A security that cannot answer (closed, with no worker to replay it) shows them blank.
 */
async function batchedCells(client: Client, run: string, seen: ReadonlySet<string>): Promise<JobCell[]> {
  return (await securityProgresses(client, run)).flatMap((p) => Object.entries(p.batched)
    .filter(([date]) => !seen.has(`${p.security}|${date}`))
    .map(([date, status]) => ({ security: p.security, date, status })));
}

/** Why a closed run ended as it did: its root cause when it failed, its failed jobs when some failed. */
async function outcomeLines(handle: ReturnType<Client['workflow']['getHandle']>): Promise<string[]> {
  try {
    const r = (await handle.result()) as RunResult;
    return r.failures.slice(0, 10).map((f) => `failed job ${f.job}: ${f.error}`);
  } catch (e) {
    return [`why: ${rootCause(e).message}`];
  }
}

/** One status screen: state, progress bar and counts (while the run answers queries), and the grid. */
export async function statusText(client: Client, run: string): Promise<{ text: string; closed: boolean }> {
  const handle = client.workflow.getHandle(runWorkflowId(run));
  const desc = await handle.describe();
  const lines = [`${desc.workflowId}: ${desc.status.name}`];
  let progress: Progress | null = null;
  try {
    progress = await handle.query(progressQuery);
  } catch {
    // a closed run without a worker cannot answer queries; the grid still shows every job
  }
  if (progress) {
    const j = progress.jobs;
    const finished = await finishedJobs(client, run, desc.startTime, progress);
    lines.push(`stage ${progress.stage}  splits ${progress.splits.done}/${progress.splits.total}  rows ${progress.rowsRead.toLocaleString('en')}`);
    lines.push(`jobs ${progressBar(finished, j.total)} ${finished}/${j.total} (done ${j.done}, skipped ${j.skipped}, failed ${j.failed}, empty ${j.empty})`);
  }
  if (desc.status.name !== 'RUNNING') lines.push(...await outcomeLines(handle));
  lines.push(renderGrid(await jobCells(client, run)));
  return { text: lines.join('\n'), closed: desc.status.name !== 'RUNNING' };
}
