/**
 * npm run bench:scale [-- --jobs 36500] [--per-batch 1] -- N tiny jobs through the whole pipeline on the embedded dev
 * server (SQLite in memory): total time, ms per job, the largest workflow history, and worker RSS.
 * The fan-out is the run -> security -> date tree: every history stays small whatever N is.
 */
import { rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../client/dev-server';
import { generate } from '../generator/generate';
import { createSweepflowWorker } from '../worker/worker';
import { progressQuery } from '../workflows/shared';
import type { RunResult } from '../workflows/types';

const ROOT = path.resolve(__dirname, '..', '..');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  const jobs = Number(arg('jobs', '5000'));
  const dates = Number(arg('dates', String(jobs >= 36500 ? 365 : 100)));
  const securities = Math.ceil(jobs / dates);
  const dir = path.join(ROOT, 'bench-data', `scale-${jobs}`);
  rmSync(dir, { recursive: true, force: true });
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const tGen = Date.now();
  // A quote every 20 to 40 minutes: tiny jobs measure orchestration, not a dense NBBO series (about 12 a day).
  await generate({ securities, dates, rowsPerJob: 3, seed: 3, out: path.join(dir, 'data'), quoteGapMs: [1_200_000, 2_400_000] });
  process.stdout.write(`generated ${securities} securities x ${dates} dates = ${securities * dates} jobs in ${((Date.now() - tGen) / 1000).toFixed(1)} s\n`);

  const port = await freePort();
  const server = await startDevServer({ port, uiPort: await freePort(), dbFile: null, logFile: path.join(dir, 'temporal.log') });
  let peakRss = 0, samples = 0;
  // Every 30 s a line of the main thread's memory, to tell JS heap growth from native (threads, SDK core).
  const mb = (n: number): number => Math.round(n / 1048576);
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    if (++samples % 150 === 0) {
      process.stdout.write(`  t=${samples / 5}s rss=${mb(m.rss)} MB heapUsed=${mb(m.heapUsed)} heapTotal=${mb(m.heapTotal)} external=${mb(m.external)} arrayBuffers=${mb(m.arrayBuffers)}\n`);
    }
  }, 200);
  try {
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });
    // No bundle given: the worker bundles its workflows in a child process, as the production worker does.
    const { worker, profile } = await createSweepflowWorker({ connection: nativeConnection, taskQueue: 'scale', shutdownGraceSeconds: 1 });
    const running = worker.run();
    const t0 = Date.now();
    const handle = await client.workflow.start('pipelineRun', {
      taskQueue: 'scale', workflowId: 'sweepflow-scale',
      args: [{ name: 'scale', baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo' },
        processing: { jobConcurrency: Number(arg('job-concurrency', '20')), securityConcurrency: Number(arg('security-concurrency', '5')),
          smallJobs: { maxRows: 5000, perBatch: Number(arg('per-batch', '25')) } } }],
    });
    // When each stage began, from the run's progress query: where the time goes besides the jobs.
    const stages: [string, number][] = [];
    const watch = setInterval(() => {
      handle.query(progressQuery).then((p) => {
        if (stages[stages.length - 1]?.[0] !== p.stage) stages.push([p.stage, Date.now() - t0]);
      }, () => undefined);
    }, 250);
    const result = (await handle.result().finally(() => clearInterval(watch))) as RunResult;
    const seconds = (Date.now() - t0) / 1000;
    const mem = process.memoryUsage(); // at the end of the run, before listing the workflows
    const rssAtEnd = Math.round(mem.rss / 1048576), heapAtEnd = Math.round(mem.heapUsed / 1048576);
    // Largest history of the run's workflows (visibility lists every one with its length).
    let maxHistory = 0, maxId = '', workflows = 0;
    for await (const w of client.workflow.list({ query: 'RunName = "scale"' })) {
      workflows++;
      if (w.historyLength > maxHistory) {
        maxHistory = w.historyLength;
        maxId = w.workflowId;
      }
    }
    worker.shutdown();
    await running;
    clearInterval(sampler);
    process.stdout.write(`host: ${os.cpus().length} cores; worker activity slots ${profile.activitySlots}\n`);
    process.stdout.write(`jobs=${result.jobs} done=${result.done} failed=${result.failed} workflows=${workflows} seconds=${seconds.toFixed(1)}\n`);
    process.stdout.write(`stages: ${stages.map(([name, ms], i) => `${name} ${(((stages[i + 1]?.[1] ?? seconds * 1000) - ms) / 1000).toFixed(1)} s`).join(', ')}\n`);
    process.stdout.write(`largest history: ${maxHistory} events (${maxId}); worker peak RSS ${Math.round(peakRss / 1048576)} MB ` +
      `(at the end of the run: RSS ${rssAtEnd} MB, JS heap used ${heapAtEnd} MB)\n`);
    process.stdout.write(`ms_per_job=${((seconds * 1000) / result.jobs).toFixed(1)} max_history_events=${maxHistory}\n`);
  } finally {
    clearInterval(sampler);
    await server.stop();
  }
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
