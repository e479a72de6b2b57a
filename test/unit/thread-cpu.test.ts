import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ThreadPool } from '../../src/threads/pool';
import { osThreadId, parseTaskStat, threadCpuSince, threadCpuTimes } from '../../src/threads/thread-cpu';

/** The bench's CPU by thread: /proc's stat lines read right, and the pool's threads named by their ids. */
const dir = path.join(__dirname, '..', '..', 'test-output', 'thread-cpu');
const linux = process.platform === 'linux';

describe('parseTaskStat', () => {
  it('reads utime and stime (ticks of 1/100 s) after the name, whatever the name holds', () => {
    const tail = 'S 1 2 3 0 -1 4194560 100 0 0 0 1234 56 0 0 20 0 9 0 4242 1000 50 18446744073709551615';
    expect(parseTaskStat(`4141 (node) ${tail}`)).toEqual({ user: 12.34, system: 0.56 });
    // A thread may name itself with spaces and parentheses: fields count from the last ')'.
    expect(parseTaskStat(`4141 (a) (b c) d) ${tail}`)).toEqual({ user: 12.34, system: 0.56 });
  });

  it('refuses what is not a stat line', () => {
    expect(parseTaskStat('')).toBeNull();
    expect(parseTaskStat('no parenthesis 1 2 3')).toBeNull();
    expect(parseTaskStat('4141 (node) S 1 2 3')).toBeNull();
    expect(parseTaskStat('4141 (node) S 1 2 3 0 -1 4194560 100 0 0 0 x 56 0')).toBeNull();
  });
});

describe('CPU by thread (Linux /proc)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  (linux ? it : it.skip)("counts this thread's work to its own id", () => {
    const me = osThreadId();
    expect(me).not.toBeNull();
    const before = threadCpuTimes();
    expect(before.has(me!)).toBe(true);
    // Busy until the process has used 300 ms more CPU: nearly all of it on this thread.
    const start = process.cpuUsage();
    let x = 0;
    for (;;) {
      for (let i = 0; i < 100_000; i++) x = (x * 31 + i) % 1_000_003;
      const u = process.cpuUsage(start);
      if (u.user + u.system >= 300_000) break;
    }
    expect(x).toBeGreaterThanOrEqual(0);
    const used = threadCpuSince(before, threadCpuTimes()).get(me!)!;
    expect(used.user + used.system).toBeGreaterThanOrEqual(0.15);
  });

  (linux ? it : it.skip)('knows the ids of the pool threads that ran tasks, none of them the main thread', async () => {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'rows.csv');
    writeFileSync(file, 'a,b\n' + '1,2\n'.repeat(50_000));
    const pool = new ThreadPool(2, 0, 0);
    expect(pool.script).not.toBeNull(); // dist/ is built before the tests (npm test)
    try {
      const tasks = [0, 1, 2, 3].map(() => pool.run({ type: 'cuts', task: { file, size: 200_004, targetBytes: 40_000 } }, () => undefined));
      const cuts = await Promise.all(tasks);
      expect(cuts[0].length).toBeGreaterThan(2);
      expect(pool.osThreadIds.size).toBeGreaterThanOrEqual(1);
      expect(pool.osThreadIds.size).toBeLessThanOrEqual(2);
      expect(pool.osThreadIds.has(osThreadId()!)).toBe(false);
      const now = threadCpuTimes();
      for (const tid of pool.osThreadIds) expect(now.has(tid)).toBe(true);
    } finally {
      await pool.terminateAll();
    }
  });
});
