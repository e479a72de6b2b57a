import { dockerRuntimeEnv } from '../cluster/topology';
import { missingMallocEnv, WORKER_MALLOC_ENV } from '../../src/worker/memory';

/** The malloc settings the worker is measured with are the ones the Docker image starts it with. */
describe('WORKER_MALLOC_ENV', () => {
  it('is set by the Dockerfile\'s runtime stage, value for value', () => {
    const env = dockerRuntimeEnv();
    expect(Object.keys(WORKER_MALLOC_ENV).length).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(WORKER_MALLOC_ENV)) expect(env[k]).toBe(v);
    expect(env.NODE_ENV).toBe('production'); // the parse reads the runtime stage's other ENV lines too
  });

  it('names the settings a process did not start with', () => {
    expect(missingMallocEnv({})).toEqual(Object.keys(WORKER_MALLOC_ENV));
    expect(missingMallocEnv({ ...WORKER_MALLOC_ENV })).toEqual([]);
  });
});
