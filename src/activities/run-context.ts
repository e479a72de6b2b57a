import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { RunConfig } from '../config/schema';
import { runPaths, type RunPaths } from '../io/paths';
import type { Split } from '../domain/splits';
import type { Fingerprint } from '../io/inventory';
import type { RunRef } from '../workflows/types';

/** One input file of a plan. */
export interface PlanFile extends Fingerprint {
  index: number;
  kind: 'orders' | 'trades' | 'nbbo';
  path: string;
  header: string[];
}

/** plan.json: written once by the plan activity, read by every other activity of the run. */
export interface Plan {
  version: 1;
  config: RunConfig;
  baseDir: string;
  createdAt: string;
  files: PlanFile[];
  splits: Split[];
  participants: Record<string, { name: string; type: string }>;
  warnings: string[];
  /** Inputs left out because another input is the same file or has the same content. */
  duplicates: { path: string; sameAs: string; reason: string }[];
}

const cache = new Map<string, { plan: Plan; paths: RunPaths }>();

export async function loadPlan(run: RunRef): Promise<{ plan: Plan; paths: RunPaths }> {
  const file = path.join(run.work, 'plan.json');
  const hit = cache.get(file);
  if (hit) return hit;
  let plan: Plan;
  try {
    plan = JSON.parse(await readFile(file, 'utf8')) as Plan;
  } catch (e) {
    throw ApplicationFailure.nonRetryable(`cannot read the run plan ${file}: ${(e as Error).message}`, 'PlanMissing');
  }
  const c = plan.config;
  const entry = { plan, paths: runPaths(plan.baseDir, c.output.dir, c.output.workDir, c.name) };
  cache.set(file, entry);
  return entry;
}

/** Forgets cached plans (a new plan for the same run was written). */
export function forgetPlan(run: RunRef): void {
  cache.delete(path.join(run.work, 'plan.json'));
}

/**
 * Heartbeats every 2 s while fn runs (the SDK throttles what reaches the server), so a live activity is
 * never mistaken for a lost one; a crashed worker stops them and its activity is retried elsewhere.
 */
export async function withHeartbeats<T>(fn: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => heartbeat(), 2000);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}
