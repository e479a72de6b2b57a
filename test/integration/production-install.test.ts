import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkRunInvariants } from '../../src/jobs/run-invariants';
import type { RunResult } from '../../src/workflows/types';
import { ROOT, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';

/**
 * A production install, laid out as the Dockerfile's runtime stage: package.json and its lockfile, dist/,
 * bin/ and config/, and node_modules from `npm ci --omit=dev` (no dev dependency at all). A worker process
 * and the CLI (--no-worker) run from that folder alone, against a real server, through a whole run
 * (plan, shard, jobs, merge, report).
 */
const app = path.join(TEST_OUTPUT, 'production-install', 'app');
const data = path.join(TEST_OUTPUT, 'production-install', 'data');
let env: TestEnv;

beforeAll(async () => {
  rmSync(path.dirname(app), { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) cpSync(path.join(ROOT, f), path.join(app, f));
  for (const d of ['dist', 'bin', 'config']) cpSync(path.join(ROOT, d), path.join(app, d), { recursive: true });
  const ci = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, encoding: 'utf8' });
  if (ci.status !== 0) throw new Error(`npm ci --omit=dev failed: ${ci.stderr}`);
  env = await startTestEnv('production-install');
}, 300_000);

afterAll(async () => {
  await env?.teardown();
});

function du(dir: string): number {
  return Number(spawnSync('du', ['-sb', dir], { encoding: 'utf8' }).stdout.split('\t')[0]);
}

const node = (args: string[], extra: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(app, 'dist', 'client', 'cli.js'), ...args], {
      cwd: data, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', ...extra }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });

it('has only runtime dependencies installed', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const installed = new Set(readdirSync(path.join(app, 'node_modules')).flatMap((d) => (d.startsWith('@') ? readdirSync(path.join(app, 'node_modules', d)).map((s) => `${d}/${s}`) : [d])));
  for (const dep of Object.keys(pkg.dependencies)) expect(installed.has(dep)).toBe(true);
  // What the lockfile marks dev-only (devDependencies and what only they need) is absent; a devDependency
  // that a runtime package needs too (the lockfile says so) is legitimately there.
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const devOnly = Object.entries(lock.packages).filter(([p, e]) => e.dev && /^node_modules\/[^/]+(\/[^/]+)?$/.test(p) && !p.slice(13).includes('/node_modules'))
    .map(([p]) => p.slice('node_modules/'.length)).filter((n) => !n.includes('/') || n.startsWith('@'));
  expect(devOnly.length).toBeGreaterThan(100);
  expect(devOnly.filter((n) => installed.has(n))).toEqual([]);
  for (const dev of ['typescript', 'jest', 'csv-parse', '@duckdb/node-api', 'eslint']) expect(installed.has(dev)).toBe(false);
  console.log(`production layout: node_modules ${(du(path.join(app, 'node_modules')) / 1e6).toFixed(1)} MB (${installed.size} packages), ` +
    `dist ${(du(path.join(app, 'dist')) / 1e6).toFixed(1)} MB, whole app folder ${(du(app) / 1e6).toFixed(1)} MB`);
});

it('runs a whole pipeline from the production install alone', async () => {
  mkdirSync(data, { recursive: true });
  const connect = { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default', SWEEPFLOW_TASK_QUEUE: 'prod-install', SWEEPFLOW_LOG_LEVEL: 'warn' };
  expect((await node(['generate', '--out', 'inputs', '--securities', '2', '--dates', '2', '--rows-per-job', '2000'], connect)).code).toBe(0);
  writeFileSync(path.join(data, 'run.json'), JSON.stringify({ name: 'prod', inputs: { orders: 'inputs/orders', trades: 'inputs/trades', nbbo: 'inputs/nbbo' } }));
  const worker = spawn(process.execPath, [path.join(app, 'dist', 'client', 'cli.js'), 'worker'], {
    cwd: data, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', ...connect }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const run = await node(['run', '-c', 'run.json', '--no-worker', '--json'], connect);
    expect(run.stderr).not.toMatch(/error|cannot find module/i);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as RunResult;
    expect(result).toMatchObject({ jobs: 4, done: 4, failed: 0 });
    expect(existsSync(path.join(result.out, 'report.html'))).toBe(true);
    expect(await checkRunInvariants(result.summaryFile)).toEqual([]);
  } finally {
    worker.kill('SIGTERM');
  }
});
