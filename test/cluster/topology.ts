import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parse as parseYaml } from 'yaml';
import { parse as parseCsv } from 'csv-parse/sync';

/**
 * The production topology as processes on this machine: PostgreSQL and the Temporal server (scripts/
 * cluster.sh, started once by jest.cluster.config's global setup), worker processes started exactly as
 * docker-compose.yml starts them (its worker command and environment, the Dockerfile's entrypoint), each
 * in a working directory of its own, and the CLI with --no-worker. Nothing is shared but the data folder.
 */
export const ROOT = path.resolve(__dirname, '..', '..');
export const CLUSTER_OUTPUT = path.join(ROOT, 'test-output', 'cluster');
export const ADDRESS = process.env.SWEEPFLOW_CLUSTER_ADDRESS ?? '127.0.0.1:7333';
const CLI = path.join(ROOT, 'dist', 'client', 'cli.js');

/** The Dockerfile's runtime stage: from its last FROM on. */
function dockerRuntimeStage(): string {
  const docker = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  return docker.slice(docker.lastIndexOf('\nFROM '));
}

/** The environment the Dockerfile's runtime stage gives every container: its `ENV KEY=value` lines. */
export function dockerRuntimeEnv(): Record<string, string> {
  return Object.fromEntries([...dockerRuntimeStage().matchAll(/^ENV\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$/gm)].map((m) => [m[1], m[2]]));
}

/** The runtime stage's ENTRYPOINT: node, its flags, and the script. */
export function dockerEntrypoint(): { nodeFlags: string[]; script: string } {
  const entrypoints = [...dockerRuntimeStage().matchAll(/^ENTRYPOINT\s+(\[.*\])\s*$/gm)].map((m) => JSON.parse(m[1]) as string[]);
  if (entrypoints.length !== 1) throw new Error(`the Dockerfile's runtime stage has ${entrypoints.length} ENTRYPOINT lines, not 1`);
  const entrypoint = entrypoints[0];
  const script = entrypoint.length - 1;
  if (entrypoint[0] !== 'node' || entrypoint[script] !== 'dist/client/cli.js') throw new Error(`unexpected Dockerfile ENTRYPOINT ${JSON.stringify(entrypoint)}`);
  return { nodeFlags: entrypoint.slice(1, script), script: entrypoint[script] };
}

/** The worker service of docker-compose.yml: its command (after the image's entrypoint) and environment (the image's, then compose's). */
export function composeWorker(): { nodeFlags: string[]; argv: string[]; env: Record<string, string> } {
  const compose = parseYaml(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: { worker: { command: string[]; environment: Record<string, string> } };
  };
  const { nodeFlags, script } = dockerEntrypoint();
  const { command, environment } = compose.services.worker;
  // Here the server is on loopback instead of the compose network's `temporal` host.
  return { nodeFlags, argv: [script, ...command], env: { ...dockerRuntimeEnv(), ...environment, TEMPORAL_ADDRESS: ADDRESS } };
}

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  /** Its Temporal worker identity (`pid@host`), to tell which worker ran what. */
  identity: string;
  exited: Promise<number | null>;
}

/** Starts worker `name` the compose way, in its own working directory, logging to test-output/cluster/<name>.log. */
export function startWorker(name: string, extraEnv: Record<string, string> = {}): WorkerProcess {
  const { nodeFlags, argv, env } = composeWorker();
  const cwd = path.join(CLUSTER_OUTPUT, 'workers', name);
  mkdirSync(cwd, { recursive: true });
  const log = createWriteStream(path.join(CLUSTER_OUTPUT, `${name}.log`), { flags: 'a' });
  // The image's working directory holds dist/; here the entrypoint's script path is made absolute instead.
  const child = spawn(process.execPath, [...nodeFlags, path.join(ROOT, argv[0]), ...argv.slice(1)], {
    cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, identity: `${child.pid}@`, exited };
}

/**
 * Waits until each of these worker processes polls the task queue for activities (each bundles the
 * workflows first: seconds). By identity, since the server lists pollers for minutes after they stop.
 */
export async function waitForPollers(client: Client, workers: WorkerProcess[], taskQueue = 'sweepflow', timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 2 });
    const seen = r.pollers.map((p) => p.identity ?? '');
    const missing = workers.filter((w) => !seen.some((id) => id.startsWith(w.identity)));
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`workers ${missing.map((w) => w.name).join(', ')} do not poll ${taskQueue} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 500));
  }
}

export async function stopWorker(w: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  w.child.kill(signal);
  await w.exited;
}

/** The sweepflow CLI against the cluster (`--no-worker` where it runs a pipeline), asynchronously. */
export function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: CLUSTER_OUTPUT, env: { ...process.env, TEMPORAL_ADDRESS: ADDRESS, TEMPORAL_NAMESPACE: 'default', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function connect(): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: ADDRESS });
  return { client: new Client({ connection, namespace: 'default' }), connection };
}

/** scripts/cluster.sh with a command (kill-server, start-server, restart-postgres). */
export function clusterScript(command: string): void {
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'cluster.sh'), command], { encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`cluster.sh ${command} failed (${r.status}): ${r.stderr}`);
}

export function writeConfig(file: string, config: Record<string, unknown>): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/**
 * A run's outputs as content checksums, for byte-identity with a reference run: every file but the ones
 * that record times or hosts (summary.json, report.html, the jobs' manifest.json), and jobs.csv with
 * `done` and `skipped` read as one (which of the two a job is depends on the run's history, not its data).
 */
export function outputChecksums(out: string): Record<string, string> {
  const sums: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) { if (e !== 'logs') walk(p); continue; }
      if (['manifest.json', 'summary.json', 'report.html'].includes(e)) continue;
      let bytes: Buffer = readFileSync(p);
      if (path.relative(out, p) === 'jobs.csv') {
        const rows = parseCsv(bytes, { columns: true }) as Record<string, string>[];
        bytes = Buffer.from(JSON.stringify(rows.map((r) => ({ ...r, status: r.status === 'skipped' ? 'done' : r.status }))));
      }
      sums[path.relative(out, p)] = createHash('sha1').update(bytes).digest('hex');
    }
  };
  walk(out);
  return sums;
}

export function resetDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/** Identities of the workers that ran each activity type in a workflow's history. */
export async function activityWorkers(client: Client, workflowId: string): Promise<Map<string, Set<string>>> {
  const byType = new Map<string, Set<string>>();
  const scheduled = new Map<string, string>();
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '?');
    const st = e.activityTaskStartedEventAttributes;
    if (st) {
      const type = scheduled.get(String(st.scheduledEventId)) ?? '?';
      (byType.get(type) ?? byType.set(type, new Set()).get(type)!).add(st.identity ?? '?');
    }
  }
  return byType;
}
