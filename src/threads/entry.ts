import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { findCutPoints } from '../io/cut-points';
import { releaseSpareChunks } from '../io/partition-writer';
import { shardSplitTask } from '../io/shard-split';
import { failureKind } from '../jobs/errors';
import { analysePartition } from '../jobs/analyse-partition';
import type { ThreadTask } from './pool';
import { osThreadId } from './thread-cpu';

/** This thread's id in the operating system, sent with each outcome (the bench reports the pool's CPU by thread). */
const tid = osThreadId();

/** Worker-thread entry: runs cut-point, shard and partition tasks sent by the pool, posting progress and the outcome back. */
parentPort!.on('message', (msg: { id: number; task: ThreadTask }) => {
  let last = 0;
  const progress = (p: unknown): void => {
    const now = Date.now();
    if (now - last > 500) {
      last = now;
      parentPort!.postMessage({ id: msg.id, progress: p });
    }
  };
  const { task } = msg;
  if (task.type === 'partition') releaseSpareChunks();
  const run = task.type === 'cuts' ? findCutPoints(task.task.file, task.task.size, task.task.targetBytes, (bytes) => progress({ bytes }))
    : task.type === 'shard' ? shardSplitTask(task.task, progress) : analysePartition(task.task, progress);
  (run as Promise<unknown>).then(
    (outcome) => parentPort!.postMessage({ id: msg.id, outcome, heapBytes: getHeapStatistics().total_heap_size, tid }),
    (e: Error) => parentPort!.postMessage({
      id: msg.id,
      error: { message: e.message, kind: failureKind(e) },
    }),
  );
});
