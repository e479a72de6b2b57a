import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';

/**
 * Determinism guard: histories recorded from real runs (test/fixtures/histories, refreshed with
 * `RECORD_HISTORIES=1 npx jest test/integration/pipeline test/integration/continue-as-new`) must replay against the current workflow code.
 * A change that reorders, adds or removes commands fails here before it can break runs in flight.
 */
const dir = path.resolve(__dirname, '..', 'fixtures', 'histories');

it('replays every recorded history without non-determinism', async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const ids = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as Record<string, string>;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json').sort();
  expect(files).toEqual(['job.json', 'pipeline-run-carried.json', 'pipeline-run-continued.json', 'pipeline-run.json',
    'security-batched.json', 'security-carried.json', 'security-continued.json', 'security.json']);
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: new DefaultLogger('WARN') });
  const histories = files.map((f) => ({
    workflowId: ids[f],
    history: historyFromJSON(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))),
  }));
  const results = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle, replayName: 'sweepflow-replay' }, histories)) results.push(r);
  expect(results.map((r) => [r.workflowId, r.error?.message ?? null])).toEqual(files.map((f) => [ids[f], null]));
});

it('catches a change of commands (negative control: other child ids)', async () => {
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: new DefaultLogger('WARN') });
  const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, 'security.json'), 'utf8')));
  await expect(Worker.runReplayHistory({ workflowBundle, replayName: 'sweepflow-replay-neg' }, history, 'renamed-run/110621'))
    .rejects.toThrow(/Nondeterminism error: Child workflow id/);
});
