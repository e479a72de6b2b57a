import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { DuckDBInstance } from '@duckdb/node-api';
import { committedPartial } from '../../src/jobs/merge-run';

import { checkRunInvariants } from '../../src/jobs/run-invariants';
import type { RunResult } from '../../src/workflows/types';
import { corpus } from '../corpus/cases';
import { runFailure, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';
import { BOTH_FORMATS, jobFile, readJobCsv, recordsOf } from '../helpers/outputs';

/** The adversarial corpus, whole pipeline: one run per case on one server; the test client checks invariants (a)-(e) after each. */
const dir = path.join(TEST_OUTPUT, 'trust');
const queue = 'it-trust';
let env: TestEnv;

const H = 'order_id,timestamp,sequence,security_code,side,price,quantity,leavesquantity,totalmatchedquantity,exchangeordertype,participantid';
const TH = 'orderid,tradetime,securitycode,tradeprice,quantity,side';
const QH = 'timestamp,orderbookid,bidprice,offerprice';
const T = 1725494536001032398n; // 2024-09-05 10:02 Sydney
const DAY = 86_400_000_000_000n;
interface O { id?: bigint | string; ts?: bigint | string; sec?: string; side?: string; price?: string; qty?: string; leaves?: string; matched?: string; type?: string; part?: string }
const ord = (i: number, o: O = {}): string => [o.id ?? 7904794000124134556n + BigInt(i), o.ts ?? T + BigInt(i), i, o.sec ?? '110621', o.side ?? '1',
  o.price ?? '3335', o.qty ?? '100', o.leaves ?? '100', o.matched ?? '0', o.type ?? '2048', o.part ?? '54'].join(',');
const orders = (n: number, f: (i: number) => O = () => ({})): string => [H, ...Array.from({ length: n }, (_, i) => ord(i + 1, f(i + 1)))].join('\n') + '\n';

type Files = Record<string, string | Buffer>;
function write(name: string, files: Files): string {
  const root = path.join(dir, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}
const config = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ name, baseDir: path.join(dir, name), inputs: { orders: 'orders' }, ...BOTH_FORMATS, ...extra });
const run = (name: string, extra: Record<string, unknown> = {}): Promise<RunResult> =>
  env.client.workflow.execute('pipelineRun', { taskQueue: queue, workflowId: `sweepflow-${name}`, args: [config(name, extra)] });
const fails = (name: string, extra: Record<string, unknown> = {}): Promise<string> => runFailure(env, queue, `sweepflow-${name}`, config(name, extra));
const summaryOf = (r: RunResult): Record<string, any> => JSON.parse(readFileSync(r.summaryFile, 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any
const jobDir = (r: RunResult, security: string, date: string): string => recordsOf(r.out, security, date);
const ordersOf = (r: RunResult, security: string, date = '2024-09-05'): Record<string, string>[] => readJobCsv(r.out, 'orders', security, date);
const jobsCsv = (r: RunResult): Record<string, string>[] => parse(readFileSync(path.join(r.out, 'jobs.csv')), { columns: true }) as Record<string, string>[];
const rejectsOf = (r: RunResult): Record<string, string>[] =>
  summaryOf(r).rejects.flatMap((f: string) => parse(readFileSync(path.join(r.out, f)), { columns: true }) as Record<string, string>[]);

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  env = await startTestEnv('trust');
  await env.startWorker(queue);
});

afterAll(async () => {
  await env?.teardown();
});

describe('framing', () => {
  it(corpus('F01'), async () => {
    write('f01', { 'orders/a.csv': orders(1000, (i) => (i === 11 ? { part: '"54' } : {})) });
    const r = await run('f01', { thresholds: { maxRejectShare: 0.5 } });
    expect(r.reconciliation).toEqual({ read: 1000, kept: 999, filtered: 0, rejected: 1 });
    expect(rejectsOf(r).map((x) => x.line)).toEqual(['12']);
  });

  it(corpus('F03'), async () => {
    write('f03', { 'orders/a.csv': orders(20).replace(/\n/g, '\r\r\n') });
    const r = await run('f03', { filters: { participants: ['54'] } });
    expect(r.orders).toBe(20);
  });

  it(corpus('F04'), async () => {
    write('f04', { 'orders/a.csv': orders(6, (i) => ({ sec: i % 3 === 0 ? '\t110621' : i % 3 === 1 ? '110621\t' : '110621' })) });
    const r = await run('f04');
    expect(r).toMatchObject({ jobs: 1, orders: 6 });
  });
});

