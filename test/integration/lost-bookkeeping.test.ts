import { rmSync } from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import * as activities from '../../src/activities';
import { generate } from '../../src/generator/generate';
import type { RunResult } from '../../src/workflows/types';
import { startTestEnv, TEST_OUTPUT, workflowBundle, type TestEnv } from '../helpers/temporal-env';

/**
 * A worker that dies holding one of a security workflow's short bookkeeping activities (here
 * recordJobStatuses, which sends no heartbeats) stalls that security only for the activity's start-to-close
 * timeout, twice the job heartbeat timeout and at least 30 s, not minutes: the attempt times out and the
 * retry records the statuses. Found by the worker-kill test when a kill landed just as a batch ended.
 */
const dir = path.join(TEST_OUTPUT, 'lost-bookkeeping');
const queue = 'it-lost-bookkeeping';
let env: TestEnv;
let worker: Worker;
let running: Promise<void>;
let held = 0;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await generate({ securities: 1, dates: 2, rowsPerJob: 40, seed: 5, out: path.join(dir, 'data') });
  env = await startTestEnv('lost-bookkeeping');
  // The first recordJobStatuses never answers, as if its worker had died with it (it gives up only when the
  // worker shuts down); every other activity is the real one.
  const recordJobStatuses: typeof activities.recordJobStatuses = async (input) => {
    if (held++ > 0) return activities.recordJobStatuses(input);
    return new Promise<never>((_, reject) => Context.current().cancellationSignal.addEventListener('abort', () => reject(new Error('worker shut down'))));
  };
  worker = await Worker.create({
    connection: env.nativeConnection, taskQueue: queue, shutdownGraceTime: '1 second',
    workflowBundle: await workflowBundle(),
    activities: { ...activities, recordJobStatuses },
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await env?.teardown();
});

it('retries a lost bookkeeping activity after its start-to-close timeout and finishes the run', async () => {
  const result = (await env.client.workflow.execute('pipelineRun', {
    taskQueue: queue, workflowId: 'sweepflow-lost',
    args: [{ name: 'lost', baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' }, processing: { heartbeatTimeoutSeconds: 2 } }],
  })) as RunResult;
  expect(result).toMatchObject({ jobs: 2, done: 2, failed: 0 });
  expect(held).toBe(2);

  const ids: string[] = [];
  for await (const w of env.client.workflow.list({ query: 'WorkflowType = "securityWorkflow"' })) ids.push(w.workflowId);
  expect(ids).toHaveLength(1);
  const history = await env.client.workflow.getHandle(ids[0]).fetchHistory();
  const events = history.events ?? [];
  const EventType = temporal.api.enums.v1.EventType;
  const scheduled = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    && e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordJobStatuses');
  expect(scheduled).toHaveLength(1);
  expect(Number(scheduled[0].activityTaskScheduledEventAttributes?.startToCloseTimeout?.seconds)).toBe(30);
  const timedOut = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
  expect(timedOut).toHaveLength(0); // a timed-out attempt that is retried leaves no event; the retry's completion does
  const completed = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
    && e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() === scheduled[0].eventId?.toString());
  const started = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    && e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === scheduled[0].eventId?.toString());
  expect(completed).toBeDefined();
  expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(2);
  expect(started?.activityTaskStartedEventAttributes?.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
}, 180_000);
