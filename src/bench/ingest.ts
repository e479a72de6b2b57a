/**
 * npm run bench:ingest -- ingest throughput and memory against DuckDB (one thread) on the same task:
 * parse, keep Centre Point orders, route by (security, Sydney date), write partitioned shards.
 * Data is generated once under bench-data/ingest and reused. Each of our measurements runs in a fresh
 * child process so its peak RSS is its own.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate, ORDER_HEADER } from '../generator/generate';
import { findCutPoints } from '../io/cut-points';
import { shardSplitTask, type ShardTask, plannedInput } from '../io/shard-split';
import { ThreadPool } from '../threads/pool';
import { writtenShardCodec } from '../io/shard-codec';
import { packSplits } from '../domain/splits';
import { listCsv } from './files';

const ROOT = path.resolve(__dirname, '..', '..');
const DATA = path.join(ROOT, 'bench-data', 'ingest');
/**
 * `--gzip`: both sides write compressed partitions (ours `processing.compressShards`, the pipeline's default:
 * LZ4 frames, io/shard-codec; DuckDB `COMPRESSION gzip`). @default plain CSV on both sides
 */
const GZIP = process.argv.includes('--gzip');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

async function concatOrders(srcDir: string, out: string, limitBytes = Infinity, repeat = 1): Promise<void> {
  const files = readdirSync(srcDir).filter((f) => f.endsWith('.csv')).sort().map((f) => path.join(srcDir, f));
  const ws = createWriteStream(out);
  let written = 0, header = true;
  for (let r = 0; r < repeat; r++) {
    for (const f of files) {
      let first = true;
      for await (const chunk of createReadStream(f, { highWaterMark: 4 << 20 })) {
        let buf = chunk as Buffer;
        if (first) {
          first = false;
          const nl = buf.indexOf(10);
          if (!header) buf = buf.subarray(nl + 1);
          header = false;
        }
        let last = false;
        if (written + buf.length > limitBytes) {
          // Stop at the last whole line that fits.
          buf = buf.subarray(0, buf.lastIndexOf(10, limitBytes - written) + 1);
          last = true;
        }
        if (!ws.write(buf)) await new Promise<void>((res) => ws.once('drain', () => res()));
        written += buf.length;
        if (last) {
          written = limitBytes;
          break;
        }
      }
      if (written >= limitBytes) break;
    }
  }
  await new Promise<void>((res) => ws.end(() => res()));
}

async function prepare(): Promise<{ big: string; small01: string; big2: string; smallDir: string }> {
  mkdirSync(DATA, { recursive: true });
  const gen = path.join(DATA, 'gen');
  if (!existsSync(path.join(gen, 'truth.json'))) {
    process.stderr.write('generating ~1 GB of order events (once)...\n');
    await generate({ securities: 11, dates: 10, rowsPerJob: 50_000, seed: 5, out: gen });
  }
  const big = path.join(DATA, 'orders-1g.csv'), small01 = path.join(DATA, 'orders-0.1g.csv'), big2 = path.join(DATA, 'orders-2g.csv');
  if (!existsSync(big)) await concatOrders(path.join(gen, 'orders'), big);
  if (!existsSync(small01)) await concatOrders(path.join(gen, 'orders'), small01, 100 * 1024 * 1024);
  if (!existsSync(big2)) await concatOrders(path.join(gen, 'orders'), big2, Infinity, 2);
  const smallDir = path.join(DATA, 'small');
  if (!existsSync(path.join(smallDir, 'truth.json'))) {
    process.stderr.write('generating 20,000 small order files (once)...\n');
    await generate({ securities: 100, dates: 200, rowsPerJob: 40, seed: 9, out: smallDir, smallFiles: true });
    rmSync(path.join(smallDir, 'trades'), { recursive: true, force: true });
    rmSync(path.join(smallDir, 'nbbo'), { recursive: true, force: true });
  }
  return { big, small01, big2, smallDir };
}

/** Child mode: ingest the inputs with the shard step on worker threads; print one JSON line. */
async function child(inputs: string[], threads: number, splitBytes: number): Promise<void> {
  const work = path.join(DATA, 'run-ours');
  rmSync(work, { recursive: true, force: true });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const t0 = process.hrtime.bigint();
  const planned = [];
  for (let i = 0; i < inputs.length; i++) {
    const size = statSync(inputs[i]).size;
    planned.push({ index: i, kind: 'orders', size, cuts: await findCutPoints(inputs[i], size, splitBytes) });
  }
  const tPlan = process.hrtime.bigint();
  const splits = packSplits(planned, splitBytes);
  const pool = new ThreadPool(threads);
  const createdAt = new Date().toISOString();
  let rows = 0, kept = 0, filtered = 0, rejected = 0;
  await Promise.all(splits.map(async (split) => {
    const task: ShardTask = {
      baseDir: work, outputDir: 'out', workDir: 'work', runName: 'bench', planCreatedAt: createdAt, split,
      files: split.parts.map((p) => plannedInput(p.file, inputs[p.file])), columns: { orders: {}, trades: {}, nbbo: {} },
      masks: { centrePoint: 6464, sweep: 2048 }, maxRejectShare: 0.01, chunkRows: 50_000, compressShards: GZIP,
    };
    const o = pool.script ? await pool.run({ type: 'shard', task }, () => undefined) : await shardSplitTask(task, () => undefined);
    rows += o.manifest.totals.read;
    kept += o.manifest.totals.kept;
    filtered += o.manifest.totals.filtered;
    rejected += o.manifest.totals.rejected;
  }));
  const t1 = process.hrtime.bigint();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await pool.terminateAll();
  const bytes = inputs.reduce((s, f) => s + statSync(f).size, 0);
  process.stdout.write(JSON.stringify({
    rows, kept, filtered, rejected, bytes, splits: splits.length, threads,
    seconds: Number(t1 - t0) / 1e9, planSeconds: Number(tPlan - t0) / 1e9, peakRssMB: Math.round(peak / 1048576),
  }) + '\n');
}

