import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ensureTemporalCli } from '../../src/client/dev-server';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { checkAgainstTruth } from '../../src/client/truth-check';
import { generate, type Truth } from '../../src/generator/generate';
import { RunNameKey } from '../../src/workflows/shared';
import type { RunResult } from '../../src/workflows/types';
import { eventually, ROOT, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';
import { JOB_TABLES } from '../../src/io/paths';
import { jobFile, readJobCsv } from '../helpers/outputs';

const dir = path.join(TEST_OUTPUT, 'pipeline');
const queue = 'it-pipeline';
let env: TestEnv;
let truth: Truth;

function config(name: string): Record<string, unknown> {
  return {
    name, baseDir: dir,
    inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo', participants: 'data/participants.csv' },
    output: { dir: 'out', workDir: 'work', formats: ['parquet', 'csv'] },
    // One job workflow per date (smallJobs.perBatch 1): this file shows the whole workflow tree in the UI.
    processing: { shardConcurrency: 2, jobConcurrency: 3, securityConcurrency: 2, smallJobs: { perBatch: 1 } },
  };
}

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  truth = await generate({ securities: 3, dates: 2, rowsPerJob: 1500, seed: 7, out: path.join(dir, 'data') });
  env = await startTestEnv('pipeline');
  await env.startWorker(queue);
});

afterAll(async () => {
  await env?.teardown();
});

