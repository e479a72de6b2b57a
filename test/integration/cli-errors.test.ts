import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { corpus } from '../corpus/cases';
import { expectFailedRunInvariants, expectRunInvariants, ROOT, startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';

/** What a person sees from the `sweepflow` CLI: root causes, exit codes, refusals, warnings, a quiet demo. */
const dir = path.join(TEST_OUTPUT, 'cli-errors');
const queue = 'it-cli-errors';
const CLI = path.join(ROOT, 'dist', 'client', 'cli.js');
let env: TestEnv;

const H = 'order_id,timestamp,sequence,security_code,side,price,quantity,leavesquantity,totalmatchedquantity,exchangeordertype,participantid';
const rows = (n: number): string => [H, ...Array.from({ length: n }, (_, i) => `${7904794000124134556n + BigInt(i)},${1725494536001032398n + BigInt(i)},${i},110621,1,3335,100,100,0,2048,54`)].join('\n') + '\n';

function config(name: string, orders: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, baseDir: dir, inputs: { orders }, ...extra }));
  return file;
}

/** Runs the CLI without blocking this process (the tests' worker runs in it). */
function cli(args: string[], env2: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', [CLI, ...args], { env: { ...process.env, TEMPORAL_ADDRESS: env.address, SWEEPFLOW_TASK_QUEUE: queue, ...env2 } });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out, err }); });
  });
}

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'nocol'), { recursive: true });
  writeFileSync(path.join(dir, 'nocol', 'a.csv'), rows(3).replace('participantid', 'participant'));
  mkdirSync(path.join(dir, 'gz'), { recursive: true });
  const whole = gzipSync(rows(3000));
  writeFileSync(path.join(dir, 'gz', 'a.csv.gz'), whole.subarray(0, whole.length >> 1));
  mkdirSync(path.join(dir, 'ok'), { recursive: true });
  writeFileSync(path.join(dir, 'ok', 'a.csv'), rows(5));
  env = await startTestEnv('cli-errors');
  await env.startWorker(queue);
});

afterAll(async () => {
  await env?.teardown();
});

it(corpus('E01') + '; ' + corpus('E05'), async () => {
  const r = await cli(['run', '-c', config('nocol', 'nocol')]);
  expect(r.code).toBe(2);
  expect(r.err).toContain(`${path.join(dir, 'nocol', 'a.csv')}: orders file is missing required column 'participantid' (looked for header 'participantid')`);
  expect(r.err).not.toContain('Activity task failed');
  const s = await cli(['status', 'nocol']);
  expect(s.out).toContain("why: the run cannot start:");
  expect(s.out).toContain("missing required column 'participantid'");
});

it(corpus('E02'), async () => {
  const r = await cli(['run', '-c', config('badgz', 'gz')]);
  expect(r.code).toBe(2);
  expect(r.err).toContain(`${path.join(dir, 'gz', 'a.csv.gz')}: corrupt gzip`);
  await expectFailedRunInvariants(path.join(dir, 'work', 'badgz'));
});

it(corpus('E06') + '; ' + corpus('E07'), async () => {
  // A run held open: its task queue has no worker (a typo), so it waits; the CLI warns within seconds.
  const child = spawn('node', [CLI, 'run', '--no-worker', '-c', config('held', 'ok')],
    { env: { ...process.env, TEMPORAL_ADDRESS: env.address, SWEEPFLOW_TASK_QUEUE: 'sweepflwo' } });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const deadline = Date.now() + 30_000;
  while (!err.includes('no worker is polling') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  expect(err).toContain("sweepflow: no worker is polling task queue 'sweepflwo' (SWEEPFLOW_TASK_QUEUE)");
  // The same name with another config, while it runs: refused.
  const other = config('held', 'ok', { thresholds: { maxRejectShare: 0.5 } });
  const r = await cli(['run', '--no-worker', '-c', other], { SWEEPFLOW_TASK_QUEUE: 'sweepflwo' });
  expect(r.code).toBe(2);
  expect(r.err).toContain('run held is already running (sweepflow-held) with a different config');
  child.kill('SIGINT');
  await env.client.workflow.getHandle('sweepflow-held').terminate('test over');
});

it(corpus('N01'), async () => {
  const demo = (): { code: number | null; out: string } => {
    const r = spawnSync('npm', ['run', 'demo'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TEMPORAL_ADDRESS: '' }, timeout: 300_000 });
    return { code: r.status, out: r.stdout + r.stderr };
  };
  demo(); // warms: generated data, compiled code
  const warm = demo();
  expect(warm.code).toBe(0);
  const lines = warm.out.trimEnd().split('\n');
  expect(lines.length).toBeLessThan(15);
  expect(warm.out).toMatch(/run sample: 12 jobs \(0 done, 12 skipped, 0 failed, 0 empty\), 10,304 Centre Point orders/);
  expect(lines.find((l) => l.trim().startsWith('log:'))).toMatch(/work\/sample\/logs\/.*\.log$/);
  expect(warm.out).not.toMatch(/webpack|asset workflow-bundle|taskToken/);
  // The demo's base folder is the project: the dev server's state, builds and test logs live there too.
  await expectRunInvariants(path.join(ROOT, 'out', 'sample', 'summary.json'),
    ['.state', 'test-output', 'node_modules', '.tools', 'dist', '.git', 'data'].map((d) => path.join(ROOT, d)));
});