describe('keys and names', () => {
  it(corpus('K01'), async () => {
    write('k01', { 'orders/a.csv': orders(10, (i) => ({ sec: i <= 4 ? 'A|B' : 'A' })) });
    const r = await run('k01');
    expect(r.jobs).toBe(2);
    expect(ordersOf(r, 'A|B')).toHaveLength(4);
    expect(ordersOf(r, 'A')).toHaveLength(6);
  });

  it(corpus('K02'), async () => {
    write('k02', { 'orders/a.csv': orders(44, (i) => ({ sec: i <= 32 ? 'AB#12' : 'AB\u2312' })) });
    const r = await run('k02');
    expect(ordersOf(r, 'AB#12')).toHaveLength(32);
    expect(ordersOf(r, 'AB\u2312')).toHaveLength(12);
  });

  it(corpus('K03'), async () => {
    const bad = (b: number): Buffer => Buffer.concat([Buffer.from(ord(1).replace('110621', 'X')).subarray(0, 0), Buffer.from([0x41, b])]);
    const rows = [Buffer.from(H + '\n'), Buffer.from(orders(98).split('\n').slice(1).join('\n')),
      ...[0xff, 0xfe].map((b, k) => Buffer.concat([Buffer.from(ord(200 + k).replace(',110621,', ',')).subarray(0, 0),
        Buffer.from(`${7904794000124134556n + 200n + BigInt(k)},${T},1,`), bad(b), Buffer.from(',1,3335,100,100,0,2048,54\n')]))];
    write('k03', { 'orders/a.csv': Buffer.concat(rows) });
    const r = await run('k03', { thresholds: { maxRejectShare: 0.05 } });
    expect(r).toMatchObject({ jobs: 1, orders: 98 });
    expect(rejectsOf(r).map((x) => x.reason)).toEqual(['security_code is not valid UTF-8', 'security_code is not valid UTF-8']);
  });

  it(corpus('K04'), async () => {
    const long = 'S'.repeat(300);
    write('k04', { 'orders/a.csv': orders(5, () => ({ sec: long })) });
    const r = await run('k04');
    expect(r).toMatchObject({ jobs: 1, done: 1, orders: 5 });
    const [folder] = readdirSync(path.join(r.out, 'orders'));
    expect(folder.length).toBeLessThanOrEqual(120 + 'security='.length);
    expect(ordersOf(r, long)[0].security).toBe(long);
  });

  it(corpus('K05'), async () => {
    write('k05', { 'orders/a.csv': orders(6, (i) => ({ sec: i <= 3 ? '.' : '..' })) });
    const r = await run('k05');
    for (const table of ['orders', 'fills', 'candidates', 'matches', 'jobs', 'csv/orders']) expect(readdirSync(path.join(r.out, table)).sort()).toEqual(['security=%2E', 'security=%2E.']);
    expect(readdirSync(r.out).sort()).toEqual(['candidates', 'csv', 'fills', 'jobs', 'jobs.csv', 'matches', 'orders', 'report.html', 'rollups', 'summary.json']);
  });

  it(corpus('K07'), async () => {
    // 2 bad rows of 10 in security A/B: its job fails its reject share; jobs.csv keeps the whole code.
    write('k07', { 'orders/a.csv': orders(20, (i) => ({ sec: i <= 10 ? 'A/B' : 'C', ...(i <= 2 ? { qty: 'x' } : {}) })) });
    const r = await run('k07');
    expect(r).toMatchObject({ jobs: 2, done: 1, failed: 1 });
    expect(jobsCsv(r).map((j) => [j.security, j.date, j.status])).toEqual([['A/B', '2024-09-05', 'failed'], ['C', '2024-09-05', 'done']]);
  });
});

