import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RunConfig } from '../config/schema';
import type { Split } from '../domain/splits';
import type { Fingerprint } from '../io/inventory';
import { runPaths, type RunPaths } from '../io/paths';
import type { SecurityReference } from '../io/reference';
import type { RunRef } from './types';

/** One input file of a plan. */
export interface PlanFile extends Fingerprint {
  index: number;
  kind: 'orders' | 'trades' | 'nbbo';
  path: string;
  header: string[];
}

/** plan.json: written once by the plan step, read by every other step of the run. */
export interface Plan {
  version: 1;
  /**
   * Unique per planning: every step of a run names the plan it belongs to (`RunRef.planId`), so a step of
   * an older execution never works from a newer plan, nor a step of a newer one from a cached older plan.
   */
  id: string;
  config: RunConfig;
  baseDir: string;
  createdAt: string;
  files: PlanFile[];
  splits: Split[];
  participants: Record<string, { name: string; type: string }>;
  /** The security reference (`inputs.reference`): names and price decimals by security id. */
  securities: Record<string, SecurityReference>;
  warnings: string[];
  /** Inputs left out because another input is the same file or has the same content. */
  duplicates: { path: string; sameAs: string; reason: string }[];
}

export const newPlanId = (createdAt: string): string => `${createdAt}~${randomBytes(6).toString('hex')}`;

/** The plan of a run is not the one its step was started for: a newer planning replaced it. */
export class PlanReplacedError extends Error {
  constructor(readonly file: string, readonly wanted: string, readonly found: string) {
    super(`${file} holds plan ${found}, not ${wanted}: the run was planned again since this execution started ` +
      '(a newer start of the same run); this execution is stale and stops');
    this.name = 'PlanReplacedError';
  }
}

const cache = new Map<string, { plan: Plan; paths: RunPaths; mtimeMs: number }>();

/**
 * A run's plan and paths. Cached per process by path, plan id and modification time: every worker process
 * has its own cache, and a rerun writes a new plan at the same path, so a hit must be the very plan the
 * step was started for and still the file on disk (a stale execution meets PlanReplacedError). File-system
 * errors reach the caller as they are (it decides what is retried).
 */
export async function loadPlanFile(run: RunRef): Promise<{ plan: Plan; paths: RunPaths }> {
  const file = path.join(run.work, 'plan.json');
  const { mtimeMs } = await stat(file);
  const hit = cache.get(file);
  if (hit && hit.plan.id === run.planId && hit.mtimeMs === mtimeMs) return hit;
  const plan = JSON.parse(await readFile(file, 'utf8')) as Plan;
  if (plan.id !== run.planId) throw new PlanReplacedError(file, run.planId, plan.id);
  const c = plan.config;
  const entry = { plan, paths: runPaths(plan.baseDir, c.output.dir, c.output.workDir, c.name), mtimeMs };
  if (cache.size > 64) cache.clear();
  cache.set(file, entry);
  return entry;
}
