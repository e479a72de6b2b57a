/**
 * npm run bench -- the whole pipeline (plan, shard, jobs, merge) on a generated input (by default 1.7 GB,
 * 110 jobs; `--size 20g` generates and runs another size), on the embedded dev server with all cores.
 * Prints our wall time, peak RSS, CPU seconds of the worker and of the Temporal server, and the scratch
 * space the run's shards took. Then, in the same run and on the same input, the fair reference: a
 * DuckDB script with two threads doing the same analytic work (the per-order table and every rollup
 * level to Parquet, duckdb-equal-work.ts), whose global and by-security figures are checked equal to
 * ours (the bench fails when they are not). Ends with `ratio_vs_equal_work=<our wall / its wall>`.
 * Before that, as context: the old one-group-by reference (`ratio_vs_duckdb`) and, unless
 * `--no-context`, DuckDB partitioning the input and building a reduced per-order table (duckdb-references.ts).
 * The worker runs in this process, so the bench restarts itself the way the Docker image starts the worker
 * (worker/memory WORKER_ENV and WORKER_NODE_FLAGS: malloc, garbage collection and heap growth settings), adding
 * only those the process lacks (a variable set by hand wins), unless `--no-worker-settings` is given.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../client/dev-server';
import type { GenerateOptions } from '../generator/generate';
import { compareWithOurs, duckdbEqualWork } from './duckdb-equal-work';
import { duckdbReferences } from './duckdb-references';
import { sharedThreadPool } from '../threads/pool';
import { osThreadId, threadCpuSince, threadCpuTimes, type ThreadCpu } from '../threads/thread-cpu';
import { heapGrowthPercent, missingWorkerEnv, missingWorkerNodeFlags, threadYoungMb, WORKER_ENV, WORKER_NODE_FLAGS } from '../worker/memory';
import { createSweepflowWorker } from '../worker/worker';
import type { RunResult } from '../workflows/types';

const ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_DATA = path.join(ROOT, 'bench-data', 'ingest', 'gen'); // shared with bench:ingest
/** Bytes of generated input per job at 50,000 rows per job (orders, trades and quotes together). */
const BYTES_PER_JOB = 1.55e7;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** `--size 20g` (or `500m`): the input size to generate; none means the default 1.7 GB input. */
function parseSize(text: string | undefined): number | null {
  if (text === undefined) return null;
  const m = /^(\d+(?:\.\d+)?)([gm])$/i.exec(text);
  if (!m || Number(m[1]) <= 0) throw new Error(`--size ${text}: expected a size such as 20g or 500m`);
  return Number(m[1]) * (m[2].toLowerCase() === 'g' ? 1e9 : 1e6);
}

