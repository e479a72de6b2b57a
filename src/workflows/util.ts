import { workflowInfo } from '@temporalio/workflow';

/**
 * True once this execution's history should be continued as new: the server suggests it (at
 * `limit.historyCount.suggestContinueAsNew` events or the size limit), or it holds `maxEvents` events.
 */
export function historyIsLong(maxEvents: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= maxEvents;
}

/**
 * Runs fn over items with at most `limit` in flight. Deterministic: the workflow sandbox orders promises.
 * With `stop`, a lane checks it before taking each item; returns how many items were started, so a caller
 * can continue as new with the rest once the lanes drain. A lane whose item throws stops; the others go on
 * to the end, then the first error is thrown (callers catch the errors they record, so only a cancellation
 * gets here).
 */
export async function inPool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>, stop?: () => boolean): Promise<number> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && !stop?.()) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  // Every lane settles before the first error is rethrown: on a cancellation, children still stopping are
  // waited for, never abandoned to the parent-close policy.
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return next;
}

/** Error text of a failure chain, innermost cause last, for job failure lists. */
export function failureMessage(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 6; depth++) {
    const err = cur as { message?: string; cause?: unknown };
    if (err.message && !parts.includes(err.message)) parts.push(err.message);
    cur = err.cause;
  }
  return parts.length > 0 ? parts[parts.length - 1] : String(e);
}

/** Activity retry policy from the config's retry settings (durations in ms). */
export function retryPolicy(r: { maximumAttempts: number; initialIntervalSeconds: number; backoffCoefficient: number; maximumIntervalSeconds: number }): {
  maximumAttempts: number; initialInterval: number; backoffCoefficient: number; maximumInterval: number; nonRetryableErrorTypes: string[];
} {
  return {
    maximumAttempts: r.maximumAttempts,
    initialInterval: r.initialIntervalSeconds * 1000,
    backoffCoefficient: r.backoffCoefficient,
    maximumInterval: r.maximumIntervalSeconds * 1000,
    nonRetryableErrorTypes: ['ConfigError', 'InputError', 'RejectLimit'],
  };
}
