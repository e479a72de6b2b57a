#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { Client } from '@temporalio/client';
import { detectHost } from '../config/host-profile';
import { EnvError, envLogLevel } from '../config/env';
import { ConfigError, loadConfigFile } from '../config/load';
import { generate } from '../generator/generate';
import { buildReport } from '../report/report';
import { logger } from '../worker/logger';
import { createSweepflowWorker } from '../worker/worker';
import { workerStartAdvice } from '../worker/memory';
import { clientConnection, serviceSettings, workerConnection } from './connection';
import { startDevServer } from './dev-server';
import { cancelRun, resumeRun } from './control';
import { runDemo } from './demo';
import { createSchedule, parseInterval, scheduleId } from './schedule';
import { statusText } from './status';
import { rootCause, RunFailedError, runPipeline, summaryLines, type RunOutcome } from './run';

const program = new Command('sweepflow')
  .description('ASX Centre Point order analytics, as a durable pipeline on Temporal')
  .showHelpAfterError();

function fail(e: unknown): never {
  if (e instanceof ConfigError) {
    process.stderr.write(e.message + '\n');
    process.exit(2);
  }
  if (e instanceof EnvError) {
    process.stderr.write(`sweepflow: ${e.message}\n`);
    process.exit(2);
  }
  if (e instanceof RunFailedError) {
    process.stderr.write(`sweepflow: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  // Anything else (a refused start, a lost connection): the deepest cause, with the wrapper's words before it.
  const outer = (e as Error).message;
  const { message } = rootCause(e);
  process.stderr.write(`sweepflow: ${message === outer ? outer : `${outer}: ${message}`}\n`);
  process.exit(1);
}

function printOutcome(outcome: RunOutcome, json = false): void {
  process.stdout.write(json ? JSON.stringify(outcome.result, null, 2) + '\n' : summaryLines(outcome).join('\n') + '\n');
}

program.command('run')
  .description('run the pipeline for a config (embedded server and worker unless TEMPORAL_ADDRESS is set)')
  .requiredOption('-c, --config <file>', 'run config (JSON)')
  .option('--keep-server', 'leave the embedded Temporal server (and its UI) running afterwards')
  .option('--no-worker', 'do not start an in-process worker (use workers started with `sweepflow worker`)')
  .option('--verbose', 'worker and SDK logs on the terminal too (they always go to the log file)')
  .option('--json', 'print the whole run result as JSON instead of the summary')
  .action(async (o: { config: string; keepServer?: boolean; worker: boolean; verbose?: boolean; json?: boolean }) => {
    try {
      const config = loadConfigFile(o.config);
      const outcome = await runPipeline(config, { keepServer: o.keepServer, inProcessWorker: o.worker ? undefined : false, logFile: 'auto', verbose: o.verbose });
      printOutcome(outcome, o.json);
      process.exit(outcome.result.failed > 0 ? 3 : 0);
    } catch (e) {
      fail(e);
    }
  });

program.command('server')
  .description('start the embedded Temporal dev server (SQLite in .state/, UI on 8233) until Ctrl-C')
  .option('--port <n>', 'gRPC port', '7233')
  .option('--ui-port <n>', 'Web UI port', '8233')
  .action(async (o: { port: string; uiPort: string }) => {
    try {
      const server = await startDevServer({ port: Number(o.port), uiPort: Number(o.uiPort) });
      if (!server.started) process.stdout.write(`a server is already listening on ${server.address}\n`);
      process.stdout.write(`temporal dev server: ${server.address}\nweb ui: ${server.uiUrl}\nCtrl-C stops it\n`);
      const stop = (): void => { void server.stop().then(() => process.exit(0)); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    } catch (e) {
      fail(e);
    }
  });

program.command('worker')
  .description('run a worker (sized from this host) until SIGINT/SIGTERM, then drain in-flight work')
  .action(async () => {
    try {
      envLogLevel();
      const settings = serviceSettings();
      const { worker, profile } = await createSweepflowWorker({
        connection: await workerConnection(settings), namespace: settings.namespace,
        taskQueue: process.env.SWEEPFLOW_TASK_QUEUE || undefined,
      });
      logger.info({ profile, address: settings.address, namespace: settings.namespace }, 'worker started');
      const advice = workerStartAdvice();
      if (advice) logger.warn(advice);
      await worker.run(); // the SDK runtime turns SIGINT/SIGTERM into a graceful shutdown
      logger.info('worker stopped');
    } catch (e) {
      fail(e);
    }
  });

program.command('generate')
  .description('write realistic ASX-format inputs and truth.json')
  .addOption(new Option('--securities <n>', 'securities').default('3'))
  .addOption(new Option('--dates <n>', 'trading dates').default('2'))
  .addOption(new Option('--rows-per-job <n>', 'order event rows per (security, date)').default('2000'))
  .addOption(new Option('--seed <n>', 'random seed').default('1'))
  .addOption(new Option('--start-date <date>', 'first trading date').default('2024-09-30'))
  .option('--gzip', 'write .csv.gz')
  .option('--small-files', 'one file per (security, date) per kind')
  .requiredOption('--out <dir>', 'output folder')
  .action(async (o: Record<string, string | boolean | undefined>) => {
    try {
      const t0 = Date.now();
      const truth = await generate({
        securities: Number(o.securities), dates: Number(o.dates), rowsPerJob: Number(o.rowsPerJob), seed: Number(o.seed),
        out: String(o.out), startDate: String(o.startDate), gzip: Boolean(o.gzip), smallFiles: Boolean(o.smallFiles),
      });
      process.stdout.write(`generated ${Object.keys(truth.jobs).length} jobs, ${truth.totals.orderRows} order rows, ` +
        `${truth.totals.tradeRows} trade rows in ${((Date.now() - t0) / 1000).toFixed(1)}s -> ${o.out}\n`);
    } catch (e) {
      fail(e);
    }
  });

const configCmd = program.command('config').description('inspect configs');
configCmd.command('show')
  .description('print the effective config (defaults and SWEEPFLOW_* overrides applied) and the host profile')
  .requiredOption('-c, --config <file>', 'run config (JSON)')
  .action(async (o: { config: string }) => {
    try {
      const config = loadConfigFile(o.config);
      const host = await detectHost(config.processing);
      process.stdout.write(JSON.stringify({ config, host }, null, 2) + '\n');
    } catch (e) {
      fail(e);
    }
  });

program.command('status')
  .description('a run\'s state, progress bar and security x date grid (needs its server: TEMPORAL_ADDRESS or the embedded one)')
  .argument('<run>', 'run name')
  .option('-w, --watch', 'redraw every 2 s until the run closes')
  .action(async (run: string, o: { watch?: boolean }) => {
    try {
      const settings = serviceSettings();
      const client = new Client({ connection: await clientConnection(settings), namespace: settings.namespace });
      for (;;) {
        const { text, closed } = await statusText(client, run);
        process.stdout.write((o.watch ? '\x1b[2J\x1b[H' : '') + text + '\n');
        if (!o.watch || closed) break;
        await new Promise((r) => setTimeout(r, 2000));
      }
      process.exit(0);
    } catch (e) {
      fail(e);
    }
  });

program.command('resume')
  .description('rerun exactly the failed or missing jobs of a run (same config), then merge again')
  .argument('<run>', 'run name')
  .option('--keep-server', 'leave the embedded server running afterwards')
  .option('--no-worker', 'do not start an in-process worker')
  .option('--verbose', 'worker and SDK logs on the terminal too (they always go to the log file)')
  .option('--json', 'print the whole run result as JSON instead of the summary')
  .action(async (run: string, o: { keepServer?: boolean; worker: boolean; verbose?: boolean; json?: boolean }) => {
    try {
      const outcome = await resumeRun(run, { keepServer: o.keepServer, inProcessWorker: o.worker ? undefined : false, logFile: 'auto', verbose: o.verbose });
      const { result } = outcome;
      printOutcome(outcome, o.json);
      process.exit(result.failed > 0 ? 3 : 0);
    } catch (e) {
      fail(e);
    }
  });

program.command('cancel')
  .description('cancel a run, its job workflows and their activities')
  .argument('<run>', 'run name')
  .action(async (run: string) => {
    try {
      process.stdout.write((await cancelRun(run)) + '\n');
      process.exit(0);
    } catch (e) {
      fail(e);
    }
  });

program.command('report')
  .description('rebuild a run\'s self-contained HTML report from its outputs and print its path')
  .argument('<run>', 'run name')
  .option('--output-dir <dir>', 'the output folder the run wrote to (output.dir)', 'out')
  .action(async (run: string, o: { outputDir: string }) => {
    try {
      process.stdout.write((await buildReport(path.resolve(o.outputDir, run))) + '\n');
      process.exit(0);
    } catch (e) {
      fail(e);
    }
  });

const scheduleCmd = program.command('schedule').description('continuous incremental runs with Temporal Schedules');
scheduleCmd.command('create')
  .description('start the run every interval; each start runs only new or changed jobs (needs a running server and worker)')
  .requiredOption('-c, --config <file>', 'run config (JSON)')
  .requiredOption('--every <interval>', 'e.g. 30m, 1h, 1d')
  .action(async (o: { config: string; every: string }) => {
    try {
      const every = parseInterval(o.every);
      if (!every) throw new Error(`--every '${o.every}': expected a number and a unit s, m, h or d (e.g. 15m)`);
      const config = loadConfigFile(o.config);
      const settings = serviceSettings();
      const client = new Client({ connection: await clientConnection(settings), namespace: settings.namespace });
      const handle = await createSchedule(client, config, every, process.env.SWEEPFLOW_TASK_QUEUE || undefined);
      process.stdout.write(`schedule ${handle.scheduleId}: run ${config.name} every ${o.every} (temporal schedule describe --schedule-id ${handle.scheduleId})\n`);
      process.exit(0);
    } catch (e) {
      fail(e);
    }
  });
scheduleCmd.command('delete')
  .argument('<run>', 'run name')
  .action(async (run: string) => {
    try {
      const settings = serviceSettings();
      const client = new Client({ connection: await clientConnection(settings), namespace: settings.namespace });
      await client.schedule.getHandle(scheduleId(run)).delete();
      process.stdout.write(`deleted schedule ${scheduleId(run)}\n`);
      process.exit(0);
    } catch (e) {
      fail(e);
    }
  });

program.command('demo')
  .description('generate sample data (once), run the pipeline on the embedded server, check it against truth.json')
  .option('--keep-server', 'leave the embedded server and UI running')
  .option('--verbose', 'worker and SDK logs on the terminal too (they always go to the log file)')
  .action(async (o: { keepServer?: boolean; verbose?: boolean }) => {
    try {
      process.exit(await runDemo({ keepServer: o.keepServer, verbose: o.verbose }));
    } catch (e) {
      fail(e);
    }
  });

program.command('version').action(() => {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  process.stdout.write(`sweepflow ${pkg.version}\n`);
});

program.parseAsync(process.argv).catch(fail);