describe('the pipeline on a real Temporal server', () => {
  let first: RunResult;

  it('runs every job of 3 securities x 2 dates and matches the generator truth job by job', async () => {
    first = await env.client.workflow.execute('pipelineRun', {
      taskQueue: queue, workflowId: 'sweepflow-it1', args: [config('it1')],
      typedSearchAttributes: [{ key: RunNameKey, value: 'it1' }],
    });
    expect(first).toMatchObject({ name: 'it1', jobs: 6, done: 6, skipped: 0, failed: 0, empty: 0 });
    const check = await checkAgainstTruth(first.out, truth);
    expect(check.mismatches).toEqual([]);
    expect(check.jobsChecked).toBe(6);
    expect(first.orders).toBe(Object.values(truth.jobs).reduce((s, j) => s + j.centrePointOrders, 0));
  });

  it('reconciles every row read: kept + filtered + rejected, per run and per kind', () => {
    const summary = JSON.parse(readFileSync(first.summaryFile, 'utf8'));
    const { total, byKind } = summary.reconciliation;
    expect(total.read).toBe(total.kept + total.filtered + total.rejected);
    expect(byKind.orders.read).toBe(truth.totals.orderRows);
    expect(byKind.trades.read).toBe(truth.totals.tradeRows);
    expect(byKind.nbbo.read).toBe(truth.totals.quoteRows);
    expect(total.rejected).toBe(0);
    expect(summary.jobs).toMatchObject({ total: 6, failed: 0, failedJobs: [] });
    expect(summary.rollups).toHaveLength(24); // 12 levels, CSV and Parquet
    expect(summary.rollups.filter((f: string) => f.endsWith('.parquet'))).toHaveLength(12);
  });

  it('rollups equal a direct recomputation from the per-order outputs', () => {
    const bySec = new Map<string, { orders: number; sweeps: number; filled: number; qty: bigint; filledQty: bigint; notional: bigint; statuses: number[] }>();
    for (const job of Object.keys(truth.jobs)) {
      const [security, date] = job.split('/');
      const rows = readJobCsv(first.out, 'orders', security, date);
      const acc = bySec.get(security) ?? { orders: 0, sweeps: 0, filled: 0, qty: 0n, filledQty: 0n, notional: 0n, statuses: [0, 0, 0] };
      for (const o of rows) {
        acc.orders++;
        if (o.is_sweep === 'true') acc.sweeps++;
        acc.qty += BigInt(o.final_qty);
        acc.filledQty += BigInt(o.filled_qty);
        acc.notional += BigInt(o.notional);
        acc.statuses[['FILLED', 'PARTIAL', 'UNFILLED'].indexOf(o.fill_status)]++;
      }
      bySec.set(security, acc);
    }
    const rollup = parse(readFileSync(path.join(first.out, 'rollups', 'security.csv')), { columns: true }) as Record<string, string>[];
    expect(rollup.map((r) => r.key)).toEqual([...bySec.keys()].sort());
    for (const r of rollup) {
      const a = bySec.get(r.key)!;
      expect([Number(r.orders), Number(r.sweeps), r.total_qty, r.filled_qty, Number(r.filled), Number(r.partial), Number(r.unfilled)])
        .toEqual([a.orders, a.sweeps, a.qty.toString(), a.filledQty.toString(), ...a.statuses]);
      expect(Number(r.vwap)).toBeCloseTo(Number(a.notional) / Number(a.filledQty), 9);
    }
  });

  it('writes every table twice, and DuckDB reads each Parquet file to its CSV\'s values (exact unsigned 64-bit ids)', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const c = await (await DuckDBInstance.create(':memory:')).connect();
    const tables: [string, Buffer][] = [];
    const levels = readdirSync(path.join(first.out, 'rollups')).filter((f) => f.endsWith('.csv')).map((f) => f.slice(0, -4));
    expect(levels).toHaveLength(12);
    for (const level of levels) {
      tables.push([path.join(first.out, 'rollups', `${level}.parquet`), readFileSync(path.join(first.out, 'rollups', `${level}.csv`))]);
    }
    for (const job of Object.keys(truth.jobs)) {
      const [security, date] = job.split('/');
      for (const t of JOB_TABLES) tables.push([jobFile(first.out, t, security, date, 'parquet'), gunzipSync(readFileSync(jobFile(first.out, t, security, date)))]);
    }
    let ids = 0;
    // DuckDB 1.x reads TIMESTAMP(NANOS, UTC) as microsecond TIMESTAMPTZ: compared in microseconds here (the
    // exact nanoseconds are checked with DuckDB 2, Polars and pyarrow in outputs-readers.test.ts).
    const asText = (k: string, type: string): string => type === 'TIMESTAMP WITH TIME ZONE' ? `CAST(epoch_us("${k}") AS VARCHAR)`
      : type === 'TIMESTAMP_NS' ? `CAST(epoch_ns("${k}") AS VARCHAR)` : `CAST("${k}" AS VARCHAR)`;
    for (const [file, csv] of tables) {
      const expected = parse(csv, { columns: true }) as Record<string, string>[];
      const types = new Map((await c.runAndReadAll(`DESCRIBE SELECT * FROM '${file}'`)).getRowObjects()
        .map((r) => [String(r.column_name), String(r.column_type)]));
      const cols = [...types.keys()];
      expect(cols).toEqual(Object.keys(expected[0] ?? Object.fromEntries(cols.map((k) => [k, '']))));
      const got = (await c.runAndReadAll(`SELECT ${cols.map((k) => `${asText(k, types.get(k)!)} AS "${k}"`).join(', ')} FROM '${file}'`)).getRowObjects();
      for (const [k, type] of types) {
        if (type !== 'TIMESTAMP WITH TIME ZONE') continue;
        for (const row of expected) if (row[k] !== '') row[k] = String(BigInt(row[k]) / 1000n);
      }
      expect(got).toHaveLength(expected.length);
      got.forEach((row, i) => {
        for (const k of cols) {
          // An empty CSV cell is a null (or, for text, possibly an empty string) in Parquet.
          const want = expected[i][k] === '' && !(types.get(k) === 'VARCHAR' && row[k] === '') ? null : expected[i][k];
          if (types.get(k) === 'DOUBLE' && want !== null) expect(Number(row[k])).toBe(Number(want));
          else expect(row[k]).toBe(want);
          if (k.endsWith('_id') && types.get(k) === 'UBIGINT' && want !== null && BigInt(want) > 2n ** 53n) ids++;
        }
      });
    }
    expect(ids).toBeGreaterThan(1000); // unsigned 64-bit ids above 2^53 (UBIGINT) were compared as exact text
  });

  it('shows the parent, one workflow per security and one child per job in the UI, findable by RunName', async () => {
    const ids = await eventually(async () => {
      const found: string[] = [];
      for await (const w of env.client.workflow.list({ query: 'RunName = "it1"' })) found.push(w.workflowId);
      return found.length === 10 ? found.sort() : undefined;
    }, 20_000, 'visibility of 10 workflows');
    const jobs = Object.keys(truth.jobs).map((j) => `sweepflow-it1/${j}`);
    const securities = truth.securities.map((s) => `sweepflow-it1/${s}`);
    expect(ids).toEqual(['sweepflow-it1', ...securities, ...jobs].sort());
    const done = await eventually(async () => {
      let n = 0;
      for await (const _ of env.client.workflow.list({ query: 'RunName = "it1" AND JobStatus = "done" AND TradeDate = "2024-09-30"' })) n++;
      return n === 3 ? n : undefined;
    }, 20_000, 'JobStatus search attribute');
    expect(done).toBe(3);
  });

  it('records its histories as replay fixtures when RECORD_HISTORIES=1 (test/fixtures/histories)', () => {
    if (process.env.RECORD_HISTORIES !== '1') return;
    const temporal = ensureTemporalCli();
    const job = Object.keys(truth.jobs)[0];
    const indexFile = path.join(ROOT, 'test', 'fixtures', 'histories', 'index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as Record<string, string>;
    for (const [id, file] of [['sweepflow-it1', 'pipeline-run.json'], [`sweepflow-it1/${truth.securities[0]}`, 'security.json'], [`sweepflow-it1/${job}`, 'job.json']]) {
      const json = execFileSync(temporal, ['workflow', 'show', '--address', env.address, '-w', id, '--output', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
      writeFileSync(path.join(ROOT, 'test', 'fixtures', 'histories', file), json);
      index[file] = id; // child ids derive from the workflow id, so replay needs the original one
    }
    writeFileSync(indexFile, JSON.stringify(index, null, 2) + '\n');
  });

  it('a rerun over unchanged inputs redoes no job', async () => {
    const again: RunResult = await env.client.workflow.execute('pipelineRun', {
      taskQueue: queue, workflowId: 'sweepflow-it1', args: [config('it1')],
    });
    expect(again).toMatchObject({ jobs: 6, done: 0, skipped: 6, failed: 0 });
    expect((await checkAgainstTruth(again.out, truth)).mismatches).toEqual([]);
  });
});
