import path from 'node:path';
import { ApplicationFailure, Client, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { parseConfig } from '../config/load';
import type { RunConfig } from '../config/schema';
import { createSweepflowWorker } from '../worker/worker';
import { progressQuery, RunNameKey, runWorkflowId, TASK_QUEUE } from '../workflows/shared';
import type { Progress, RunResult } from '../workflows/types';
import { clientConnection, serviceSettings, workerConnection } from './connection';
import { startDevServer, type DevServer } from './dev-server';

export interface RunOptions {
  /** Keep the embedded server running after the run (the UI stays up). @default false */
  keepServer?: boolean;
  /** Start an in-process worker even with TEMPORAL_ADDRESS. @default true without TEMPORAL_ADDRESS */
  inProcessWorker?: boolean;
  /** Progress lines on stderr. @default true */
  progress?: boolean;
}

/**
 * Failure types a person fixes in the config or in the input (a missing column, a corrupt or non-UTF-8
 * file, too many rejects, a name already running another config): the CLI exits 2 for them, 1 for the rest.
 */
export const INPUT_FAILURE_TYPES: ReadonlySet<string> = new Set(['ConfigError', 'InputError', 'RejectLimit', 'ConfigMismatch']);

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
}

/**
 * Jobs of this execution of a run that have finished, from visibility: the run's own counters move only when
 * a whole security finishes, this moves with every job. Eventually consistent, which a progress line can be.
 */
export async function finishedJobs(client: Client, run: string, since: Date): Promise<number> {
  const r = await client.workflow.count(`RunName = "${run}" AND WorkflowType = "jobWorkflow" AND ` +
    `JobStatus IN ("done", "skipped", "failed") AND StartTime >= "${since.toISOString()}"`);
  return r.count;
}

export function progressLine(p: Progress, finishedFromVisibility = 0): string {
  const j = p.jobs;
  const secs = Math.max(1, (Date.now() - p.startedAt) / 1000);
  const finished = Math.max(j.done + j.skipped + j.failed, finishedFromVisibility);
  const rate = finished / secs;
  const eta = rate > 0 && j.total > finished ? ` eta ${Math.round((j.total - finished) / rate)}s` : '';
  // done/skipped/failed are exact once a security finishes; `finished` also counts jobs of running securities.
  return `[${p.stage}] splits ${p.splits.done}/${p.splits.total}  jobs ${finished}/${j.total} finished` +
    `  securities ${p.securities.done}/${p.securities.total} (done ${j.done}, skipped ${j.skipped}, failed ${j.failed}, empty ${j.empty})` +
    `  rows ${p.rowsRead.toLocaleString('en')}  ${(p.bytes / 1e6).toFixed(1)} MB${eta}`;
}

/** Whether a running execution's input is this config (both in their effective form, defaults filled in). */
function sameConfig(running: unknown, input: RunConfig): boolean {
  try {
    return JSON.stringify(parseConfig(running, 'running input', {})) === JSON.stringify(parseConfig(input, 'input', {}));
  } catch {
    return false;
  }
}

/** The config input of a running execution (its first event), or null when it cannot be read. */
async function runningInput(handle: ReturnType<Client['workflow']['getHandle']>): Promise<unknown> {
  try {
    const history = await handle.fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    return payload ? defaultPayloadConverter.fromPayload(payload) : null;
  } catch {
    return null;
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
  try {
    if (!settings.external) server = await startDevServer();
    const connection = await clientConnection(settings);
    const client = new Client({ connection, namespace: settings.namespace });
    if (opts.inProcessWorker ?? !settings.external) {
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
      const running = await runningInput(handle);
      if (running !== null && !sameConfig(running, input)) {
        throw new RunFailedError(`run ${config.name} is already running (${workflowId}) with a different config; ` +
          `wait for it to finish, cancel it (sweepflow cancel ${config.name}) or give this run another name`, 2);
      }
      process.stderr.write(`run ${config.name} is already in progress (${workflowId}) with this config; following it\n`);
    }
    let timer: NodeJS.Timeout | null = null;
    if (opts.progress ?? true) {
      let last = '';
      const started = new Date((await handle.describe()).startTime.getTime() - 1000);
      timer = setInterval(() => {
        Promise.all([handle.query(progressQuery), finishedJobs(client, config.name, started).catch(() => 0)]).then(([p, n]) => {
          const line = progressLine(p, n);
          if (line !== last) process.stderr.write(line + '\n');
          last = line;
        }).catch(() => undefined);
      }, 1000);
    }
    try {
      const result = (await handle.result()) as RunResult;
      return { result, uiUrl: server?.uiUrl ?? null, workflowId };
    } catch (e) {
      if (e instanceof WorkflowFailedError) {
        const { message, type } = rootCause(e);
        throw new RunFailedError(`run ${config.name} failed: ${message}`, type !== null && INPUT_FAILURE_TYPES.has(type) ? 2 : 1);
      }
      throw e;
    } finally {
      if (timer) clearInterval(timer);
    }
  } finally {
    if (worker) {
      worker.shutdown();
      await workerDone;
    }
    if (server && !opts.keepServer) await server.stop();
  }
}
