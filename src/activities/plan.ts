import { ApplicationFailure, heartbeat, log } from '@temporalio/activity';
import { ConfigError } from '../config/load';
import { PlanProblemsError, planRunStep } from '../jobs/plan-run';
import type { PlanResult } from '../workflows/types';
import { step, withHeartbeats } from './run-context';

/**
 * The plan step (jobs/plan-run), with heartbeats. A bad config or bad inputs are not retried (ConfigError,
 * InputError, with every problem in the failure's details): a person must fix them.
 */
export async function planRun(rawConfig: unknown): Promise<PlanResult> {
  return step(() => withHeartbeats(async (signal) => {
    try {
      const { plan, result } = await planRunStep(rawConfig, signal, (p) => heartbeat(p));
      for (const w of plan.warnings) log.warn(w);
      return result;
    } catch (e) {
      if (e instanceof ConfigError) throw ApplicationFailure.nonRetryable(e.message, 'ConfigError', e.problems);
      if (e instanceof PlanProblemsError) throw ApplicationFailure.nonRetryable(e.message, 'InputError', e.problems);
      throw e;
    }
  }));
}
