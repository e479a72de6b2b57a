import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { parseConfig } from '../config/load';
import type { RunConfig } from '../config/schema';
import { runWorkflowId } from '../workflows/shared';
import { clientConnection, serviceSettings } from './connection';
import { startDevServer, type DevServer } from './dev-server';
import { startInput } from './history';
import { runPipeline, type RunOptions, type RunOutcome } from './run';

/** Connects to TEMPORAL_ADDRESS, or to the embedded server (started if needed; stop() stops it again). */
async function connect(): Promise<{ client: Client; server: DevServer | null }> {
  const settings = serviceSettings();
  const server = settings.external ? null : await startDevServer();
  const client = new Client({ connection: await clientConnection(settings), namespace: settings.namespace });
  return { client, server };
}

/** The config a run was last started with: the input of its latest execution. */
export async function lastRunConfig(client: Client, run: string): Promise<RunConfig> {
  const handle = client.workflow.getHandle(runWorkflowId(run));
  let input;
  try {
    input = await startInput(handle);
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw new Error(`no run named ${run} on this server (workflow ${runWorkflowId(run)})`);
    throw e;
  }
  if (input === undefined) throw new Error(`run ${run}: its first event carries no input`);
  return parseConfig(input, `input of ${runWorkflowId(run)}`);
}

/**
 * Reruns exactly what did not finish: a new execution of the same run (same workflow id, same config);
 * every job whose manifest matches its inputs is skipped, failed or missing jobs run, and the rollups are
 * merged again from the partial aggregates. A run still in progress is followed instead.
 */
export async function resumeRun(run: string, opts: RunOptions = {}): Promise<RunOutcome> {
  const { client, server } = await connect();
  try {
    const config = await lastRunConfig(client, run);
    return await runPipeline(config, { ...opts, keepServer: true });
  } finally {
    if (server?.started && !opts.keepServer) await server.stop();
  }
}

/** Cancels a run: its security and job workflows and their activities are cancelled with it. */
export async function cancelRun(run: string): Promise<string> {
  const { client, server } = await connect();
  try {
    const handle = client.workflow.getHandle(runWorkflowId(run));
    await handle.cancel();
    const desc = await handle.describe();
    return `${desc.workflowId}: cancel requested (status ${desc.status.name})`;
  } finally {
    if (server?.started) await server.stop();
  }
}
