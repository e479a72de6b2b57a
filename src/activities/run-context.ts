import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import { classifyIoError, TRANSIENT_IO } from '../io/io-errors';
import type { RunPaths } from '../io/paths';
import { failureKind } from '../jobs/errors';
import { loadPlanFile, type Plan } from '../jobs/plan-store';
import type { RunRef } from '../jobs/types';
import { ThreadTaskError } from '../threads/pool';

/**
 * An error of a step as Temporal should see it: a kind a retry cannot fix (bad input, a missing file, a
 * replaced plan) becomes a non-retryable ApplicationFailure of that type; a transient file-system error
 * a retryable `TransientIoError` (bounded by the retry policy); anything else (a cancellation among them)
 * passes unchanged.
 */
export function asActivityFailure(e: unknown): unknown {
  if (e instanceof ApplicationFailure) return e;
  const kind = e instanceof ThreadTaskError ? e.kind : failureKind(e);
  const message = (e as Error)?.message ?? String(e);
  if (kind !== 'Error') return ApplicationFailure.nonRetryable(message, kind);
  if (classifyIoError(e) === 'transient') return ApplicationFailure.retryable(message, TRANSIENT_IO);
  return e;
}

/** Runs an activity's body, handing its errors to Temporal as `asActivityFailure` says. */
export async function step<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw asActivityFailure(e);
  }
}

/** The plan this run's execution made (never another one at the same path), and the run's paths. */
export async function loadPlan(run: RunRef): Promise<{ plan: Plan; paths: RunPaths }> {
  return step(() => loadPlanFile(run));
}

/**
 * Heartbeats every second while fn runs (the SDK throttles what reaches the server), so a live activity is
 * never mistaken for a lost one; a crashed worker stops them and its activity is retried elsewhere. A
 * cancellation arrives through these heartbeats: fn gets the activity's signal, which aborts then.
 */
export async function withHeartbeats<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timer = setInterval(() => heartbeat(), 1000);
  try {
    return await fn(Context.current().cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}
