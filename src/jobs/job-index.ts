import { readFile, stat } from 'node:fs/promises';
import { writeJsonAtomic } from '../io/atomic';
import { securityIndexPath } from '../io/paths';
import { StepError } from './errors';
import type { JobInputs } from './types';

/** jobs/<security>.json: the dates of one security and their inputs, as discovered for one plan. */
export interface SecurityIndex {
  security: string;
  /** The plan the index was discovered from: a step of another plan must not read it. */
  planId: string;
  dates: Record<string, JobInputs>;
}

/** jobs.json: the job matrix of a run. */
export interface JobsIndex {
  planId: string;
  securities: { security: string; jobs: number }[];
  jobs: number;
  empty: number;
  emptyJobs: { security: string; date: string }[];
  /** Kept rows of partitions that are no job, by kind. */
  outsideJobMatrix: { orders: number; trades: number; nbbo: number };
  rejectsOutsideJobs: number;
}

export async function writeSecurityIndex(work: string, index: SecurityIndex): Promise<void> {
  await writeJsonAtomic(securityIndexPath(work, index.security), index);
}

const cache = new Map<string, { mtimeMs: number; index: SecurityIndex }>();

/**
 * A security's job index, for the plan `planId`; cached by path, modification time and plan, because each
 * of a job's activities needs it. An index of another plan (a rerun discovered since) is an error.
 */
export async function readSecurityIndex(work: string, security: string, planId: string): Promise<SecurityIndex> {
  const file = securityIndexPath(work, security);
  const { mtimeMs } = await stat(file);
  const hit = cache.get(file);
  let index = hit && hit.mtimeMs === mtimeMs && hit.index.planId === planId ? hit.index : null;
  if (!index) {
    index = JSON.parse(await readFile(file, 'utf8')) as SecurityIndex;
    if (cache.size > 1000) cache.clear();
    cache.set(file, { mtimeMs, index });
  }
  if (index.planId !== planId) {
    throw new StepError(`${file} was discovered for plan ${index.planId}, not ${planId}: the run was planned again since`, 'PlanReplaced');
  }
  return index;
}

/** The dates of one security's jobs, in order, for its workflow's fan-out. */
export async function listJobDates(work: string, security: string, planId: string): Promise<string[]> {
  return Object.keys((await readSecurityIndex(work, security, planId)).dates).sort();
}

/** The run's job matrix, which must belong to plan `planId`. */
export async function readJobsIndex(file: string, planId: string): Promise<JobsIndex> {
  const index = JSON.parse(await readFile(file, 'utf8')) as JobsIndex;
  if (index.planId !== planId) throw new StepError(`${file} was discovered for plan ${index.planId}, not ${planId}`, 'PlanReplaced');
  return index;
}
