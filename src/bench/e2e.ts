/**
 * npm run bench -- the whole pipeline (plan, shard, jobs, merge) on a generated input of >= 1 GB with
 * >= 100 jobs, on the embedded dev server with all cores, against DuckDB (two threads) reading the same
 * order files and computing the by-security x date counts and quantity sums. Ends with
 * `ratio_vs_duckdb=<our wall time / DuckDB wall time>`. Before that line it prints two context references
 * (DuckDB partitioning the input, and DuckDB building a reduced per-order table; see duckdb-references.ts);
 * `--no-context` skips them. Also prints CPU seconds of the worker process and of the Temporal server.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../client/dev-server';
import { generate } from '../generator/generate';
import { duckdbReferences } from './duckdb-references';
import { sharedThreadPool } from '../threads/pool';
import { heapGrowthPercent } from '../worker/memory';
import { createSweepflowWorker } from '../worker/worker';
import type { RunResult } from '../workflows/types';

const ROOT = path.resolve(__dirname, '..', '..');
const DATA = path.join(ROOT, 'bench-data', 'ingest', 'gen'); // shared with bench:ingest

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Peak resident memory of a process (Linux VmHWM), in MB; null where /proc is not available. */
function peakRssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in seconds (Linux /proc); null elsewhere. */
function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name (which may hold spaces) start at state; utime and stime are the 12th and 13th.
    const rest = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100; // clock ticks; 100 per second on Linux
  } catch {
    return null;
  }
}

function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? bytesUnder(p) : statSync(p).size;
  }
  return n;
}

/** `--formats parquet,csv`: the per-job table formats to write (config `output.formats`). @default parquet */
const FORMATS = (process.argv[process.argv.indexOf('--formats') + 1] && process.argv.includes('--formats')
  ? process.argv[process.argv.indexOf('--formats') + 1] : 'parquet').split(',') as ('parquet' | 'csv')[];