describe('values', () => {
  it(corpus('V01') + '; ' + corpus('V03') + '; ' + corpus('V04') + '; ' + corpus('V07'), async () => {
    const big = [2n ** 63n, 2n ** 64n - 1n];
    const tBig = 9223286399999999999n; // the last accepted: 2262-04-10T23:59:59.999999999Z
    write('v01', {
      'orders/a.csv': [H, ord(1, { id: big[0] }), ord(2, { id: big[1] }), ord(3, { id: 5n, ts: tBig, type: String(2 ** 31 + 2048) }),
        ord(4, { id: 6n, qty: '100000000', leaves: '0', matched: '100000000' })].join('\n') + '\n',
      // two fills of 5e7 at 100000000: notional 1e16 > 2^53
      'trades/t.csv': [TH, `6,${T + 10n},110621,100000000,50000000,1`, `6,${T + 11n},110621,100000000,50000000,1`].join('\n') + '\n',
    });
    const r = await run('v01', { inputs: { orders: 'orders', trades: 'trades' } });
    expect(r).toMatchObject({ jobs: 2, failed: 0 });
    const o = ordersOf(r, '110621');
    expect(o.map((x) => x.order_id).sort()).toEqual([String(big[0]), String(big[1]), '6'].sort());
    expect(o.find((x) => x.order_id === '6')!.notional).toBe('10000000000000000');
    const late = ordersOf(r, '110621', '2262-04-11');
    expect(late.map((x) => [x.order_id, x.arrival_time, x.exchange_order_type])).toEqual([['5', String(tBig), String(2 ** 31 + 2048)]]);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const rows = (await c.runAndReadAll(`SELECT CAST(order_id AS VARCHAR) id, typeof(order_id) t, CAST(notional AS VARCHAR) n FROM '${jobFile(r.out, 'orders', '110621', '2024-09-05', 'parquet')}' ORDER BY order_id`)).getRowObjects();
    expect(rows).toEqual([{ id: '6', t: 'UBIGINT', n: '10000000000000000' }, { id: String(big[0]), t: 'UBIGINT', n: '0' }, { id: String(big[1]), t: 'UBIGINT', n: '0' }]);
    // DuckDB 1.x reads a UTC nanosecond TIMESTAMP in microseconds (the readers test checks nanoseconds with DuckDB 2).
    const lateRows = (await c.runAndReadAll(`SELECT CAST(epoch_us(arrival_time) AS VARCHAR) a, exchange_order_type e FROM '${jobFile(r.out, 'orders', '110621', '2262-04-11', 'parquet')}'`)).getRowObjects();
    expect(lateRows).toEqual([{ a: String(tBig / 1000n), e: BigInt(2 ** 31 + 2048) }]);
  });
});

