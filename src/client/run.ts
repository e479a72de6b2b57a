import path from 'node:path';
import { ApplicationFailure, Client, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { parseConfig } from '../config/load';
import type { RunConfig } from '../config/schema';
import { runPaths } from '../io/paths';
import { logToFile } from '../worker/logger';
import { createSweepflowWorker } from '../worker/worker';
import { progressQuery, RunNameKey, runWorkflowId, type SecurityProgress, securityProgressQuery, TASK_QUEUE } from '../workflows/shared';
import type { Progress, RunResult } from '../workflows/types';
import { clientConnection, serviceSettings, workerConnection } from './connection';
import { startDevServer, type DevServer } from './dev-server';
import { startInput } from './history';

export interface RunOptions {
  /** Keep the embedded server running after the run (the UI stays up). @default false */
  keepServer?: boolean;
  /** Start an in-process worker even with TEMPORAL_ADDRESS. @default true without TEMPORAL_ADDRESS */
  inProcessWorker?: boolean;
  /** Progress on stderr: one line redrawn on a terminal, a line every 15 s otherwise. @default true */
  progress?: boolean;
  /**
   * Where the in-process worker's logs (and the SDK's) go, as JSON lines; `auto`: `<workDir>/<run>/logs/<time>.log`.
   * @default none: the process default (stderr)
   */
  logFile?: string;
  /** Worker and SDK logs on the terminal as well as in `logFile`. @default false */
  verbose?: boolean;
}

/**
 * Failure types a person fixes in the config or in the input (a missing column, a corrupt or non-UTF-8
 * file, too many rejects): the CLI exits 2 for them, 1 for the rest.
 */
export const INPUT_FAILURE_TYPES: ReadonlySet<string> = new Set(['ConfigError', 'InputError', 'RejectLimit', 'PermanentIoError']);

/** A run that ended without a result: the message is the root cause, not a wrapper's. */
export class RunFailedError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2) {
    super(message);
    this.name = 'RunFailedError';
  }
}

/**
 * The deepest message of a failure chain (workflow -> activity -> application failure) and the type of
 * the deepest application failure: what went wrong, where a person can act on it.
 */
export function rootCause(e: unknown): { message: string; type: string | null } {
  let message = e instanceof Error ? e.message : String(e), type: string | null = null;
  for (let cur: unknown = e, depth = 0; cur instanceof Error && depth < 10; cur = cur.cause, depth++) {
    if (cur.message) message = cur.message;
    if (cur instanceof ApplicationFailure && cur.type) type = cur.type;
  }
  return { message, type };
}

export interface RunOutcome {
  result: RunResult;
  uiUrl: string | null;
  workflowId: string;
  /** Where the in-process worker logged, when it logged to a file. */
  logFile: string | null;
}

/**
 * Jobs of this execution of a run that have finished. The run's own counters (`p.jobs`) move only when a
 * whole security finishes; the securities still running add their own counts (their progress query, which
 * covers dates run in batches of small jobs, with no job workflow); failing that, finished job workflows
 * are counted from visibility. Eventually consistent, which a progress line can be.
 */
export async function finishedJobs(client: Client, run: string, since: Date, p: Progress): Promise<number> {
  const counted = p.jobs.done + p.jobs.skipped + p.jobs.failed;
  const [running, workflows] = await Promise.all([
    jobsOfRunningSecurities(client, run).catch(() => 0),
    client.workflow.count(`RunName = "${run}" AND WorkflowType = "jobWorkflow" AND ` +
      `JobStatus IN ("done", "skipped", "failed", "cancelled") AND StartTime >= "${since.toISOString()}"`).then((r) => r.count, () => 0),
  ]);
  return Math.min(p.jobs.total, Math.max(counted + running, workflows));
}

/** Jobs finished so far in the run's running security workflows, by their own counts. */
async function jobsOfRunningSecurities(client: Client, run: string): Promise<number> {
  return (await securityProgresses(client, run, 'AND ExecutionStatus = "Running"')).reduce((n, s) => n + s.done + s.skipped + s.failed, 0);
}

