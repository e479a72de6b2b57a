import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ApplicationFailure, executeChild } from '@temporalio/workflow';
import type { pipelineRunWorkflow } from './pipeline-run';
import { RunNameKey, runWorkflowId } from './shared';
import type { RunResult } from './types';

/** What a scheduled start did: ran the run, or was refused because the run was already going. */
export interface ScheduledRunResult {
  started: boolean;
  /** The run's result, when it was started. */
  run?: RunResult;
  /** Why nothing was started. */
  refused?: string;
}

/**
 * What a schedule starts (`sweepflow schedule create`). A Temporal Schedule gives every start its own
 * workflow id (the scheduled time appended), so a scheduled pipelineRun could run beside a manual run of the
 * same name, in the same folders. This workflow starts the run as a child under the very id a manual run
 * uses (`sweepflow-<name>`): while any run of that name is open, the start is refused (and says so in
 * this workflow's result), never a second run in one folder. A manual `sweepflow run` during a scheduled
 * run finds that id running and follows it (or refuses another config).
 */
export async function scheduledRunWorkflow(config: unknown): Promise<ScheduledRunResult> {
  const name = (config as { name?: unknown } | null)?.name;
  if (typeof name !== 'string' || name === '') throw ApplicationFailure.nonRetryable('the scheduled config has no run name (name)', 'ConfigError');
  const workflowId = runWorkflowId(name);
  try {
    // Under the type users start and query ('pipelineRun', not the function's name).
    const run = await executeChild<typeof pipelineRunWorkflow>('pipelineRun', {
      workflowId, args: [config], typedSearchAttributes: [{ key: RunNameKey, value: name }],
    });
    return { started: true, run };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) {
      return { started: false, refused: `run ${name} was already running (workflow ${workflowId}): this scheduled start was skipped` };
    }
    throw e;
  }
}
