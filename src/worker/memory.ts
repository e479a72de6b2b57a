import { setFlagsFromString } from 'node:v8';
import { envInt } from '../config/env';

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
