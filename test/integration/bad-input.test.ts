import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate, type Truth } from '../../src/generator/generate';
import type { RunResult } from '../../src/workflows/types';
import { corruptOrderSides } from '../helpers/corrupt-input';
import { runFailure, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';

const dir = path.join(TEST_OUTPUT, 'bad-input');
const queue = 'it-bad';
let env: TestEnv;
let truth: Truth;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  truth = await generate({ securities: 2, dates: 2, rowsPerJob: 600, seed: 3, out: path.join(dir, 'data') });
  env = await startTestEnv('bad-input');
  await env.startWorker(queue);
});

afterAll(async () => {
  await env?.teardown();
});

const failureOf = (workflowId: string, input: unknown): Promise<string> => runFailure(env, queue, workflowId, input);

it('an invalid config fails the run at once, listing every problem with its JSON path', async () => {
  const msg = await failureOf('sweepflow-badcfg', { name: 'badcfg', inputs: {}, thresholds: { sizeEdges: [5, 1] }, jobs: { dates: ['yesterday'] } });
  expect(msg).toMatch(/invalid config workflow input/);
  expect(msg).toMatch(/- inputs\.orders: /);
  expect(msg).toMatch(/- thresholds\.sizeEdges: edges must be strictly increasing/);
  expect(msg).toMatch(/- jobs\.dates\[0\]: expected YYYY-MM-DD/);
});

it('a missing required column names the file, the logical field and the raw header looked for', async () => {
  const trades = path.join(dir, 'bad-trades');
  mkdirSync(trades, { recursive: true });
  writeFileSync(path.join(trades, 't.csv'), 'orderid,tradetime,securitycode,price,quantity,side\n1,2,3,4,5,1\n');
  const msg = await failureOf('sweepflow-badcol', {
    name: 'badcol', baseDir: dir, inputs: { orders: 'data/orders', trades: 'bad-trades' }, columns: { trades: { tradeprice: 'TradePx' } },
  });
  expect(msg).toContain(`${path.join(trades, 't.csv')}: trades file is missing required column 'tradeprice' (looked for header 'TradePx')`);
});

it('inputs that match no file are named with their config path', async () => {
  const msg = await failureOf('sweepflow-nofile', { name: 'nofile', baseDir: dir, inputs: { orders: ['data/orders', 'nothing-*.csv'] } });
  expect(msg).toMatch(/inputs\.orders\[1\]: 'nothing-\*\.csv' matches no file/);
});

it('a corrupted partition fails exactly that job; the run completes the others and lists it', async () => {
  const [security, date] = Object.keys(truth.jobs)[1].split('/');
  // Corrupt half of one job's order rows (unknown side): well above 1% of its inputs, dense quotes included,
  // and attributable to (security, date), so only that job fails.
  const badDir = path.join(dir, 'corrupt-orders');
  const { corrupted, lines } = corruptOrderSides(path.join(dir, 'data'), truth.dates, security, date, badDir);
  const result: RunResult = await env.client.workflow.execute('pipelineRun', {
    taskQueue: queue, workflowId: 'sweepflow-corrupt',
    args: [{ name: 'corrupt', baseDir: dir, inputs: { orders: 'corrupt-orders', trades: 'data/trades', nbbo: 'data/nbbo' } }],
  });
  expect(result).toMatchObject({ jobs: 4, done: 3, failed: 1 });
  expect(result.failures).toHaveLength(1);
  expect(result.failures[0].job).toBe(`${security}/${date}`);
  expect(result.failures[0].error).toMatch(new RegExp(`job ${security}/${date}: ${corrupted} of \\d+ input rows rejected .* above the limit of 1\\.00% \\(thresholds\\.maxRejectShare\\)`));
  expect(result.reconciliation.rejected).toBe(corrupted);
  const summary = JSON.parse(readFileSync(result.summaryFile, 'utf8'));
  expect(summary.jobs.failedJobs).toEqual([{ job: `${security}/${date}`, security, date, error: result.failures[0].error }]);
  const rejects = readFileSync(path.join(result.out, summary.rejects[0]), 'utf8').trim().split('\n');
  expect(rejects).toHaveLength(corrupted + 1);
  const [source, line, ...rest] = rejects[1].split(',');
  expect(source).toBe(path.join(badDir, `orders_${date}.csv`));
  expect(lines[Number(line) - 1]).toContain(`,${security},7,`);
  expect(rest.join(',')).toMatch(/^unknown side '7' \(expected 1 = buy or 2 = sell\),"\d{19},/);
});