async function main(): Promise<void> {
  if (!existsSync(path.join(DATA, 'truth.json'))) {
    process.stderr.write('generating the input (11 securities x 10 dates, ~1.6 GB) once...\n');
    await generate({ securities: 11, dates: 10, rowsPerJob: 50_000, seed: 5, out: DATA });
  }
  const inputBytes = ['orders', 'trades', 'nbbo'].reduce((s, k) => s + bytesUnder(path.join(DATA, k)), 0);
  const ordersBytes = bytesUnder(path.join(DATA, 'orders'));
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const base = path.join(ROOT, 'bench-data', 'e2e');
  rmSync(base, { recursive: true, force: true });
  const server = await startDevServer({ port: await freePort(), uiPort: await freePort(), dbFile: null, logFile: path.join(ROOT, 'bench-data', 'e2e-temporal.log') });
  let peak = 0, mainHeapPeak = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    mainHeapPeak = Math.max(mainHeapPeak, m.heapTotal);
  }, 100);
  let seconds = 0;
  let serverPeak: number | null = null;
  let serverCpu: number | null = null;
  let cpu0 = process.cpuUsage();
  let cpu = cpu0;
  let serverCpu0: number | null = null;
  let result: RunResult;
  try {
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: new DefaultLogger('WARN') });
    const { worker, profile } = await createSweepflowWorker({ connection: await NativeConnection.connect({ address: server.address }), taskQueue: 'e2e', workflowBundle, shutdownGraceSeconds: 1 });
    const running = worker.run();
    cpu0 = process.cpuUsage();
    serverCpu0 = cpuSeconds(server.pid);
    const t0 = Date.now();
    result = (await client.workflow.execute('pipelineRun', {
      taskQueue: 'e2e', workflowId: 'sweepflow-e2e',
      args: [{ name: 'e2e', baseDir: base, inputs: { orders: path.join(DATA, 'orders'), trades: path.join(DATA, 'trades'), nbbo: path.join(DATA, 'nbbo') },
        processing: { splitBytes: 64 * 1024 * 1024 }, output: { formats: FORMATS } }],
    })) as RunResult;
    seconds = (Date.now() - t0) / 1000;
    cpu = process.cpuUsage(cpu0);
    const s1 = cpuSeconds(server.pid);
    serverCpu = s1 !== null && serverCpu0 !== null ? s1 - serverCpu0 : null;
    worker.shutdown();
    await running;
    process.stdout.write(`host: ${os.cpus().length} cores; worker slots ${profile.activitySlots}, shard threads ${os.availableParallelism()}\n`);
  } finally {
    clearInterval(sampler);
    serverPeak = peakRssMb(server.pid);
    await server.stop();
  }
  process.stdout.write(`ours: jobs=${result.jobs} done=${result.done} failed=${result.failed} rows=${result.reconciliation.read} ` +
    `input=${(inputBytes / 1e9).toFixed(2)} GB wall=${seconds.toFixed(1)} s MB_per_s=${(inputBytes / 1e6 / seconds).toFixed(1)} ` +
    `peak_rss_MB=${Math.round(peak / 1048576)} (worker process: worker, pool threads, client) ` +
    `temporal_server_peak_rss_MB=${serverPeak ?? 'n/a'}\n`);
  process.stdout.write(`memory: main thread heap peak ${Math.round(mainHeapPeak / 1048576)} MB, largest pool thread heap ` +
    `${Math.round(sharedThreadPool().peakThreadHeapBytes / 1048576)} MB (heap growth ${heapGrowthPercent()}%)\n`);
  process.stdout.write(`cpu during the run (s): worker process ${((cpu.user + cpu.system) / 1e6).toFixed(1)}, temporal server ${serverCpu?.toFixed(1) ?? 'n/a'} ` +
    `(of ${(seconds * os.cpus().length).toFixed(1)} core-seconds of wall time)\n`);
  const summary = JSON.parse(readFileSync(result.summaryFile, 'utf8')) as { durationsMs?: Record<string, number> };
  process.stdout.write(`outputs: formats=${FORMATS.join(',')} out_MB=${(bytesUnder(result.out) / 1e6).toFixed(1)} ` +
    `(tables ${['orders', 'fills', 'candidates', 'matches', 'csv'].map((t) => `${t} ${(existsSync(path.join(result.out, t)) ? bytesUnder(path.join(result.out, t)) / 1e6 : 0).toFixed(1)}`).join(', ')} MB)\n`);
  process.stdout.write(`stages (s): ${Object.entries(summary.durationsMs ?? {}).map(([k, v]) => `${k}=${(v / 1000).toFixed(1)}`).join(' ')}\n`);

  const duck = await duckdbReferences({ orders: path.join(DATA, 'orders'), trades: path.join(DATA, 'trades') },
    path.join(ROOT, 'bench-data', 'e2e-duckdb'), 2, !process.argv.includes('--no-context'));
  process.stdout.write(`duckdb 2 threads: ${duck.groups} security x date groups from ${(ordersBytes / 1e9).toFixed(2)} GB of orders in ${duck.groupBySeconds.toFixed(1)} s\n`);
  if (duck.context) {
    const { partitionSeconds: p, perOrderSeconds: o, perOrderRows } = duck.context;
    process.stdout.write(`context, duckdb 2 threads on parts of our work: partition orders and trades by security x date ${p.toFixed(1)} s ` +
      `(our shard stage ${((summary.durationsMs?.shard ?? 0) / 1000).toFixed(1)} s); one row per order with arrival/final state and joined trades, ` +
      `to Parquet, ${o.toFixed(1)} s (${perOrderRows} orders; ours ${result.orders}); together ${(p + o).toFixed(1)} s = ` +
      `${((p + o) / duck.groupBySeconds).toFixed(1)}x the reference query; our wall / together = ${(seconds / (p + o)).toFixed(2)}\n`);
  }
  process.stdout.write(`ratio_vs_duckdb=${(seconds / duck.groupBySeconds).toFixed(2)}\n`);
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
