import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SEARCH_ATTRIBUTES } from '../workflows/shared';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Finds or builds the Temporal CLI through the project's script (PATH > .tools/bin > go install). */
export function ensureTemporalCli(): string {
  const script = path.join(PROJECT_ROOT, 'scripts', 'ensure-temporal.sh');
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ENSURE_TEMPORAL_QUIET: '1' } });
  const bin = out.trim().split('\n').pop();
  if (!bin) throw new Error('scripts/ensure-temporal.sh printed no binary path');
  return bin;
}

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export interface DevServerOptions {
  /** gRPC port. @default 7233 */
  port?: number;
  /** Web UI port. @default port + 1000 (8233) */
  uiPort?: number;
  /** SQLite file: history survives restarts. @default <project>/.state/temporal.db; null = in memory */
  dbFile?: string | null;
  /** Extra `start-dev` arguments (e.g. `--dynamic-config-value k=v`). @default [] */
  extraArgs?: string[];
  /** Server log file. @default <project>/.state/temporal-server.log */
  logFile?: string;
  /** Seconds to wait for the port. @default 60 */
  startTimeoutSeconds?: number;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  /** False when a server was already listening and is reused (stop() then leaves it alone). */
  started: boolean;
  /** The server's process id; undefined when a running server is reused. */
  pid?: number;
  stop(): Promise<void>;
  /** Kills the server outright (SIGKILL), as a crash would; for fault tests. */
  kill(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` on 127.0.0.1 with a SQLite file, the Web UI, and the pipeline's
 * search attributes registered. Reuses a server already listening on the port.
 */
export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const port = opts.port ?? 7233;
  const uiPort = opts.uiPort ?? port + 1000;
  const address = `127.0.0.1:${port}`;
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  if (await portOpen(port)) return { address, uiUrl, started: false, stop: async () => undefined, kill: async () => undefined };
  const bin = ensureTemporalCli();
  const stateDir = path.join(PROJECT_ROOT, '.state');
  mkdirSync(stateDir, { recursive: true });
  const dbFile = opts.dbFile === undefined ? path.join(stateDir, 'temporal.db') : opts.dbFile;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort),
    '--log-level', 'warn', ...(dbFile ? ['--db-filename', dbFile] : [])];
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  args.push(...(opts.extraArgs ?? []));
  const logFile = opts.logFile ?? path.join(stateDir, 'temporal-server.log');
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', log, log], detached: false });
  let exited: number | null = null;
  child.once('exit', (code) => { exited = code ?? -1; });
  const deadline = Date.now() + (opts.startTimeoutSeconds ?? 60) * 1000;
  while (!(await portOpen(port))) {
    if (exited !== null) throw new Error(`temporal server start-dev exited with ${exited}: ${lastLine(logFile)} (see ${logFile})`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`temporal server start-dev did not open ${address} in time`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    address, uiUrl, started: true, pid: child.pid,
    stop: () => new Promise<void>((resolve) => {
      if (exited !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }),
    kill: () => new Promise<void>((resolve) => {
      if (exited !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }),
  };
}

/** The log's last non-empty line, where start-dev writes why it stopped (e.g. a port already in use). */
function lastLine(file: string): string {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return (lines.at(-1) ?? '(empty log)').slice(0, 500);
}