describe('accounting', () => {
  it(corpus('A01'), async () => {
    write('a01', { 'orders/a.csv': orders(30, (i) => ({ ts: T + BigInt(i % 3) * DAY + BigInt(i) })) });
    const r = await run('a01', { jobs: { dates: ['2024-09-06'] } });
    expect(r).toMatchObject({ jobs: 1, orders: 10 });
    expect(summaryOf(r).reconciliation.outsideJobMatrix).toEqual({ orders: 20, trades: 0, nbbo: 0 });
  });

  it(corpus('A02'), async () => {
    write('a02', { 'orders/a.csv': orders(10, (i) => ({ sec: i <= 7 ? 'X' : 'Y' })) });
    const r = await run('a02', { jobs: { securities: ['Y'] } });
    expect(r).toMatchObject({ jobs: 1, orders: 3 });
    expect(summaryOf(r).reconciliation.outsideJobMatrix.orders).toBe(7);
  });

  it(corpus('A03'), async () => {
    const trades = [TH, ...Array.from({ length: 30 }, (_, i) => `${900 + i},${T + BigInt(i)},999999,3335,${i % 3 === 0 ? 'bad' : '10'},1`)].join('\n') + '\n';
    write('a03', { 'orders/a.csv': orders(10), 'trades/t.csv': trades });
    const msg = await fails('a03', { inputs: { orders: 'orders', trades: 'trades' } });
    const file = path.join(dir, 'a03', 'trades', 't.csv');
    expect(msg).toContain(`${file}: 10 of 30 rows (33.33%) were rejected and belong to no job`);
    const rejects = msg.match(/the reasons are in (\S+)/)![1];
    expect(parse(readFileSync(rejects), { columns: true })).toHaveLength(10);
  });

  it(corpus('A04'), async () => {
    const quotes = [QH, ...Array.from({ length: 20 }, (_, i) => `${T + DAY + BigInt(i)},110621,${i === 0 ? '3334' : 'x'},3336`)].join('\n') + '\n';
    write('a04', { 'orders/a.csv': orders(10), 'nbbo/q.csv': quotes });
    expect(await fails('a04', { inputs: { orders: 'orders', nbbo: 'nbbo' } })).toContain('19 of 20 rows (95.00%) were rejected and belong to no job');
  });

  it(corpus('A06') + '; ' + corpus('A07'), async () => {
    const root = write('a06', { 'orders/a.csv': orders(10), 'copy/b.csv': orders(10) });
    const r = await run('a06', { inputs: { orders: ['orders', 'orders/a.csv', 'copy'] } });
    expect(r.reconciliation.read).toBe(10);
    expect(summaryOf(r).duplicateInputs).toEqual([
      { path: path.join(root, 'orders', 'a.csv'), sameAs: path.join(root, 'copy', 'b.csv'), reason: 'the same content as another input (a copy)' },
      { path: path.join(root, 'orders', 'a.csv'), sameAs: path.join(root, 'orders', 'a.csv'), reason: 'the same file, reached twice (a link or an overlapping pattern)' },
    ]);
  });

  it(corpus('A08') + '; ' + corpus('A09'), async () => {
    const root = write('a08', { 'data/orders/a.csv': orders(10), 'data/orders/sub/b.csv': orders(5, () => ({ sec: 'Z' })) });
    symlinkSync(path.join(root, 'data', 'orders'), path.join(root, 'data', 'orders', 'sub', 'loop'));
    symlinkSync(path.join(root, 'data', 'orders'), path.join(root, 'alias'));
    const r = await run('a08', { inputs: { orders: ['data/orders', 'alias'] } });
    expect(r.reconciliation.read).toBe(15);
    expect(summaryOf(r).inputs).toHaveLength(2);
  });

  it(corpus('A12'), async () => {
    const rows = orders(400, (i) => (i % 100 === 0 ? { qty: 'q' } : i % 150 === 0 ? { ts: 'never' } : { sec: i % 2 ? 'P' : 'Q' }));
    write('a12', { 'orders/a.csv': rows });
    const r = await run('a12', { thresholds: { maxRejectShare: 0.05 } });
    expect(r.reconciliation).toEqual({ read: 400, kept: 395, filtered: 0, rejected: 5 }); // rows 100, 150, 200, 300, 400
  });
});

