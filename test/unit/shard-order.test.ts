import { rmSync } from 'node:fs';
import path from 'node:path';
import { packSplits, shardOrder, type Split } from '../../src/domain/splits';
import { generate } from '../../src/generator/generate';
import { analysePartition } from '../../src/jobs/analyse-partition';
import { prepareJob } from '../../src/jobs/prepare-job';
import { committedManifest, jobsOf, shardedRun } from '../helpers/run-steps';

/**
 * The shard step takes its splits longest first (domain/splits `shardOrder`), NBBO splits weighted for the
 * string rule their rows take; which order splits are sharded in changes no shard, job input or figure.
 */
const dir = path.join(__dirname, '..', '..', 'test-output', 'shard-order');
const split = (id: string, kind: string, bytes: number): Split => ({ id, kind, bytes, parts: [{ file: 0, start: 0, end: bytes, firstLine: 1 }] });

it('orders splits by bytes times their kind\'s cost, longest first, ties in the plan\'s order', () => {
  const splits = [
    split('orders-00000', 'orders', 67e6), split('orders-00001', 'orders', 26e6), split('trades-00000', 'trades', 67e6),
    split('trades-00001', 'trades', 9e6), split('nbbo-00000', 'nbbo', 43e6), split('other-00000', 'other', 30e6),
  ];
  expect(shardOrder(splits).map((s) => s.id)).toEqual(['nbbo-00000', 'orders-00000', 'trades-00000', 'other-00000', 'orders-00001', 'trades-00001']);
  expect(splits.map((s) => s.id)[0]).toBe('orders-00000'); // the input is left as it was
  // A small quote split goes after a larger order split when its cost is less.
  expect(shardOrder([split('orders-00000', 'orders', 67e6), split('nbbo-00000', 'nbbo', 5e6)]).map((s) => s.id)).toEqual(['orders-00000', 'nbbo-00000']);
  const packed = packSplits([{ index: 0, kind: 'nbbo', size: 20 }, { index: 1, kind: 'orders', size: 100, cuts: [{ offset: 50, line: 9 }] }], 60);
  expect(shardOrder(packed).map((s) => s.id)).toEqual(['nbbo-00000', 'orders-00000', 'orders-00001']);
});

it('gives the same shards, job inputs and figures whichever order the splits are sharded in', async () => {
  rmSync(dir, { recursive: true, force: true });
  await generate({ securities: 2, dates: 3, rowsPerJob: 2000, seed: 29, out: path.join(dir, 'data') });
  const runOf = async (name: string, reversed: boolean) => {
    const raw = { name, baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' }, processing: { splitBytes: 64 * 1024 } };
    const sharded = await shardedRun(raw, reversed);
    const jobs = await jobsOf(sharded);
    const figures: unknown[] = [];
    for (const job of jobs) {
      const prepared = await prepareJob(sharded.plan, sharded.paths, { run: sharded.result.run, security: job.security, date: job.date });
      if (prepared.kind !== 'run') throw new Error('expected the job to run');
      await analysePartition(prepared.task);
      const m = committedManifest(sharded.paths, job.security, job.date);
      figures.push([m.security, m.date, m.fingerprint, m.orders, m.sweeps, m.events, m.trades, m.quotes, m.filledQty]);
    }
    return { splits: sharded.plan.splits.map((s) => s.id), inputs: jobs, figures };
  };
  const inOrder = await runOf('in-order', false);
  const reversed = await runOf('reversed', true);
  expect(inOrder.splits.length).toBeGreaterThan(6);
  expect(inOrder.splits[0]).toMatch(/^nbbo-/);
  expect(inOrder.figures).toHaveLength(6);
  expect(reversed.inputs).toEqual(inOrder.inputs);
  expect(reversed.figures).toEqual(inOrder.figures);
});
