import { setFlagsFromString } from 'node:v8';
import type { ResourceLimits } from 'node:worker_threads';
import { EnvError, envInt } from '../config/env';

/**
 * How far, in percent, V8 lets a heap grow past what survived its last full collection before it collects
 * again. V8 picks 10% to 300% itself, by how fast its collections run: a job thread whose live set peaks at
 * 70-80 MB grows its heap to about 255 MB, and two such threads plus the main thread (about 120 MB) make a
 * worker of 900 MB on the bench. A fixed factor bounds every heap of the process to about (1 + p/100) x
 * its live set, at the cost of more frequent collections: 50 measured 627-660 MB instead of 914-952 MB, and
 * 27-41% more worker CPU (README, Performance). There is no hard limit: a partition larger than any other
 * still runs, in a larger heap.
 * @default 0 (SWEEPFLOW_HEAP_GROWTH_PERCENT; 0 = V8's own choice)
 */
export const DEFAULT_HEAP_GROWTH_PERCENT = 0;

let applied: number | null = null;

/** SWEEPFLOW_HEAP_GROWTH_PERCENT, validated (an error naming the variable). */
export function heapGrowthPercent(env: NodeJS.ProcessEnv = process.env): number {
  return envInt('SWEEPFLOW_HEAP_GROWTH_PERCENT', 0, 1000, DEFAULT_HEAP_GROWTH_PERCENT, env);
}

/**
 * Sets V8's heap growing factor for the whole process (V8 flags are process-wide: the main thread and every
 * worker thread). Called once when a worker starts, before its threads are spawned.
 */
export function boundHeapGrowth(env: NodeJS.ProcessEnv = process.env): number {
  const percent = heapGrowthPercent(env);
  if (applied !== percent && percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
  applied = percent;
  return percent;
}

/**
 * The old-generation limit, in MB, of each worker thread that shards and analyses (SWEEPFLOW_THREAD_HEAP_MB),
 * passed as the thread's `resourceLimits`. V8 sizes a heap's growing factor by its limit: from at most 4x
 * the live data at 2,048 MB and above down to 1.3x at 256 MB, choosing within that by how fast its
 * collections run; the main thread keeps its own. Unlike SWEEPFLOW_HEAP_GROWTH_PERCENT it is a hard limit:
 * a partition whose live data outgrows it fails (ThreadHeapLimit, naming this variable) rather than using
 * more. The young generation keeps V8's 48 MB for a large heap, so short-lived rows are not promoted sooner.
 * @default 0 (no limit of ours: V8's default for the machine)
 */
export const DEFAULT_THREAD_HEAP_MB = 0;

/** SWEEPFLOW_THREAD_HEAP_MB, validated: 0 (off) or 256 to 65,536. */
export function threadHeapMb(env: NodeJS.ProcessEnv = process.env): number {
  const mb = envInt('SWEEPFLOW_THREAD_HEAP_MB', 0, 65_536, DEFAULT_THREAD_HEAP_MB, env);
  if (mb !== 0 && mb < 256) throw new EnvError('SWEEPFLOW_THREAD_HEAP_MB', `'${mb}' is below 256 MB (0 leaves V8's default)`);
  return mb;
}

/** The `resourceLimits` of a worker thread for a limit of `mb` (0: none). */
export function threadResourceLimits(mb: number): ResourceLimits | undefined {
  return mb === 0 ? undefined : { maxOldGenerationSizeMb: mb, maxYoungGenerationSizeMb: 48 };
}

/** The message of a thread stopped at its heap limit: what ran out, and the setting that bounds it. */
export function threadHeapLimitMessage(mb: number): string {
  return `a worker thread ran out of memory at its heap limit of ${mb} MB (SWEEPFLOW_THREAD_HEAP_MB); ` +
    'raise it, or set it to 0 for no limit, and resume the run';
}
