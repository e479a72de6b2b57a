import { rmSync } from 'node:fs';
import path from 'node:path';
import type { NativeConnection } from '@temporalio/worker';
import { EnvError } from '../../src/config/env';
import type { HostProfile } from '../../src/config/host-profile';
import { generate } from '../../src/generator/generate';
import { prepareJob } from '../../src/jobs/prepare-job';
import { ThreadPool, ThreadTaskError } from '../../src/threads/pool';
import { createSweepflowWorker } from '../../src/worker/worker';
import { DEFAULT_THREAD_HEAP_MB, DEFAULT_THREAD_YOUNG_MB, threadHeapMb, threadResourceLimits, threadYoungMb } from '../../src/worker/memory';
import { jobsOf, shardedRun } from '../helpers/run-steps';

/**
 * SWEEPFLOW_THREAD_HEAP_MB: each pool thread's heap limit. A partition that outgrows it fails with a
 * message naming the setting (not Node's "worker terminated"), the pool replaces the thread, and the same
 * partition runs in a thread without the limit.
 */
const dir = path.join(__dirname, '..', '..', 'test-output', 'thread-heap-limit');

describe('SWEEPFLOW_THREAD_YOUNG_MB', () => {
  it('is 8 MB unless set, 0 for V8\'s default, and refuses what is not a size', () => {
    expect(DEFAULT_THREAD_YOUNG_MB).toBe(8);
    expect(threadYoungMb({})).toBe(8);
    expect(threadYoungMb({ SWEEPFLOW_THREAD_YOUNG_MB: '0' })).toBe(0);
    expect(threadYoungMb({ SWEEPFLOW_THREAD_YOUNG_MB: '48' })).toBe(48);
    for (const bad of ['-1', '2000', '8MB', '1.5']) {
      expect(() => threadYoungMb({ SWEEPFLOW_THREAD_YOUNG_MB: bad }))
        .toThrow(new EnvError('SWEEPFLOW_THREAD_YOUNG_MB', `'${bad}' is not an integer from 0 to 1024`));
    }
  });
});

describe('SWEEPFLOW_THREAD_HEAP_MB', () => {
  it("is off (V8's default) unless set, and refuses what V8 could not run in", () => {
    expect(DEFAULT_THREAD_HEAP_MB).toBe(0);
    expect(threadHeapMb({})).toBe(0);
    expect(threadHeapMb({ SWEEPFLOW_THREAD_HEAP_MB: '1024' })).toBe(1024);
    expect(threadResourceLimits(0, 0)).toBeUndefined();
    expect(threadResourceLimits(1024, 8)).toEqual({ maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 8 });
    expect(threadResourceLimits(0, 8)).toEqual({ maxYoungGenerationSizeMb: 8 });
    expect(threadResourceLimits(1024, 0)).toEqual({ maxOldGenerationSizeMb: 1024 });
    expect(() => threadHeapMb({ SWEEPFLOW_THREAD_HEAP_MB: '100' }))
      .toThrow(new EnvError('SWEEPFLOW_THREAD_HEAP_MB', "'100' is below 256 MB (0 leaves V8's default)"));
    for (const bad of ['-1', '65537', '1.5', 'lots']) {
      expect(() => threadHeapMb({ SWEEPFLOW_THREAD_HEAP_MB: bad }))
        .toThrow(new EnvError('SWEEPFLOW_THREAD_HEAP_MB', `'${bad}' is not an integer from 0 to 65536`));
    }
  });

  it('stops a worker at its start on a bad value, naming the variable', async () => {
    process.env.SWEEPFLOW_THREAD_HEAP_MB = '100';
    try {
      await expect(createSweepflowWorker({ connection: {} as NativeConnection, profile: { activitySlots: 1 } as HostProfile }))
        .rejects.toThrow(new EnvError('SWEEPFLOW_THREAD_HEAP_MB', "'100' is below 256 MB (0 leaves V8's default)"));
    } finally {
      delete process.env.SWEEPFLOW_THREAD_HEAP_MB;
    }
  });

  it('fails a partition over the limit with a message naming the setting; the thread is replaced', async () => {
    rmSync(dir, { recursive: true, force: true });
    await generate({ securities: 1, dates: 1, rowsPerJob: 60_000, seed: 21, out: path.join(dir, 'data') });
    const sharded = await shardedRun({ name: 'limit', baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' } });
    const [{ security, date }] = await jobsOf(sharded);
    const prepared = await prepareJob(sharded.plan, sharded.paths, { run: sharded.result.run, security, date });
    if (prepared.kind !== 'run') throw new Error('expected the job to run');
    // Below the env setting's floor on purpose (the constructor takes any limit): this partition needs more.
    const tight = new ThreadPool(1, 8);
    expect(tight.script).not.toBeNull();
    const failure = await tight.run({ type: 'partition', task: prepared.task }, () => undefined).then(() => null, (e: unknown) => e);
    expect(failure).toBeInstanceOf(ThreadTaskError);
    expect((failure as ThreadTaskError).kind).toBe('ThreadHeapLimit');
    expect((failure as ThreadTaskError).message).toBe('a worker thread ran out of memory at its heap limit of 8 MB (SWEEPFLOW_THREAD_HEAP_MB); ' +
      'raise it, or set it to 0 for no limit, and resume the run');
    // The slot is free again, once: the next task gets a fresh thread (it fails the same way here).
    await expect(tight.run({ type: 'partition', task: prepared.task }, () => undefined)).rejects.toThrow('heap limit of 8 MB');
    await tight.terminateAll();
    // Negative control: the same partition in a thread without the limit commits.
    const free = new ThreadPool(1, 0);
    const manifest = await free.run({ type: 'partition', task: prepared.task }, () => undefined);
    await free.terminateAll();
    expect(manifest.orders).toBeGreaterThan(5000);
  }, 120_000);
});
