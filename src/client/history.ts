import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';

/** The input a workflow execution was started with: the first argument in its first history event. */
export async function startInput(handle: Pick<WorkflowHandle, 'fetchHistory'>): Promise<unknown> {
  const history = await handle.fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
}
