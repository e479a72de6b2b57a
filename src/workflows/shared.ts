/**
 * Definitions shared by workflows and clients: search attribute keys, queries, signals. Defined once here
 * (samples-typescript style) so the CLI and the workflows cannot drift apart.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';
import type { Progress, SecurityResult } from './types';

export const TASK_QUEUE = 'sweepflow';

/** Custom search attributes (Keyword: the SQLite dev server allows 10). Register them before use. */
export const RunNameKey = defineSearchAttributeKey('RunName', SearchAttributeType.KEYWORD);
export const SecurityKey = defineSearchAttributeKey('Security', SearchAttributeType.KEYWORD);
export const TradeDateKey = defineSearchAttributeKey('TradeDate', SearchAttributeType.KEYWORD);
export const JobStatusKey = defineSearchAttributeKey('JobStatus', SearchAttributeType.KEYWORD);

/** Names and types, for `temporal server start-dev --search-attribute` and operator registration. */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword'> = {
  RunName: 'Keyword', Security: 'Keyword', TradeDate: 'Keyword', JobStatus: 'Keyword',
};

/** Progress of a run: stage, splits, jobs by status, rows, bytes. */
export const progressQuery = defineQuery<Progress>('progress');
/**
 * Progress of one security's jobs, and the status of each date run in a batch of small jobs (which has no
 * job workflow, so no search attributes: `sweepflow status` asks here for its grid).
 */
export const securityProgressQuery = defineQuery<SecurityProgress>('securityProgress');

/** What `securityProgressQuery` answers. */
export type SecurityProgress = SecurityResult & { total: number; running: number; batched: BatchedStatuses };

/** Dates run in a batch of small jobs, by status (a batch that failed runs its dates as job workflows instead). */
export type BatchedStatuses = Record<string, 'running' | 'done' | 'skipped'>;

export function runWorkflowId(name: string): string {
  return `sweepflow-${name}`;
}
