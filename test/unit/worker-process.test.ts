import { dockerEntrypoint, dockerRuntimeEnv } from '../cluster/topology';
import { missingWorkerEnv, missingWorkerNodeFlags, WORKER_ENV, WORKER_NODE_FLAGS, workerStartAdvice } from '../../src/worker/memory';

/** The worker process the bench measures is the one the Docker image starts: the same environment and node flags. */
describe('the worker process settings', () => {
  it('are set by the Dockerfile\'s runtime stage, value for value', () => {
    const env = dockerRuntimeEnv();
    expect(Object.keys(WORKER_ENV)).toEqual(['MALLOC_MMAP_THRESHOLD_', 'SWEEPFLOW_HEAP_GROWTH_PERCENT']);
    for (const [k, v] of Object.entries(WORKER_ENV)) expect(env[k]).toBe(v);
    expect(env.NODE_ENV).toBe('production'); // the parse reads the runtime stage's other ENV lines too
  });

  it('start the image\'s node with the worker\'s flags, and only those', () => {
    expect(dockerEntrypoint()).toEqual({ nodeFlags: [...WORKER_NODE_FLAGS], script: 'dist/client/cli.js' });
    expect(WORKER_NODE_FLAGS).toEqual(['--single-threaded-gc']);
  });

  it('name what a process did not start with', () => {
    expect(missingWorkerEnv({})).toEqual(Object.keys(WORKER_ENV));
    expect(missingWorkerEnv({ ...WORKER_ENV })).toEqual([]);
    expect(missingWorkerEnv({ MALLOC_MMAP_THRESHOLD_: '65536' })).toEqual(['SWEEPFLOW_HEAP_GROWTH_PERCENT']);
    expect(missingWorkerNodeFlags([])).toEqual(['--single-threaded-gc']);
    expect(missingWorkerNodeFlags(['--max-old-space-size=3072', '--single-threaded-gc'])).toEqual([]);
  });

  it('tell a worker started without them what it lacks, and say nothing to one started as the image starts it', () => {
    expect(workerStartAdvice({ ...WORKER_ENV }, ['--single-threaded-gc'])).toBeNull();
    expect(workerStartAdvice({ MALLOC_MMAP_THRESHOLD_: '131072' }, [])).toBe('started without SWEEPFLOW_HEAP_GROWTH_PERCENT=150 ' +
      '--single-threaded-gc, which the Docker image starts the worker with (README, Config reference): it runs the same, with more CPU and memory');
  });
});
