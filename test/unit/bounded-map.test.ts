import { mapBounded } from '../../src/jobs/bounded-map';

/** A promise settled from outside, and whether it has been. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void, reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('mapBounded (a batch of small jobs, as many at once as there are threads)', () => {
  test('results come in the items\' order when later items finish first', async () => {
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    const done = mapBounded(['a', 'b', 'c'], 3, async (item, i) => {
      await gates[i].promise;
      return `${item}${i}`;
    });
    gates[2].resolve();
    gates[1].resolve();
    await tick();
    gates[0].resolve();
    await expect(done).resolves.toEqual(['a0', 'b1', 'c2']);
  });

  test.each([1, 2, 3, 7])('runs every item once with at most %i in flight, and uses that many', async (limit) => {
    let inFlight = 0, most = 0;
    const ran: number[] = [];
    const out = await mapBounded(Array.from({ length: 7 }, (_, i) => i), limit, async (item) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await tick();
      ran.push(item);
      inFlight--;
      return item * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect([...ran].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(limit);
  });

  test('after a failure no item starts; the ones in flight settle first; the first failure is thrown', async () => {
    const gates = Array.from({ length: 5 }, () => deferred<void>());
    const started: number[] = [];
    const settled: number[] = [];
    let rejected = false;
    const done = mapBounded([0, 1, 2, 3, 4], 2, async (i) => {
      started.push(i);
      try {
        await gates[i].promise;
        return i;
      } finally {
        settled.push(i);
      }
    }).catch((e: Error) => {
      rejected = true;
      return e;
    });
    await tick();
    expect(started).toEqual([0, 1]);
    gates[0].reject(new Error('date 0 failed'));
    await tick();
    expect(rejected).toBe(false); // item 1 is still running
    expect(started).toEqual([0, 1]); // and nothing new started after the failure
    gates[1].reject(new Error('date 1 failed too'));
    const e = await done;
    expect(rejected).toBe(true);
    expect((e as Error).message).toBe('date 0 failed');
    expect(settled).toEqual([0, 1]);
    expect(started).toEqual([0, 1]);
  });

  test('an empty list gives an empty result; a limit that is not a positive integer is refused', async () => {
    await expect(mapBounded([], 2, async () => 1)).resolves.toEqual([]);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      await expect(mapBounded([1], bad, async () => 1)).rejects.toThrow(`limit must be a positive integer, got ${bad}`);
    }
  });
});
