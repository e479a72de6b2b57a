import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { RunResult } from '../../src/workflows/types';
import { startTestEnv, ROOT, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';
import { BOTH_FORMATS, jobFile, readJobCsv, recordsOf } from '../helpers/outputs';

/**
 * The real ASX sample (security 110621 "DRR"), run through the whole pipeline, checked against a plain
 * recount of the input files done here with csv-parse and Intl: nothing of the pipeline's own code.
 */
const SAMPLE = path.resolve(ROOT, '..', 'shared', 'samples', 'asx-drr');
const present = existsSync(path.join(SAMPLE, 'order_events_cp_2024-09-05.csv'));
if (!present) {
  console.warn(`SKIPPED: the real-data tests need ${SAMPLE} (the shared folder beside the checkout); it is absent here.`);
}
const maybe = present ? describe : describe.skip;

const dir = path.join(TEST_OUTPUT, 'drr');
const queue = 'it-drr';
let env: TestEnv;

type Row = Record<string, string>;
const readCsv = (file: string): Row[] => parse(readFileSync(file), { columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()), bom: true, trim: true });
const sydneyFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Australia/Sydney' });
const sydneyDate = (ns: string): string => sydneyFormat.format(new Date(Number(BigInt(ns) / 1_000_000n)));
const isCp = (t: string): boolean => (Number(t) & 6464) !== 0;
const isSweep = (t: string): boolean => (Number(t) & 2048) !== 0;
const status = (matched: string, leaves: string): string => (Number(matched) <= 0 ? 'UNFILLED' : Number(leaves) === 0 ? 'FILLED' : 'PARTIAL');
function count(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

async function run(name: string, orders: string, columns: Record<string, string>): Promise<RunResult> {
  return env.client.workflow.execute('pipelineRun', {
    taskQueue: queue, workflowId: `sweepflow-${name}`,
    args: [{ name, baseDir: dir, inputs: { orders: path.join(SAMPLE, orders), trades: path.join(SAMPLE, 'trades_2024-09-05.csv'), nbbo: path.join(SAMPLE, 'nbbo_2024-09-05.csv'), participants: path.join(SAMPLE, 'participants.csv') }, columns: { orders: columns }, ...BOTH_FORMATS }],
  });
}

const figures: Record<string, unknown> = {};

maybe('the real ASX DRR sample', () => {
  const trades = present ? readCsv(path.join(SAMPLE, 'trades_2024-09-05.csv')) : [];

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    env = await startTestEnv('drr');
    await env.startWorker(queue);
  });
  afterAll(async () => {
    writeFileSync(path.join(TEST_OUTPUT, 'drr-figures.json'), JSON.stringify(figures, null, 2));
    await env?.teardown();
  });

  function checkJob(result: RunResult, date: string, finals: Map<string, Row>): void {
    const orders = readJobCsv(result.out, 'orders', '110621', date);
    const manifest = JSON.parse(readFileSync(path.join(recordsOf(result.out, '110621', date), 'manifest.json'), 'utf8'));
    // Output ids equal input ids, as strings, both ways.
    expect(new Set(orders.map((o) => o.order_id))).toEqual(new Set(finals.keys()));
    // Fill status of sweeps (and of all orders) equals a recount from each order's final leaves and matched.
    const sweeps = [...finals.values()].filter((r) => isSweep(r.exchangeordertype));
    expect(count(orders.filter((o) => o.is_sweep === 'true').map((o) => o.fill_status))).toEqual(count(sweeps.map((r) => status(r.totalmatchedquantity, r.leavesquantity))));
    expect(count(orders.map((o) => o.fill_status))).toEqual(count([...finals.values()].map((r) => status(r.totalmatchedquantity, r.leavesquantity))));
    // Joined trades are the trades of this Sydney date whose order id is a Centre Point order of the job.
    const joined = trades.filter((t) => finals.has(t.orderid) && sydneyDate(t.tradetime) === date);
    expect(manifest.trades.kept).toBe(joined.length);
    expect(orders.reduce((s, o) => s + Number(o.num_trades), 0)).toBe(joined.length);
    expect(orders.reduce((s, o) => s + Number(o.filled_qty), 0)).toBe(joined.reduce((s, t) => s + Number(t.quantity), 0));
    // Candidates and matches name orders of the job, exactly.
    const candidates = readJobCsv(result.out, 'candidates', '110621', date);
    const matches = readJobCsv(result.out, 'matches', '110621', date);
    for (const c of candidates) expect(finals.has(c.sweep_id)).toBe(true);
    for (const m of matches) expect(finals.has(m.sweep_id) && finals.has(m.liquidity_id)).toBe(true);
    expect(candidates.length).toBe(manifest.simulation.candidates);
    figures[`${result.name} ${date}`] = {
      orders: orders.length, sweeps: sweeps.length, fillStatusOfSweeps: count(sweeps.map((r) => status(r.totalmatchedquantity, r.leavesquantity))),
      joinedTrades: joined.length, candidates: candidates.length, matches: matches.length, simulation: manifest.simulation,
      dataQuality: manifest.dataQuality, eventsRead: manifest.events.read,
    };
  }

  it('the event log (sequence = raw_row_index) gives each Sydney date its own orders, states and trades', async () => {
    const result = await run('drr-events', 'order_events_cp_2024-09-05.csv', { sequence: 'raw_row_index' });
    const events = readCsv(path.join(SAMPLE, 'order_events_cp_2024-09-05.csv')).filter((r) => isCp(r.exchangeordertype));
    const dates = [...new Set(events.map((e) => sydneyDate(e.timestamp)))].sort();
    expect(result).toMatchObject({ jobs: dates.length, done: dates.length, failed: 0 });
    expect(result.reconciliation.rejected).toBe(0);
    for (const date of dates) {
      // The final state of each order in the partition: its last event by (timestamp, raw_row_index).
      const finals = new Map<string, Row>();
      for (const e of events.filter((x) => sydneyDate(x.timestamp) === date)) {
        const have = finals.get(e.order_id);
        const later = !have || BigInt(e.timestamp) > BigInt(have.timestamp) ||
          (e.timestamp === have.timestamp && Number(e.raw_row_index) > Number(have.raw_row_index));
        if (later) finals.set(e.order_id, e);
      }
      checkJob(result, date, finals);
    }
  });

  it('the final-states file gives the same recount, and Parquet keeps every 64-bit id exact', async () => {
    const result = await run('drr-finals', 'orders_final_states_2024-09-05.csv', {});
    const rows = readCsv(path.join(SAMPLE, 'orders_final_states_2024-09-05.csv')).filter((r) => isCp(r.exchangeordertype));
    const dates = [...new Set(rows.map((e) => sydneyDate(e.timestamp)))].sort();
    expect(result.failed).toBe(0);
    for (const date of dates) {
      const finals = new Map(rows.filter((r) => sydneyDate(r.timestamp) === date).map((r) => [r.order_id, r]));
      checkJob(result, date, finals);
    }
    const { parquetReadObjects } = await import('hyparquet');
    const file = readFileSync(jobFile(result.out, 'orders', '110621', '2024-09-05', 'parquet'));
    const ab = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
    const parquetRows = await parquetReadObjects({ file: ab, columns: ['order_id', 'arrival_time'] });
    const want = new Set(rows.filter((r) => sydneyDate(r.timestamp) === '2024-09-05').map((r) => r.order_id));
    expect(parquetRows.every((r) => typeof r.order_id === 'bigint')).toBe(true);
    expect(new Set(parquetRows.map((r) => String(r.order_id)))).toEqual(want);
    expect(want.has('7901232681961407641')).toBe(true);
  });
});