function runChild(inputs: string[], threads: number, splitBytes: number): Record<string, number> {
  const list = path.join(DATA, 'inputs.json'); // 20,000 paths do not fit an argument list
  writeFileSync(list, JSON.stringify(inputs));
  const out = execFileSync(process.execPath, [__filename, '--child', list, '--threads', String(threads), '--split-bytes', String(splitBytes), ...(GZIP ? ['--gzip'] : [])],
    { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!);
}

// Declared schema: DuckDB would otherwise sniff every one of 20,000 small files.
const DUCK_COLUMNS = `{${ORDER_HEADER.map((c) => `'${c}': '${['order_id', 'timestamp', 'sequence', 'exchangeordertype', 'quantity', 'leavesquantity', 'totalmatchedquantity', 'price'].includes(c) ? 'BIGINT' : 'VARCHAR'}'`).join(', ')}}`;

async function duckdb(glob: string): Promise<{ seconds: number; rows: number; kept: number }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const out = path.join(DATA, 'run-duckdb');
  rmSync(out, { recursive: true, force: true });
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const c = await db.connect();
  const t0 = process.hrtime.bigint();
  // Same task: parse every row, keep Centre Point orders, route by (security, Sydney date), write partitions.
  await c.run(`COPY (
      SELECT *, cast(timezone('Australia/Sydney', make_timestamp("timestamp" // 1000)) as date) AS sydney_date
      FROM read_csv('${glob}', header = true, auto_detect = false, columns = ${DUCK_COLUMNS})
      WHERE (exchangeordertype & 6464) != 0
    ) TO '${out}' (FORMAT csv, ${GZIP ? 'COMPRESSION gzip, ' : ''}PARTITION_BY (security_code, sydney_date))`);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const counts = await c.runAndReadAll(`SELECT count(*) AS n, count(*) FILTER (WHERE (exchangeordertype & 6464) != 0) AS k FROM read_csv('${glob}', header = true, auto_detect = false, columns = ${DUCK_COLUMNS})`);
  const row = counts.getRowObjects()[0] as { n: bigint; k: bigint };
  return { seconds, rows: Number(row.n), kept: Number(row.k) };
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) {
    return child(JSON.parse(readFileSync(arg('child', ''), 'utf8')) as string[], Number(arg('threads', '2')), Number(arg('split-bytes', String(128 << 20))));
  }
  const threads = Number(arg('threads', String(os.availableParallelism())));
  // 48 MiB splits: even the 0.1 GB input keeps both threads busy, so peak RSS compares like with like.
  const splitBytes = Number(arg('split-bytes', String(48 << 20)));
  const { big, small01, big2, smallDir } = await prepare();
  const mb = (b: number): number => b / 1048576;
  const line = (label: string, r: Record<string, number>, perCore: number): void => {
    process.stdout.write(`${label.padEnd(28)} rows=${r.rows} seconds=${r.seconds.toFixed(2)} rows_per_s=${Math.round(r.rows / r.seconds)} ` +
      `rows_per_s_per_core=${Math.round(perCore)} MB_per_s=${(mb(r.bytes) / r.seconds).toFixed(1)} peak_rss_MB=${r.peakRssMB} ` +
      `(plan scan ${r.planSeconds.toFixed(2)} s, ${r.splits} splits, ${r.threads} threads)\n`);
  };
  process.stdout.write(`host: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 1073741824)} GB; ours with ${threads} worker threads; partitions ${GZIP ? `compressed (ours ${writtenShardCodec}, DuckDB gzip)` : 'plain'} on both sides\n`);
  const r01 = runChild([small01], threads, splitBytes);
  line('ours 0.1 GB', r01, r01.rows / r01.seconds / threads);
  const r1 = runChild([big], threads, splitBytes);
  line('ours 1 GB', r1, r1.rows / r1.seconds / threads);
  const r2 = runChild([big2], threads, splitBytes);
  line('ours 2 GB', r2, r2.rows / r2.seconds / threads);
  const smallFiles = listCsv(path.join(smallDir, 'orders'));
  const rs = runChild(smallFiles, threads, splitBytes);
  line(`ours ${smallFiles.length} small files`, rs, rs.rows / rs.seconds / threads);

  const d1 = await duckdb(big);
  process.stdout.write(`duckdb 1 thread 1 GB          rows=${d1.rows} seconds=${d1.seconds.toFixed(2)} rows_per_s=${Math.round(d1.rows / d1.seconds)} MB_per_s=${(mb(statSync(big).size) / d1.seconds).toFixed(1)}\n`);
  const ds = await duckdb(path.join(smallDir, 'orders', '**', '*.csv'));
  process.stdout.write(`duckdb 1 thread small files   rows=${ds.rows} seconds=${ds.seconds.toFixed(2)} rows_per_s=${Math.round(ds.rows / ds.seconds)}\n`);
  if (d1.rows !== r1.rows || d1.kept !== r1.kept) process.stdout.write(`WARNING: row counts differ (duckdb ${d1.rows}/${d1.kept}, ours ${r1.rows}/${r1.kept})\n`);
  const rssSpread = Math.abs(r2.peakRssMB - r01.peakRssMB) / r01.peakRssMB;
  process.stdout.write(`peak_rss_MB 0.1GB=${r01.peakRssMB} 2GB=${r2.peakRssMB} spread=${(100 * rssSpread).toFixed(1)}%\n`);
  process.stdout.write(`ratio_vs_duckdb=${((r1.rows / r1.seconds / threads) / (d1.rows / d1.seconds)).toFixed(3)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
