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
 * still runs, in a larger heap. The worker process is started with 150 (WORKER_ENV), which with single-threaded
 * collection costs no CPU: there V8's own choice grows the heaps further, as its collections run slower.
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
 * more. The young generation is SWEEPFLOW_THREAD_YOUNG_MB's either way.
 * @default 0 (no limit of ours: V8's default for the machine)
 */
export const DEFAULT_THREAD_HEAP_MB = 0;

/** SWEEPFLOW_THREAD_HEAP_MB, validated: 0 (off) or 256 to 65,536. */
export function threadHeapMb(env: NodeJS.ProcessEnv = process.env): number {
  const mb = envInt('SWEEPFLOW_THREAD_HEAP_MB', 0, 65_536, DEFAULT_THREAD_HEAP_MB, env);
  if (mb !== 0 && mb < 256) throw new EnvError('SWEEPFLOW_THREAD_HEAP_MB', `'${mb}' is below 256 MB (0 leaves V8's default)`);
  return mb;
}

/**
 * The young generation of each pool thread, in MB (SWEEPFLOW_THREAD_YOUNG_MB): where new objects live until a
 * scavenge; 0 leaves V8's default (48 MB on a 64-bit machine, two 16 MB semi-spaces and their overflow).
 * A job allocates its rows' objects there by the million, and at 48 MB each of the two job threads held
 * 115-121 MB of heap; at 8 MB (semi-spaces of about 2.7 MB) 84-86 MB, with the worker's peak at 491-531 MB
 * instead of 569-616 MB on the bench (README, Worker memory); at 16 MB it peaked at 530-532 MB. The cost
 * is more scavenges: 33 of the bench's jobs on one thread took 13.6, 16.5 and 14.0 s against 13.6, 14.5
 * and 13.1 s (alternated).
 * @default 8
 */
export const DEFAULT_THREAD_YOUNG_MB = 8;

/** SWEEPFLOW_THREAD_YOUNG_MB, validated: 0 (V8's default) or 1 to 1,024. */
export function threadYoungMb(env: NodeJS.ProcessEnv = process.env): number {
  return envInt('SWEEPFLOW_THREAD_YOUNG_MB', 0, 1024, DEFAULT_THREAD_YOUNG_MB, env);
}

/** The `resourceLimits` of a worker thread for an old-generation limit of `mb` and a young generation of `youngMb` (0: V8's). */
export function threadResourceLimits(mb: number, youngMb: number): ResourceLimits | undefined {
  if (mb === 0 && youngMb === 0) return undefined;
  return { ...(mb !== 0 ? { maxOldGenerationSizeMb: mb } : {}), ...(youngMb !== 0 ? { maxYoungGenerationSizeMb: youngMb } : {}) };
}

/** The message of a thread stopped at its heap limit: what ran out, and the setting that bounds it. */
export function threadHeapLimitMessage(mb: number): string {
  return `a worker thread ran out of memory at its heap limit of ${mb} MB (SWEEPFLOW_THREAD_HEAP_MB); ` +
    'raise it, or set it to 0 for no limit, and resume the run';
}

/**
 * How the worker process should start (the Docker image starts it so, and the bench restarts itself so):
 * settings that must be in place before the process's first heap exists, so no code of ours can set them
 * later (V8 aborts when `--single-threaded-gc` is set at run time).
 *
 * - `MALLOC_MMAP_THRESHOLD_=131072`: glibc returns every block over 128 KiB (read and gzip buffers, Parquet
 *   pages, the SDK's) to the system when it is freed; by default it raises the threshold after such frees,
 *   serves later blocks from its heaps, and the worker's resident memory stays at its high-water mark. On
 *   the bench: peak 569, 574 and 616 MB against 648, 651 and 632 MB, alternated, at no CPU cost we could
 *   tell from the noise.
 * - `--single-threaded-gc`: V8 collects each heap on its own thread, without helper threads. The pool runs
 *   a thread per core, so helpers only compete with the jobs for the same cores. Alone it made the bench
 *   about 5% faster (wall 24.0-25.2 s against 25.5-27.1, 3% less worker CPU) but the pool threads' heaps
 *   larger (V8 grows a heap further when its collections run slower): peak RSS 470-520 MB against 435-476.
 * - `SWEEPFLOW_HEAP_GROWTH_PERCENT=150`, with it: peak RSS 392-410 MB, wall 24.9-25.4 s (README,
 *   Performance, 7 December). Without `--single-threaded-gc` the same growth factor was slower (26.8-27.0 s).
 */
export const WORKER_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072', SWEEPFLOW_HEAP_GROWTH_PERCENT: '150' };

/** The node flags of the worker process (see WORKER_ENV). */
export const WORKER_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];

/** The settings of WORKER_ENV this process did not start with. */
export function missingWorkerEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(WORKER_ENV).filter((k) => env[k] === undefined);
}

/** The flags of WORKER_NODE_FLAGS this process did not start with. */
export function missingWorkerNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return WORKER_NODE_FLAGS.filter((f) => !execArgv.includes(f));
}

/**
 * What a worker started without some of WORKER_ENV or WORKER_NODE_FLAGS is told at its start (null when it has
 * them all): it runs the same, only slower and with a larger heap.
 */
export function workerStartAdvice(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): string | null {
  const missing = [...missingWorkerEnv(env).map((k) => `${k}=${WORKER_ENV[k]}`), ...missingWorkerNodeFlags(execArgv)];
  if (missing.length === 0) return null;
  return `started without ${missing.join(' ')}, which the Docker image starts the worker with ` +
    '(README, Config reference): it runs the same, with more CPU and memory';
}
