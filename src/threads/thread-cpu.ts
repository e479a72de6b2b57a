import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * CPU time per operating-system thread of this process, from Linux's /proc: what the bench reports to show
 * where a run's CPU goes (the pool threads, the main thread, and the threads of V8's optimising compiler,
 * libuv and the Temporal SDK). Elsewhere every answer is null or empty: nothing here is needed to run.
 */

/** The kernel's clock ticks per second in /proc (USER_HZ: 100 on every Linux architecture Node supports). */
const TICKS_PER_SECOND = 100;

/** One thread's CPU time, in seconds, in user and in kernel mode. */
export interface ThreadCpu {
  user: number;
  system: number;
}

/**
 * The CPU times of a /proc/<pid>/task/<tid>/stat line, or null when it is not one. The thread's name (the
 * second field, in parentheses) may hold spaces and parentheses itself, so the fields are counted from the
 * line's last ')': utime and stime are the 14th and 15th fields of the line, the 12th and 13th after it.
 */
export function parseTaskStat(line: string): ThreadCpu | null {
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  const rest = line.slice(close + 1).trim().split(/\s+/);
  const utime = Number(rest[11]), stime = Number(rest[12]);
  if (!Number.isSafeInteger(utime) || !Number.isSafeInteger(stime) || utime < 0 || stime < 0) return null;
  return { user: utime / TICKS_PER_SECOND, system: stime / TICKS_PER_SECOND };
}

/** This thread's id in the operating system (Linux), or null where /proc/thread-self does not exist. */
export function osThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isSafeInteger(tid) ? tid : null;
  } catch {
    return null;
  }
}

/** CPU time of each thread of this process by its id; empty where /proc cannot be read. */
export function threadCpuTimes(): Map<number, ThreadCpu> {
  const times = new Map<number, ThreadCpu>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return times;
  }
  for (const tid of tids) {
    try {
      const cpu = parseTaskStat(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'));
      if (cpu) times.set(Number(tid), cpu);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return times;
}

/** What each thread used between two readings of threadCpuTimes (a thread that began in between counts from zero). */
export function threadCpuSince(before: ReadonlyMap<number, ThreadCpu>, after: ReadonlyMap<number, ThreadCpu>): Map<number, ThreadCpu> {
  const used = new Map<number, ThreadCpu>();
  for (const [tid, a] of after) {
    const b = before.get(tid) ?? { user: 0, system: 0 };
    used.set(tid, { user: a.user - b.user, system: a.system - b.system });
  }
  return used;
}
