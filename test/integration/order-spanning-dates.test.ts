import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JobManifest } from '../../src/jobs/manifest';
import type { RunResult } from '../../src/workflows/types';
import { startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';
import { BOTH_FORMATS, readJobCsv, recordsOf } from '../helpers/outputs';

/**
 * One order lives across two Sydney dates (evening of Fri 4 Oct 2024, morning of Sat 5 Oct): each partition
 * sees its own events and its own trades; nothing is counted twice.
 */
const dir = path.join(TEST_OUTPUT, 'spanning');
const queue = 'it-span';
let env: TestEnv;

const ID = '7904794000124134556';
const DAY1_2100 = 1728039600000000000n; // 2024-10-04 21:00 AEST
const DAY2_1000 = 1728086400000000000n; // 2024-10-05 10:00 AEST
const S = 1_000_000_000n;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const h = 'order_id,timestamp,sequence,security_code,side,price,quantity,leavesquantity,totalmatchedquantity,exchangeordertype,participantid,national_bid,national_offer';
  writeFileSync(path.join(dir, 'orders.csv'), [h,
    `${ID},${DAY1_2100},9007199254740993,110621,1,0,1000,1000,0,2048,54,3335,3336`,
    `${ID},${DAY1_2100 + 300n * S},9007199254740994,110621,1,0,1000,800,200,2048,54,3335,3336`,
    `${ID},${DAY2_1000},9007199254740995,110621,1,0,1000,0,1000,2048,54,3335,3336`,
  ].join('\n') + '\n');
  writeFileSync(path.join(dir, 'trades.csv'), ['orderid,tradetime,securitycode,tradeprice,quantity,side,matchgroupid',
    `${ID},${DAY1_2100 + 300n * S},110621,3335,200,1,7200000000000000001`,
    `${ID},${DAY2_1000},110621,3336,800,1,7200000000000000002`,
  ].join('\n') + '\n');
  env = await startTestEnv('spanning');
  await env.startWorker(queue);
});

afterAll(async () => {
  await env?.teardown();
});

it('splits the order into one partition per Sydney date, each with its own events and trades', async () => {
  const result: RunResult = await env.client.workflow.execute('pipelineRun', {
    taskQueue: queue, workflowId: 'sweepflow-span',
    args: [{ name: 'span', baseDir: dir, inputs: { orders: 'orders.csv', trades: 'trades.csv' }, ...BOTH_FORMATS }],
  });
  expect(result).toMatchObject({ jobs: 2, done: 2, failed: 0, orders: 2 });
  const job = (date: string): { orders: Record<string, string>[]; manifest: JobManifest } => {
    return {
      orders: readJobCsv(result.out, 'orders', '110621', date),
      manifest: JSON.parse(readFileSync(path.join(recordsOf(result.out, '110621', date), 'manifest.json'), 'utf8')),
    };
  };
  const fri = job('2024-10-04'), sat = job('2024-10-05');
  expect(fri.orders).toHaveLength(1);
  expect(fri.orders[0]).toMatchObject({
    order_id: ID, arrival_time: String(DAY1_2100), events: '2', final_leaves: '800', final_matched: '200', filled_qty: '200',
    num_trades: '1', fill_status: 'PARTIAL', hour: '21', arrival_mid: '3335.5', dq_filled_qty_mismatch: 'false',
  });
  expect(sat.orders).toHaveLength(1);
  // Saturday sees only its own event (its arrival there) and its own trade; the cumulative matched quantity
  // (1000) differs from the 800 traded that day, which is flagged, not hidden.
  expect(sat.orders[0]).toMatchObject({
    order_id: ID, arrival_time: String(DAY2_1000), events: '1', final_matched: '1000', filled_qty: '800', num_trades: '1',
    fill_status: 'FILLED', hour: '10', dq_filled_qty_mismatch: 'true',
  });
  expect(sat.manifest.dataQuality.filledQtyMismatch).toBe(1);
  expect(fri.manifest.trades.kept + sat.manifest.trades.kept).toBe(2);
  expect(fri.manifest.events.read + sat.manifest.events.read).toBe(3);
  expect(result.reconciliation).toEqual({ read: 5, kept: 5, filtered: 0, rejected: 0 });
});
