import { parentPort } from 'node:worker_threads';
import { InputError } from './csv-file';
import { RejectLimitError, shardSplitTask, type ShardTask } from './shard-split';

/** Worker-thread entry: runs shard tasks sent by the pool, posting progress and the outcome back. */
parentPort!.on('message', (msg: { id: number; task: ShardTask }) => {
  let last = 0;
  shardSplitTask(msg.task, (p) => {
    const now = Date.now();
    if (now - last > 500) {
      last = now;
      parentPort!.postMessage({ id: msg.id, progress: p });
    }
  }).then(
    (outcome) => parentPort!.postMessage({ id: msg.id, outcome }),
    (e: Error) => parentPort!.postMessage({
      id: msg.id,
      error: { message: e.message, kind: e instanceof RejectLimitError ? 'RejectLimit' : e instanceof InputError ? 'InputError' : 'Error' },
    }),
  );
});
