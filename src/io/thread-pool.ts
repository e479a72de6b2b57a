import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ShardOutcome, ShardTask } from './shard-split';

/**
 * Runs shard tasks on worker threads, one per core by default, so parsing uses every core while the main
 * thread stays free for heartbeats and workflow tasks. From TypeScript sources (tests) the compiled thread
 * script in dist/ is used; without it, tasks run inline on the main thread.
 */
export class ShardThreadError extends Error {
  constructor(message: string, readonly kind: string) {
    super(message);
    this.name = 'ShardThreadError';
  }
}

interface Pending {
  resolve: (o: ShardOutcome) => void;
  reject: (e: Error) => void;
  onProgress: (p: { bytes: number; rows: number }) => void;
  worker: Worker;
}

function threadScript(): string | null {
  const here = path.join(__dirname, 'shard-thread.js');
  if (existsSync(here)) return here;
  const built = path.resolve(__dirname, '..', '..', 'dist', 'io', 'shard-thread.js');
  return existsSync(built) ? built : null;
}

export class ShardThreadPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly pending = new Map<number, Pending>();
  private created = 0;
  private nextId = 1;
  readonly script: string | null = threadScript();

  constructor(readonly size = Math.max(1, Number(process.env.SWEEPFLOW_SHARD_THREADS) || os.availableParallelism())) {}

  private spawn(): Worker {
    const w = new Worker(this.script!);
    w.on('message', (m: { id: number; progress?: { bytes: number; rows: number }; outcome?: ShardOutcome; error?: { message: string; kind: string } }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.progress) return p.onProgress(m.progress);
      this.pending.delete(m.id);
      this.release(w);
      if (m.error) p.reject(new ShardThreadError(m.error.message, m.error.kind));
      else p.resolve(m.outcome!);
    });
    w.on('error', (e) => this.fail(w, e));
    w.on('exit', (code) => this.fail(w, new Error(`shard thread exited with code ${code}`)));
    w.unref();
    this.created++;
    return w;
  }

  private fail(w: Worker, e: Error): void {
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

  async run(task: ShardTask, onProgress: (p: { bytes: number; rows: number }) => void): Promise<ShardOutcome> {
    const w = await this.acquire();
    const id = this.nextId++;
    return new Promise<ShardOutcome>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress, worker: w });
      w.postMessage({ id, task });
    });
  }

  /** Stops a task's thread (activity cancelled): the task fails and a fresh thread replaces it later. */
  async terminateAll(): Promise<void> {
    const all = new Set([...this.idle, ...[...this.pending.values()].map((p) => p.worker)]);
    await Promise.all([...all].map((w) => w.terminate()));
  }
}
