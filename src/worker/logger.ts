import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { envLogLevel } from '../config/env';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

/** The process logger (JSON lines; `SWEEPFLOW_LOG_LEVEL` sets the level). */
export let logger = pino({ name: 'sweepflow', level: (() => {
  try {
    return envLogLevel();
  } catch {
    return 'info'; // reported where it is used: logToFile and the worker command validate it
  }
})() });

let installed: string | null = null;

/**
 * Sends this process's logs (ours and the Temporal SDK's: worker, bundler, core) to `file` as JSON lines,
 * and to stderr as well when `verbose`, so that a CLI run shows a progress line and its summary, not a
 * screenful of worker logs. Installs the SDK runtime: call before the first worker connection. Returns the
 * log file (the first one installed, when called again).
 */
export function logToFile(file: string, verbose = false): string {
  if (installed) return installed;
  mkdirSync(path.dirname(file), { recursive: true });
  const level = envLogLevel();
  // Sync writes: the CLI exits right after its summary, and an async stream would lose the last lines.
  const streams: pino.StreamEntry[] = [{ stream: pino.destination({ dest: file, sync: true, mkdir: true }) }];
  if (verbose) streams.push({ stream: process.stderr });
  logger = pino({ name: 'sweepflow', level }, pino.multistream(streams));
  const sdk = logger.child({ component: 'temporal-sdk' });
  const toPino: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => sdk[toPino[entry.level]]({ ...entry.meta }, entry.message)),
    telemetryOptions: { logging: { filter: 'WARN', forward: {} } },
  });
  installed = file;
  return file;
}