/**
 * The progress query's answer of each of a run's security workflows (the latest execution of each id),
 * `filter` narrowing the visibility query; one that cannot answer (closed, no worker to replay it) is left out.
 */
export async function securityProgresses(client: Client, run: string, filter = ''): Promise<SecurityProgress[]> {
  const ids = new Set<string>();
  for await (const w of client.workflow.list({ query: `RunName = "${run}" AND WorkflowType = "securityWorkflow" ${filter}` })) ids.add(w.workflowId);
  const answers = await Promise.all([...ids].map((id) => client.workflow.getHandle(id).query(securityProgressQuery).catch(() => null)));
  return answers.filter((a): a is SecurityProgress => a !== null);
}

export function progressLine(p: Progress, finishedSoFar = 0): string {
  const j = p.jobs;
  const secs = Math.max(1, (Date.now() - p.startedAt) / 1000);
  const finished = Math.max(j.done + j.skipped + j.failed, finishedSoFar);
  const rate = finished / secs;
  const eta = rate > 0 && j.total > finished ? ` eta ${Math.round((j.total - finished) / rate)}s` : '';
  // done/skipped/failed are exact once a security finishes; `finished` also counts jobs of running securities.
  return `[${p.stage}] splits ${p.splits.done}/${p.splits.total}  jobs ${finished}/${j.total} finished` +
    `  securities ${p.securities.done}/${p.securities.total} (done ${j.done}, skipped ${j.skipped}, failed ${j.failed}, empty ${j.empty})` +
    `  rows ${p.rowsRead.toLocaleString('en')}  ${(p.bytes / 1e6).toFixed(1)} MB${eta}`;
}

