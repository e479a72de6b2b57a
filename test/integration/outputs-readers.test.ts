import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { generate, type Truth } from '../../src/generator/generate';
import type { RunResult } from '../../src/workflows/types';
import { readJobCsv } from '../helpers/outputs';
import { ROOT, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';

/**
 * The run as one dataset (docs/OUTPUTS.md): the doc's own one-liners for DuckDB, Polars and pyarrow run
 * against a real run, read the whole orders table with partition pruning, and agree with one another and
 * with the job's CSV, ids and nanosecond times exact. Python and its readers come from scripts/ensure-python.sh.
 */
const dir = path.join(TEST_OUTPUT, 'readers');
const queue = 'it-readers';
const PYTHON = path.join(ROOT, '.tools', 'py', 'bin', 'python');
let env: TestEnv;
let truth: Truth;
let result: RunResult;

beforeAll(async () => {
  execFileSync('bash', [path.join(ROOT, 'scripts', 'ensure-python.sh')], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
  // Named `sample`, from 2024-09-30 (so 110621 on 2024-10-01 exists): the names the doc's lines use.
  truth = await generate({ securities: 2, dates: 3, rowsPerJob: 2500, seed: 19, out: path.join(dir, 'data') });
  env = await startTestEnv('readers');
  await env.startWorker(queue);
  result = await env.client.workflow.execute('pipelineRun', {
    taskQueue: queue, workflowId: 'sweepflow-sample',
    args: [{
      name: 'sample', baseDir: dir, output: { formats: ['parquet', 'csv'] },
      inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo', participants: 'data/participants.csv', reference: 'data/reference.csv' },
    }],
  });
});

afterAll(async () => {
  await env?.teardown();
});

/** The ```python blocks of the doc's "Reading a run" section. */
function oneLiners(): string[] {
  const doc = readFileSync(path.join(ROOT, 'docs', 'OUTPUTS.md'), 'utf8');
  const section = doc.split('\n## Reading a run\n')[1].split('\n## ')[0];
  return [...section.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** Whatever a line leaves in `orders`, as JSON rows: ids and numbers as text, times as epoch nanoseconds. */
const EPILOGUE = `
import json, pyarrow as pa
t = orders
for conv in ('to_arrow_table', 'arrow', 'to_arrow'):
    if not isinstance(t, pa.Table) and hasattr(t, conv):
        t = getattr(t, conv)()
        if isinstance(t, pa.RecordBatchReader): t = t.read_all()
out = {}
for name in t.column_names:
    col = t.column(name)
    if isinstance(col.type, pa.DictionaryType): col = col.cast(col.type.value_type)
    types = str(col.type)
    if pa.types.is_timestamp(col.type): col = col.cast(pa.int64())
    if pa.types.is_date(col.type): col = col.cast(pa.string())
    out[name] = {'type': types, 'values': [None if v is None else (str(v).lower() if isinstance(v, bool) else str(v)) for v in col.to_pylist()]}
print(json.dumps(out))
`;

type Table = Record<string, { type: string; values: (string | null)[] }>;

function runPython(code: string): string {
  return execFileSync(PYTHON, ['-c', code], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

it('the doc\'s DuckDB, Polars and pyarrow lines read the run\'s orders as one table, agreeing with the CSV: exact ids and nanosecond times', () => {
  expect(result).toMatchObject({ jobs: 6, failed: 0 });
  const lines = oneLiners();
  expect(lines).toHaveLength(3);
  const tables = lines.map((code) => JSON.parse(runPython(code + EPILOGUE)) as Table);
  const csv = readJobCsv(result.out, 'orders', '110621', '2024-10-01');
  expect(csv.length).toBe(truth.jobs['110621/2024-10-01'].centrePointOrders);
  // The reference file's Name and DecimalsInPrice (' 110621, SEC0, 3'), on every order row.
  expect(new Set(csv.map((o) => `${o.security_name}/${o.price_decimals}`))).toEqual(new Set(['SEC0/3']));
  for (const [i, t] of tables.entries()) {
    // Types an analyst relies on, from each reader.
    expect([i, t.order_id.type, t.date.type, t.arrival_time.type, t.arrival_local_time.type, t.security.type]).toEqual([
      i, 'uint64', 'date32[day]', expect.stringMatching(/^timestamp\[ns, tz=(Etc\/)?UTC\]$/), 'timestamp[ns]', expect.stringMatching(/^(string|large_string)$/),
    ]);
    const byId = new Map(t.order_id.values.map((id, r) => [id, r]));
    expect(byId.size).toBe(csv.length); // pruned to the one partition, every order once
    for (const o of csv) {
      const r = byId.get(o.order_id)!;
      expect(r).toBeDefined();
      for (const k of ['security', 'date', 'arrival_time', 'final_time', 'first_trade_time', 'notional', 'arrival_local_time', 'security_name', 'price_decimals', 'limit_price']) {
        expect([o.order_id, k, t[k].values[r]]).toEqual([o.order_id, k, o[k] === '' ? null : o[k]]);
      }
    }
    expect(csv.some((o) => BigInt(o.order_id) > 2n ** 53n)).toBe(true);
  }
  // The three agree on every column and value, in their own row order.
  const sorted = (t: Table): string[][] => {
    const cols = Object.keys(t);
    return t.order_id.values.map((_, r) => cols.map((c) => `${c}=${t[c].values[r]}`)).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  };
  expect(sorted(tables[1])).toEqual(sorted(tables[0]));
  expect(sorted(tables[2])).toEqual(sorted(tables[0]));
});

it('prunes partitions: DuckDB scans one file of six, pyarrow keeps one fragment; fills, candidates and matches read the same way', () => {
  const out = JSON.parse(runPython(`
import json, duckdb, datetime, pyarrow as pa, pyarrow.dataset as ds
q = "FROM read_parquet('out/sample/{t}/*/*/*.parquet', hive_partitioning = true, hive_types = {{'security': VARCHAR, 'date': DATE}}) WHERE security = '110621' AND date = DATE '2024-10-01'"
plan = duckdb.sql('EXPLAIN ' + 'SELECT count(*) ' + q.format(t='orders')).fetchall()[0][1]
part = ds.partitioning(pa.schema([('security', pa.string()), ('date', pa.date32())]), flavor='hive')
flt = (ds.field('security') == '110621') & (ds.field('date') == datetime.date(2024, 10, 1))
counts = {t: duckdb.sql('SELECT count(*) ' + q.format(t=t)).fetchall()[0][0] for t in ['orders', 'fills', 'candidates', 'matches']}
arrow = {t: ds.dataset('out/sample/' + t, partitioning=part).to_table(filter=flt).num_rows for t in counts}
frags = len(list(ds.dataset('out/sample/orders', partitioning=part).get_fragments(filter=flt)))
total = duckdb.sql("SELECT count(*) FROM read_parquet('out/sample/orders/*/*/*.parquet', hive_partitioning = true, hive_types = {'security': VARCHAR, 'date': DATE})").fetchall()[0][0]
print(json.dumps({'plan': plan, 'counts': counts, 'arrow': arrow, 'frags': frags, 'total': total}))
`));
  expect(out.plan).toMatch(/Scanning Files: 1\/6/);
  expect(out.frags).toBe(1);
  expect(out.total).toBe(result.orders);
  const manifest = JSON.parse(readFileSync(path.join(result.out, 'jobs', 'security=110621', 'date=2024-10-01', 'manifest.json'), 'utf8'));
  expect(out.counts).toEqual({ orders: manifest.orders, fills: manifest.fills, candidates: manifest.simulation.candidates, matches: manifest.simulation.matches });
  expect(out.arrow).toEqual(out.counts);
  expect(manifest.fills).toBeGreaterThan(100);
});