/** The generated input of the asked size (at most 10 dates; securities fill the rest), made once and kept. */
async function benchInput(size: number | null): Promise<string> {
  const jobs = size === null ? 110 : Math.max(1, Math.round(size / BYTES_PER_JOB));
  const dates = Math.min(10, jobs);
  const securities = size === null ? 11 : Math.ceil(jobs / dates);
  const dir = size === null ? DEFAULT_DATA : path.join(ROOT, 'bench-data', `e2e-gen-${securities}x${dates}`);
  if (!existsSync(path.join(dir, 'truth.json'))) {
    process.stderr.write(`generating the input (${securities} securities x ${dates} dates, ~${(securities * dates * BYTES_PER_JOB / 1e9).toFixed(1)} GB) once...\n`);
    // In a child process: generating grows a heap that would stay in this one and count in its peak RSS.
    const options: GenerateOptions = { securities, dates, rowsPerJob: 50_000, seed: 5, out: dir, securitiesPerFile: 11 };
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(require.resolve('../generator/generate'))}).generate(${JSON.stringify(options)})` +
      `.catch((e) => { console.error(e); process.exit(1); })`], { stdio: 'inherit' });
  }
  return dir;
}

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

/** Bytes of the files under `dir` (0 when it is not there); files deleted while it walks count 0. */
function bytesUnder(dir: string): number {
  let n = 0;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      n += e.isDirectory() ? bytesUnder(p) : (statSync(p, { throwIfNoEntry: false })?.size ?? 0);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return n;
}

/** `--formats parquet,csv`: the per-job table formats to write (config `output.formats`). @default parquet */
const FORMATS = (option('--formats') ?? 'parquet').split(',') as ('parquet' | 'csv')[];
/** `--delete-shards`: config `processing.keepShards: false`, each job's shards deleted at its commit. */
const KEEP_SHARDS = !process.argv.includes('--delete-shards');
/** `--plain-shards`: config `processing.compressShards: false`, the shards written as plain CSV. */
const COMPRESS_SHARDS = !process.argv.includes('--plain-shards');

/** The largest RSS sampled in each stage, the stages taken to run one after another from the run's start. */
function stagePeaks(durationsMs: Record<string, number>, samples: readonly [number, number][]): [string, number][] {
  let from = 0;
  return Object.entries(durationsMs).filter(([stage]) => stage !== 'total').map(([stage, ms]) => {
    const to = from + ms;
    const inStage = samples.filter(([t]) => t >= from && t < to).map(([, rss]) => rss);
    from = to;
    return [stage, inStage.length ? Math.round(Math.max(...inStage) / 1048576) : 0];
  });
}

async function main(): Promise<void> {
  const data = await benchInput(parseSize(option('--size')));
  const inputs = { orders: path.join(data, 'orders'), trades: path.join(data, 'trades'), nbbo: path.join(data, 'nbbo') };
  const inputBytes = ['orders', 'trades', 'nbbo'].reduce((s, k) => s + bytesUnder(path.join(data, k)), 0);
  const ordersBytes = bytesUnder(path.join(data, 'orders'));
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const base = path.join(ROOT, 'bench-data', 'e2e');
  rmSync(base, { recursive: true, force: true });
  const server = await startDevServer({ port: await freePort(), uiPort: await freePort(), dbFile: null, logFile: path.join(ROOT, 'bench-data', 'e2e-temporal.log') });
  const shards = path.join(base, 'work', 'e2e', 'shards');
  let peak = 0, peakAt = 0, mainHeapPeak = 0, scratchPeak = 0, externalPeak = 0;
  let t0 = Date.now();
  /** (ms since the run started, RSS): the peak of each stage, once the summary gives the stages' times. */
  const rssSamples: [number, number][] = [];
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peak) {
      peak = m.rss;
      peakAt = (Date.now() - t0) / 1000;
    }
    rssSamples.push([Date.now() - t0, m.rss]);
    mainHeapPeak = Math.max(mainHeapPeak, m.heapTotal);
    externalPeak = Math.max(externalPeak, m.external);
  }, 100);
  // Kept shards peak at the end; deleted ones when sharding ends, found by walking the folder (on the
  // worker's thread, so only when it is needed).
  const scratchSampler = setInterval(() => { if (!KEEP_SHARDS) scratchPeak = Math.max(scratchPeak, bytesUnder(shards)); }, 2000);
  let seconds = 0;
  let serverPeak: number | null = null;
  let serverCpu: number | null = null;
  let cpu0 = process.cpuUsage();
  let cpu = cpu0;
  let threads0 = new Map<number, ThreadCpu>();
  let threadsUsed = new Map<number, ThreadCpu>();
  let serverCpu0: number | null = null;
  let result: RunResult;
  let scratch = 0;
  try {
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });
    // No bundle given: the worker bundles its workflows in a child process, as the production worker does.
    const { worker, profile } = await createSweepflowWorker({ connection: await NativeConnection.connect({ address: server.address }), taskQueue: 'e2e', shutdownGraceSeconds: 1 });
    const running = worker.run();
    cpu0 = process.cpuUsage();
    threads0 = threadCpuTimes();
    serverCpu0 = cpuSeconds(server.pid);
    t0 = Date.now();
    result = (await client.workflow.execute('pipelineRun', {
      taskQueue: 'e2e', workflowId: 'sweepflow-e2e',
      args: [{ name: 'e2e', baseDir: base, inputs,
        processing: { splitBytes: 64 * 1024 * 1024, keepShards: KEEP_SHARDS, compressShards: COMPRESS_SHARDS }, output: { formats: FORMATS } }],
    })) as RunResult;
    seconds = (Date.now() - t0) / 1000;
    cpu = process.cpuUsage(cpu0);
    threadsUsed = threadCpuSince(threads0, threadCpuTimes());
    const s1 = cpuSeconds(server.pid);
    serverCpu = s1 !== null && serverCpu0 !== null ? s1 - serverCpu0 : null;
    scratch = bytesUnder(shards);
    worker.shutdown();
    await running;
    process.stdout.write(`host: ${os.cpus().length} cores; worker slots ${profile.activitySlots}, shard threads ${os.availableParallelism()}\n`);
  } finally {
    clearInterval(sampler);
    clearInterval(scratchSampler);
    serverPeak = peakRssMb(server.pid);
    await server.stop();
  }
  process.stdout.write(`ours: jobs=${result.jobs} done=${result.done} failed=${result.failed} rows=${result.reconciliation.read} ` +
    `input=${(inputBytes / 1e9).toFixed(2)} GB wall=${seconds.toFixed(1)} s MB_per_s=${(inputBytes / 1e6 / seconds).toFixed(1)} ` +
    `peak_rss_MB=${Math.round(peak / 1048576)} (worker process: worker, pool threads, client; at ${peakAt.toFixed(1)} s) ` +
    `temporal_server_peak_rss_MB=${serverPeak ?? 'n/a'}\n`);
  process.stdout.write(`memory: main thread heap peak ${Math.round(mainHeapPeak / 1048576)} MB, largest pool thread heap ` +
    `${Math.round(sharedThreadPool().peakThreadHeapBytes / 1048576)} MB, main thread external (Buffers) peak ${Math.round(externalPeak / 1048576)} MB ` +
    `(heap growth ${heapGrowthPercent()}%, thread young generation ${threadYoungMb() || 'V8 default'} MB, ` +
    `${Object.keys(WORKER_ENV).map((k) => `${k}=${process.env[k] ?? 'unset'}`).join(' ')}, ` +
    `${WORKER_NODE_FLAGS.map((f) => `${f} ${process.execArgv.includes(f) ? 'on' : 'off'}`).join(' ')})\n`);
  process.stdout.write(`cpu during the run (s): worker process ${((cpu.user + cpu.system) / 1e6).toFixed(1)}, temporal server ${serverCpu?.toFixed(1) ?? 'n/a'} ` +
    `(of ${(seconds * os.cpus().length).toFixed(1)} core-seconds of wall time)\n`);
  const byThread = cpuByThread(threadsUsed, sharedThreadPool().osThreadIds, osThreadId());
  if (byThread) process.stdout.write(`${byThread}\n`);
  const summary = JSON.parse(readFileSync(result.summaryFile, 'utf8')) as { durationsMs?: Record<string, number> };
  process.stdout.write(`outputs: formats=${FORMATS.join(',')} out_MB=${(bytesUnder(result.out) / 1e6).toFixed(1)} ` +
    `(tables ${['orders', 'fills', 'candidates', 'matches', 'csv'].map((t) => `${t} ${(existsSync(path.join(result.out, t)) ? bytesUnder(path.join(result.out, t)) / 1e6 : 0).toFixed(1)}`).join(', ')} MB)\n`);
  scratchPeak = Math.max(scratchPeak, scratch);
  process.stdout.write(`scratch: shards peak ${(scratchPeak / 1e6).toFixed(0)} MB = ${(scratchPeak / inputBytes).toFixed(2)}x the input` +
    `${KEEP_SHARDS ? '' : ' (sampled every 2 s)'}, at the end ${(scratch / 1e6).toFixed(0)} MB (processing.keepShards ${KEEP_SHARDS}, compressShards ${COMPRESS_SHARDS})\n`);
  process.stdout.write(`stages (s): ${Object.entries(summary.durationsMs ?? {}).map(([k, v]) => `${k}=${(v / 1000).toFixed(1)}`).join(' ')}\n`);
  process.stdout.write(`peak RSS by stage (MB): ${stagePeaks(summary.durationsMs ?? {}, rssSamples).map(([k, mb]) => `${k}=${mb}`).join(' ')}\n`);

  const duck = await duckdbReferences(inputs,
    path.join(ROOT, 'bench-data', 'e2e-duckdb'), 2, !process.argv.includes('--no-context'));
  process.stdout.write(`duckdb 2 threads: ${duck.groups} security x date groups from ${(ordersBytes / 1e9).toFixed(2)} GB of orders in ${duck.groupBySeconds.toFixed(1)} s\n`);
  if (duck.context) {
    const { partitionSeconds: p, perOrderSeconds: o, perOrderRows } = duck.context;
    process.stdout.write(`context, duckdb 2 threads on parts of our work: partition orders and trades by security x date ${p.toFixed(1)} s ` +
      `(our shard stage ${((summary.durationsMs?.shard ?? 0) / 1000).toFixed(1)} s); one row per order with arrival/final state and joined trades, ` +
      `to Parquet, ${o.toFixed(1)} s (${perOrderRows} orders; ours ${result.orders}); together ${(p + o).toFixed(1)} s = ` +
      `${((p + o) / duck.groupBySeconds).toFixed(1)}x the reference query; our wall / together = ${(seconds / (p + o)).toFixed(2)}\n`);
  }
  process.stdout.write(`context, ratio_vs_duckdb=${(seconds / duck.groupBySeconds).toFixed(2)} (ours against the group-by alone)\n`);

  const ref = await duckdbEqualWork(inputs, path.join(ROOT, 'bench-data', 'e2e-equal-work'), 2);
  const check = await compareWithOurs(ref, path.join(result.out, 'rollups'));
  ref.cleanUp();
  const g = check.global;
  process.stdout.write(`equal work, duckdb 2 threads: per-order table and all 11 rollup levels to Parquet in ${ref.seconds.toFixed(1)} s ` +
    `(${ref.orders} orders; ours ${result.orders}); ${check.compared} figures checked, ${check.differences.length === 0 ? 'all equal' : 'DIFFERENT'} ` +
    `(global orders=${String(g.orders)} sweeps=${String(g.sweeps)} total_qty=${String(g.total_qty)} filled_qty=${String(g.filled_qty)} ` +
    `mean_arrival_cost_bps=${Number(g.mean_arrival_cost_bps).toFixed(6)})\n`);
  if (check.differences.length > 0) throw new Error(`the equal-work reference disagrees with our rollups:\n  ${check.differences.join('\n  ')}`);
  process.stdout.write(`ratio_vs_equal_work=${(seconds / ref.seconds).toFixed(2)}\n`);
}

/**
 * The worker process's CPU during the run by thread (Linux): the pool threads (shard and job tasks), the main
 * thread (the worker's event loop, the client, this bench's samplers) and the rest (V8's optimising
 * compiler, libuv's threads, the Temporal SDK's). Null where /proc gave nothing.
 */
function cpuByThread(used: ReadonlyMap<number, ThreadCpu>, pool: ReadonlySet<number>, main: number | null): string | null {
  if (used.size === 0) return null;
  const sum = (keep: (tid: number) => boolean): ThreadCpu => {
    const t = { user: 0, system: 0 };
    for (const [tid, c] of used) {
      if (!keep(tid)) continue;
      t.user += c.user;
      t.system += c.system;
    }
    return t;
  };
  const s = (c: ThreadCpu): string => (c.user + c.system).toFixed(1);
  const p = sum((tid) => pool.has(tid)), m = sum((tid) => tid === main), rest = sum((tid) => !pool.has(tid) && tid !== main);
  return `cpu by thread (s): pool threads ${s(p)} (${pool.size} threads; user ${p.user.toFixed(1)}, kernel ${p.system.toFixed(1)}), ` +
    `main thread ${s(m)}, other threads ${s(rest)} (V8's optimising compiler, libuv, the Temporal SDK)`;
}

function restartAsWorker(): never {
  const env = { ...WORKER_ENV, ...process.env };
  const r = spawnSync(process.execPath, [...missingWorkerNodeFlags(), ...process.execArgv, __filename, ...process.argv.slice(2)], { stdio: 'inherit', env });
  process.exit(r.status ?? 1);
}

if ((missingWorkerEnv().length > 0 || missingWorkerNodeFlags().length > 0) && !process.argv.includes('--no-worker-settings')) restartAsWorker();

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
