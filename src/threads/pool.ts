import { AsyncResource } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { envInt } from '../config/env';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CutPoint } from '../io/cut-points';
import type { ShardOutcome, ShardTask } from '../io/shard-split';
import type { PartitionTask } from '../jobs/analyse-partition';
import type { JobManifest } from '../jobs/manifest';
import { threadHeapLimitMessage, threadHeapMb, threadResourceLimits, threadYoungMb } from '../worker/memory';

/** A large plain file to scan for record-aligned cut points about `targetBytes` apart (io/cut-points). */
export interface CutsTask {
  file: string;
  size: number;
  targetBytes: number;
}

/**
 * The CPU-heavy work the pool runs: scanning a file for cut points (planning), sharding a split, or
 * analysing one (security, date) partition.
 */
export type ThreadTask = { type: 'cuts'; task: CutsTask } | { type: 'shard'; task: ShardTask } | { type: 'partition'; task: PartitionTask };
type OutcomeOf<T extends ThreadTask> = T extends { type: 'cuts' } ? CutPoint[] : T extends { type: 'shard' } ? ShardOutcome : JobManifest;

/** An error raised on a thread, with the kind of the original (InputError, RejectLimit, Error). */
export class ThreadTaskError extends Error {
  constructor(message: string, readonly kind: string) {
    super(message);
    this.name = 'ThreadTaskError';
  }
}

interface Pending {
  resolve: (o: unknown) => void;
  reject: (e: Error) => void;
  onProgress: (p: unknown) => void;
  worker: Worker;
}

function threadScript(): string | null {
  const here = path.join(__dirname, 'entry.js');
  if (existsSync(here)) return here;
  const built = path.resolve(__dirname, '..', '..', 'dist', 'threads', 'entry.js');
  return existsSync(built) ? built : null;
}

/**
 * Runs cut-point scans, shard and partition tasks on worker threads, one per core by default (SWEEPFLOW_THREADS), so the
 * work uses every core while the main thread stays free for heartbeats and workflow tasks. From TypeScript
 * sources (tests) the compiled thread script in dist/ is used; `script` is null without it, and callers
 * then run tasks inline.
 */
export class ThreadPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly pending = new Map<number, Pending>();
  private created = 0;
  /** Threads already counted out: a thread that fails emits 'error' and then 'exit'. */
  private readonly gone = new WeakSet<Worker>();
  private nextId = 1;
  /** The largest V8 heap (total_heap_size) a thread reported at the end of a task, in bytes. */
  peakThreadHeapBytes = 0;
  /** The operating-system ids of the threads that have finished a task (Linux only; see thread-cpu). */
  readonly osThreadIds = new Set<number>();
  readonly script: string | null = threadScript();

  /**
   * @param size threads (SWEEPFLOW_THREADS) @default one per core
   * @param heapMb each thread's old-generation limit in MB, 0 for V8's default (SWEEPFLOW_THREAD_HEAP_MB) @default 0
   * @param youngMb each thread's young generation in MB, 0 for V8's default (SWEEPFLOW_THREAD_YOUNG_MB) @default 8
   */
  constructor(
    readonly size = envInt('SWEEPFLOW_THREADS', 1, 1024, os.availableParallelism()),
    readonly heapMb = threadHeapMb(),
    readonly youngMb = threadYoungMb(),
  ) {}

  private spawn(): Worker {
    const w = new Worker(this.script!, { resourceLimits: threadResourceLimits(this.heapMb, this.youngMb) });
    w.on('message', (m: { id: number; progress?: unknown; outcome?: unknown; heapBytes?: number; tid?: number | null; error?: { message: string; kind: string } }) => {
      if (m.heapBytes && m.heapBytes > this.peakThreadHeapBytes) this.peakThreadHeapBytes = m.heapBytes;
      if (typeof m.tid === 'number') this.osThreadIds.add(m.tid);
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.progress) return p.onProgress(m.progress);
      this.pending.delete(m.id);
      this.release(w);
      if (m.error) p.reject(new ThreadTaskError(m.error.message, m.error.kind));
      else p.resolve(m.outcome);
    });
    w.on('error', (e: Error & { code?: string }) => this.fail(w, e.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? new ThreadTaskError(threadHeapLimitMessage(this.heapMb), 'ThreadHeapLimit') : e));
    w.on('exit', (code) => this.fail(w, new Error(`worker thread exited with code ${code}`)));
    w.unref();
    this.created++;
    return w;
  }

  private fail(w: Worker, e: Error): void {
    if (this.gone.has(w)) return;
    this.gone.add(w);
    for (const [id, p] of this.pending) {
      if (p.worker !== w) continue;
      this.pending.delete(id);
      p.reject(e);
    }
    const i = this.idle.indexOf(w);
    if (i >= 0) this.idle.splice(i, 1);
    this.created--;
    this.waiting.shift()?.();
  }

  private release(w: Worker): void {
    this.idle.push(w);
    this.waiting.shift()?.();
  }

  private async acquire(): Promise<Worker> {
    for (;;) {
      const w = this.idle.pop();
      if (w) return w;
      if (this.created < this.size) return this.spawn();
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  /**
   * Runs a task on the next free thread; tasks queue when every thread is busy. When `signal` aborts (the
   * activity was cancelled), the thread is stopped at once and the task rejects with the signal's reason;
   * what it wrote is only temporary files, which the next writer of that folder removes.
   */
  async run<T extends ThreadTask>(task: T, onProgress: (p: never) => void, signal?: AbortSignal): Promise<OutcomeOf<T>> {
    signal?.throwIfAborted();
    const w = await this.acquire();
    if (signal?.aborted) {
      this.release(w);
      signal.throwIfAborted();
    }
    const id = this.nextId++;
    const stop = (): void => {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      // Rejected once the thread has stopped, so the caller can clean up after it; the exit handler frees the slot.
      const reason = signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason));
      void w.terminate().finally(() => p.reject(reason));
    };
    signal?.addEventListener('abort', stop, { once: true });
    try {
      return await new Promise<OutcomeOf<T>>((resolve, reject) => {
        // Bound to the caller's async context: progress arrives in the thread's message listener, whose
        // context is that of whichever activity spawned the thread, and activity heartbeats find their
        // activity through that context.
        const bound = AsyncResource.bind(onProgress as (p: unknown) => void);
        this.pending.set(id, { resolve: resolve as (o: unknown) => void, reject, onProgress: bound, worker: w });
        w.postMessage({ id, task });
      });
    } finally {
      signal?.removeEventListener('abort', stop); // one signal may serve many tasks (a plan's file scans)
    }
  }

  /** Stops every thread; pending tasks fail and fresh threads replace them on the next run. */
  async terminateAll(): Promise<void> {
    const all = new Set([...this.idle, ...[...this.pending.values()].map((p) => p.worker)]);
    await Promise.all([...all].map((w) => w.terminate()));
  }
}

let shared: ThreadPool | null = null;

/** The worker process's one pool, shared by shard and job activities so threads never exceed the cores. */
export function sharedThreadPool(): ThreadPool {
  shared ??= new ThreadPool();
  return shared;
}
