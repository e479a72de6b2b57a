/** Every activity the worker registers. Workflows import this module with `import type` only. */
export { planRun } from './plan';
export { shardSplit } from './shard';
export { discoverJobs, listJobBatches, listJobDates, recordJobStatuses } from './discover';
export { analyseJob, analyseJobs } from './job';
export { mergeRun } from './merge';
