import { heartbeat } from '@temporalio/activity';
import { mergeRunStep, type MergeInput, type MergeResult } from '../jobs/merge-run';
import { loadPlan, step, withHeartbeats } from './run-context';

/** The merge step (jobs/merge-run), with heartbeats; a cancellation stops it between jobs. */
export async function mergeRun(input: MergeInput): Promise<MergeResult> {
  const { plan, paths } = await loadPlan(input.run);
  return step(() => withHeartbeats((signal) => mergeRunStep(plan, paths, input, signal, (p) => heartbeat(p))));
}