describe('reruns', () => {
  it(corpus('R01'), async () => {
    write('r01', { 'orders/a.csv': orders(20, (i) => ({ sec: i <= 10 ? 'A' : 'B' })) });
    const first = await run('r01');
    expect(first).toMatchObject({ jobs: 2, done: 2 });
    write('r01', { 'orders/a.csv': orders(20, (i) => ({ sec: i <= 10 ? 'A' : 'B', ...(i <= 2 ? { qty: 'bad' } : {}) })) });
    const again = await run('r01');
    expect(again).toMatchObject({ jobs: 2, failed: 1, orders: 10 });
    expect(jobsCsv(again).map((j) => [j.security, j.status])).toEqual([['A', 'failed'], ['B', 'skipped']]);
    const global = parse(readFileSync(path.join(again.out, 'rollups', 'global.csv')), { columns: true }) as Record<string, string>[];
    expect(global[0].orders).toBe('10');
  });

  it(corpus('R02') + '; ' + corpus('R03') + '; ' + corpus('R04') + '; ' + corpus('R05') + '; ' + corpus('R06'), async () => {
    const secs = ['A', 'B', 'C', 'D', 'E', 'F'];
    write('r02', { 'orders/a.csv': orders(60, (i) => ({ sec: secs[i % 6] })) });
    const first = await run('r02');
    expect(first).toMatchObject({ jobs: 6, done: 6 });
    const rollup = (r: RunResult): string => readFileSync(path.join(r.out, 'rollups', 'security.csv'), 'utf8');
    const clean = rollup(first);
    const d = (s: string): string => jobDir(first, s, '2024-09-05');
    unlinkSync(jobFile(first.out, 'orders', 'A', '2024-09-05', 'parquet'));
    const partial = readFileSync(path.join(d('B'), 'partial.json'), 'utf8');
    writeFileSync(path.join(d('B'), 'partial.json'), partial.slice(0, partial.length / 2));
    writeFileSync(path.join(d('C'), 'partial.json'), '{}');
    unlinkSync(path.join(d('D'), 'partial.json'));
    writeFileSync(path.join(d('E'), 'manifest.json'), '{"security": "E",');
    const again = await run('r02');
    expect(again).toMatchObject({ jobs: 6, done: 5, skipped: 1, failed: 0 });
    expect(jobsCsv(again).map((j) => j.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'skipped']);
    expect(rollup(again)).toBe(clean);
  });

  it(corpus('R07'), async () => {
    const root = write('r07', { 'orders/m.csv': orders(12, (i) => ({ sec: i % 2 ? 'M1' : 'M2' })) });
    const first = await run('r07');
    expect(first).toMatchObject({ jobs: 2, done: 2 });
    writeFileSync(path.join(root, 'orders', 'a.csv'), orders(5, (i) => ({ sec: 'A0', id: 1000n + BigInt(i) })));
    const again = await run('r07');
    expect(again).toMatchObject({ jobs: 3, done: 1, skipped: 2 });
    expect(jobsCsv(again).map((j) => [j.security, j.status])).toEqual([['A0', 'done'], ['M1', 'skipped'], ['M2', 'skipped']]);
  });

  it(corpus('R09'), async () => {
    write('r09', { 'orders/a.csv': orders(4) });
    const r = await run('r09');
    const d = jobDir(r, '110621', '2024-09-05');
    const fingerprint = JSON.parse(readFileSync(path.join(d, 'manifest.json'), 'utf8')).fingerprint as string;
    expect(typeof await committedPartial(r.out, d, fingerprint)).toBe('object');
    expect(await committedPartial(r.out, d, 'another')).toBe('its committed output was made from other inputs or settings (stale)');
  });
});

describe('errors', () => {
  it(corpus('C06'), async () => {
    write('c06', { 'orders/a.csv': orders(3) });
    expect(await fails('c06', { inputs: { orders: 'orders', reference: 'ref/reference.csv' } }))
      .toContain(`inputs.reference[0]: 'ref/reference.csv' matches no file (resolved against ${path.join(dir, 'c06')})`);
  });

  it(corpus('E03') + ' (whole run)', async () => {
    write('e03', { 'orders/a.csv': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(orders(3), 'utf16le')]) });
    expect(await fails('e03')).toContain('is UTF-16 (byte-order mark FF FE)');
  });

  it('the invariant checker catches what it checks (negative control)', async () => {
    write('neg', { 'orders/a.csv': orders(50, (i) => (i === 7 ? { qty: 'q' } : {})) });
    const r = await run('neg', { thresholds: { maxRejectShare: 0.5 } });
    expect(await checkRunInvariants(r.summaryFile)).toEqual([]);
    const summary = summaryOf(r);
    writeFileSync(r.summaryFile, JSON.stringify({ ...summary, reconciliation: { ...summary.reconciliation, total: { ...summary.reconciliation.total, kept: 48 } } }));
    writeFileSync(path.join(dir, 'neg', 'stray.txt'), 'written outside the run');
    unlinkSync(path.join(r.out, summary.rejects[0]));
    const problems = await checkRunInvariants(r.summaryFile);
    expect(problems).toEqual(expect.arrayContaining([
      'run: read 50 != kept 48 + filtered 0 + rejected 1',
      expect.stringMatching(/rejects file .* is missing/),
      `written outside the run's folders: ${path.join(dir, 'neg', 'stray.txt')}`,
    ]));
  });
});
