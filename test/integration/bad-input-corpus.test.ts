import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type { RunResult } from '../../src/workflows/types';
import { runFailure, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';
import { BOTH_FORMATS, readJobCsv } from '../helpers/outputs';

/** The bad-input corpus of the ingest engine: each case gives its documented outcome (README "Bad input"). */
const dir = path.join(TEST_OUTPUT, 'corpus');
const queue = 'it-corpus';
let env: TestEnv;

const H = 'order_id,timestamp,sequence,security_code,side,price,quantity,leavesquantity,totalmatchedquantity,exchangeordertype,participantid';
const T = 1725494536001032398n; // 2024-09-05 10:02 Sydney
const row = (i: number, patch: Partial<Record<'side' | 'qty' | 'participant', string>> = {}): string =>
  `${7904794000124134556n + BigInt(i)},${T + BigInt(i)},${i},110621,${patch.side ?? '1'},3335,${patch.qty ?? '100'},100,0,2048,${patch.participant ?? '54'}`;

const failure = (workflowId: string, input: unknown): Promise<string> => runFailure(env, queue, workflowId, input);

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const orders = path.join(dir, 'orders');
  mkdirSync(orders, { recursive: true });
  writeFileSync(path.join(orders, 'a-rows.csv'), [H,
    row(1),
    row(2).split(',').slice(0, 8).join(','),            // line 3: truncated row
    `${row(3)},extra`,                                  // line 4: extra field
    row(4, { qty: 'ten' }),                             // line 5: non-numeric quantity
    row(5, { side: 'B' }),                              // line 6: unknown side
    row(6, { participant: '"Broker, A\nDesk 2"' }),     // line 7-8: quoted comma and newline: kept
    row(7, { participant: '"say ""hi"""' }),            // line 9: doubled quotes: kept
    row(8),
  ].join('\n') + '\n');
  writeFileSync(path.join(orders, 'b-bom-crlf.csv'), '\ufeff' + [H, row(10), row(11)].join('\r\n') + '\r\n');
  writeFileSync(path.join(orders, 'c-empty.csv'), '');
  writeFileSync(path.join(orders, 'd-header-only.csv'), H + '\n');
  writeFileSync(path.join(orders, 'e-good.csv.gz'), gzipSync([H, row(20), row(21)].join('\n') + '\n'));
  env = await startTestEnv('corpus');
  await env.startWorker(queue);
});

afterAll(async () => {
  await env?.teardown();
});

it('rejects bad rows with their reasons, reads BOM, CRLF and quoted fields, and warns about empty files', async () => {
  const result: RunResult = await env.client.workflow.execute('pipelineRun', {
    taskQueue: queue, workflowId: 'sweepflow-corpus',
    args: [{ name: 'corpus', baseDir: dir, inputs: { orders: 'orders' }, thresholds: { maxRejectShare: 0.9 }, ...BOTH_FORMATS }],
  });
  // a-rows: 8 records (the quoted newline joins two lines), 4 rejected; b: 2; d: 0; e: 2.
  expect(result.reconciliation).toEqual({ read: 12, kept: 8, filtered: 0, rejected: 4 });
  expect(result).toMatchObject({ jobs: 1, done: 1, failed: 0, orders: 8 });
  const summary = JSON.parse(readFileSync(result.summaryFile, 'utf8'));
  expect(summary.warnings).toEqual([
    `${path.join(dir, 'orders', 'c-empty.csv')}: empty file (no header), nothing to read`,
    `${path.join(dir, 'orders', 'd-header-only.csv')}: header only, no rows`,
  ]);
  const rejects = summary.rejects.flatMap((f: string) => parse(readFileSync(path.join(result.out, f)), { columns: true }) as Record<string, string>[]);
  expect(rejects.map((r: Record<string, string>) => [path.basename(r.source_file), r.line, r.reason])).toEqual([
    ['a-rows.csv', '3', 'expected 11 fields, found 8'],
    ['a-rows.csv', '4', 'expected 11 fields, found 12'],
    ['a-rows.csv', '5', "quantity is not a non-negative integer: 'ten'"],
    ['a-rows.csv', '6', "unknown side 'B' (expected 1 = buy or 2 = sell)"],
  ]);
  expect(rejects[2].raw).toBe(row(4, { qty: 'ten' }));
  const orders = readJobCsv(result.out, 'orders', '110621', '2024-09-05');
  const participant = (i: number): string | undefined => orders.find((o) => o.order_id === String(7904794000124134556n + BigInt(i)))?.participant_id;
  expect(participant(6)).toBe('Broker, A\nDesk 2');
  expect(participant(7)).toBe('say "hi"');
  expect(participant(10)).toBe('54'); // BOM + CRLF file
  expect(participant(21)).toBe('54'); // gzip file
});

it('a corrupt gzip stops the run with a message naming the file', async () => {
  const bad = path.join(dir, 'gz');
  mkdirSync(bad, { recursive: true });
  const whole = gzipSync([H, ...Array.from({ length: 2000 }, (_, i) => row(100 + i))].join('\n') + '\n');
  writeFileSync(path.join(bad, 'orders.csv.gz'), whole.subarray(0, Math.floor(whole.length / 2))); // truncated stream
  const msg = await failure('sweepflow-badgz', { name: 'badgz', baseDir: dir, inputs: { orders: 'gz' } });
  expect(msg).toContain(`${path.join(bad, 'orders.csv.gz')}: corrupt gzip`);
});

it('garbage that only looks like gzip fails at planning, naming the file', async () => {
  const bad = path.join(dir, 'gz2');
  mkdirSync(bad, { recursive: true });
  writeFileSync(path.join(bad, 'orders.csv.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  const msg = await failure('sweepflow-badgz2', { name: 'badgz2', baseDir: dir, inputs: { orders: 'gz2' } });
  expect(msg).toContain(`${path.join(bad, 'orders.csv.gz')}: corrupt gzip`);
});
