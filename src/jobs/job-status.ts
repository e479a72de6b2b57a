import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic } from '../io/atomic';
import { safeSegment } from '../io/paths';

/** What a job workflow returned, as its security workflow recorded it. */
export type RecordedStatus = 'done' | 'skipped';

/** statuses/<security>.<segment>.json: the statuses one execution of a security workflow saw its jobs return. */
export interface JobStatusRecord {
  planId: string;
  security: string;
  /** Which execution of the security workflow's continue-as-new chain (0 first). */
  segment: number;
  statuses: Record<string, RecordedStatus>;
}

const dirOf = (work: string): string => path.join(work, 'statuses');

export async function writeJobStatuses(work: string, record: JobStatusRecord): Promise<void> {
  await writeJsonAtomic(path.join(dirOf(work), `${safeSegment(record.security)}.${record.segment}.json`), record);
}

/** Key of a job in the maps below: structured, since a security may hold any character. */
export const jobKey = (security: string, date: string): string => JSON.stringify([security, date]);

/** Every job status recorded for plan `planId`, by `jobKey` (records of other plans are old runs' and ignored). */
export async function readJobStatuses(work: string, planId: string): Promise<Map<string, RecordedStatus>> {
  const out = new Map<string, RecordedStatus>();
  for (const name of await readdir(dirOf(work)).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    const r = JSON.parse(await readFile(path.join(dirOf(work), name), 'utf8')) as JobStatusRecord;
    if (r.planId !== planId) continue;
    for (const [date, status] of Object.entries(r.statuses)) out.set(jobKey(r.security, date), status);
  }
  return out;
}