/** `<workDir>/<run>/logs/<time>.log`: beside the run's other work files, inside its own folder. */
export function defaultLogFile(config: RunConfig): string {
  const base = path.resolve(config.baseDir ?? process.cwd());
  return path.join(runPaths(base, config.output.dir, config.output.workDir, config.name).work, 'logs', `${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
}

/**
 * A warning when no worker polls the run's task queue (a typo in SWEEPFLOW_TASK_QUEUE, or no worker started
 * with --no-worker): otherwise the CLI would wait without a word.
 */
async function noPollerWarning(client: Client, namespace: string, taskQueue: string): Promise<string | null> {
  try {
    const r = await client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 });
    if ((r.pollers ?? []).length > 0) return null;
    return `sweepflow: no worker is polling task queue '${taskQueue}' (SWEEPFLOW_TASK_QUEUE): the run waits until one does; ` +
      'start one with `sweepflow worker` on the same task queue';
  } catch {
    return null;
  }
}

/** Whether a running execution's input is this config (both in their effective form, defaults filled in). */
function sameConfig(running: unknown, input: RunConfig): boolean {
  try {
    return JSON.stringify(parseConfig(running, 'running input', {})) === JSON.stringify(parseConfig(input, 'input', {}));
  } catch {
    return false;
  }
}

/**
 * Runs the pipeline for a config: connects to TEMPORAL_ADDRESS or starts the embedded dev server, runs an
 * in-process worker when needed, starts (or attaches to) workflow `sweepflow-<name>`, prints progress and
 * returns the result. Relative paths in the config are made absolute here, against the current folder.
 */
export async function runPipeline(config: RunConfig, opts: RunOptions = {}): Promise<RunOutcome> {
  const settings = serviceSettings();
  const taskQueue = process.env.SWEEPFLOW_TASK_QUEUE || TASK_QUEUE;
  let server: DevServer | null = null;
  let worker: Worker | null = null;
  let workerDone: Promise<void> | null = null;
  let logFile: string | null = null;
  try {
    if (!settings.external) server = await startDevServer();
    const connection = await clientConnection(settings);
    const client = new Client({ connection, namespace: settings.namespace });
    if (opts.inProcessWorker ?? !settings.external) {
      if (opts.logFile) logFile = logToFile(opts.logFile === 'auto' ? defaultLogFile(config) : opts.logFile, opts.verbose);
      const { worker: w } = await createSweepflowWorker({ connection: await workerConnection(settings), namespace: settings.namespace, taskQueue });
      worker = w;
      workerDone = w.run();
    }
    const input: RunConfig = { ...config, baseDir: path.resolve(config.baseDir ?? process.cwd()) };
    const workflowId = runWorkflowId(config.name);
    let handle;
    try {
      handle = await client.workflow.start('pipelineRun', {
        taskQueue, workflowId, args: [input],
        typedSearchAttributes: [{ key: RunNameKey, value: config.name }],
        staticSummary: `sweepflow run ${config.name}`,
      });
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
      handle = client.workflow.getHandle(workflowId);
      const running = await startInput(handle).catch(() => undefined);
      if (running !== undefined && !sameConfig(running, input)) {
        throw new RunFailedError(`run ${config.name} is already running (${workflowId}) with a different config; ` +
          `wait for it to finish, cancel it (sweepflow cancel ${config.name}) or give this run another name`, 2);
      }
      process.stderr.write(`run ${config.name} is already in progress (${workflowId}) with this config; following it\n`);
    }
    let timer: NodeJS.Timeout | null = null;
    if (opts.progress ?? true) {
      const tty = process.stderr.isTTY === true;
      let last = '', lastAt = 0, answered = false, warned = false;
      const since = Date.now();
      const started = new Date((await handle.describe()).startTime.getTime() - 1000);
      timer = setInterval(() => {
        handle.query(progressQuery).then(async (p) => {
          answered = true;
          const line = progressLine(p, await finishedJobs(client, config.name, started, p));
          if (line === last || (!tty && Date.now() - lastAt < 15_000)) return;
          process.stderr.write(tty ? `\r\x1b[K${line.slice(0, (process.stderr.columns || 200) - 1)}` : `${line}\n`);
          last = line;
          lastAt = Date.now();
        }).catch(() => undefined);
        // A query waits for a worker, so silence is the sign: after 10 s without an answer, look for pollers.
        if (answered || warned || Date.now() - since < 10_000) return;
        warned = true;
        void noPollerWarning(client, settings.namespace, taskQueue).then((w) => { if (w) process.stderr.write(`${tty ? '\n' : ''}${w}\n`); });
      }, 1000);
    }
    try {
      const result = (await handle.result()) as RunResult;
      return { result, uiUrl: server?.uiUrl ?? null, workflowId, logFile };
    } catch (e) {
      if (e instanceof WorkflowFailedError) {
        const { message, type } = rootCause(e);
        throw new RunFailedError(`run ${config.name} failed: ${message}`, type !== null && INPUT_FAILURE_TYPES.has(type) ? 2 : 1);
      }
      throw e;
    } finally {
      if (timer) {
        clearInterval(timer);
        if (process.stderr.isTTY) process.stderr.write('\n');
      }
    }
  } finally {
    if (worker) {
      worker.shutdown();
      await workerDone;
    }
    if (server && !opts.keepServer) await server.stop();
  }
}

/** The few lines a person reads at the end of a run (`--json` prints the whole result instead). */
export function summaryLines(o: RunOutcome, extra: string[] = []): string[] {
  const { result } = o;
  const n = (v: number): string => v.toLocaleString('en');
  const r = result.reconciliation;
  return [
    `run ${result.name}: ${result.jobs} jobs (${result.done} done, ${result.skipped} skipped, ${result.failed} failed, ${result.empty} empty), ` +
      `${n(result.orders)} Centre Point orders`,
    `  rows:       read ${n(r.read)} = kept ${n(r.kept)} + filtered ${n(r.filtered)} + rejected ${n(r.rejected)}`,
    ...result.failures.slice(0, 5).map((f) => `  failed:     ${f.job}: ${f.error}`),
    ...(result.failures.length > 5 ? [`  failed:     ... ${result.failures.length - 5} more in summary.json`] : []),
    ...extra,
    `  output:     ${result.out} (summary.json, report.html, rollups/, orders/ fills/ candidates/ matches/; see docs/OUTPUTS.md)`,
    `  workflow:   ${o.workflowId}${o.uiUrl ? `, web ui ${o.uiUrl}` : ''}`,
    ...(o.logFile ? [`  log:        ${o.logFile}`] : []),
  ];
}
