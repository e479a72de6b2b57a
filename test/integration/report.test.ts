import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { generate } from '../../src/generator/generate';
import type { RunResult } from '../../src/workflows/types';
import { startTestEnv, TEST_OUTPUT, type TestEnv } from '../helpers/temporal-env';

/**
 * The HTML report of a generated run, loaded in headless Chromium (Debian's, installed by
 * scripts/ensure-chromium.sh): the status grid, the charts (section 12's markout curves, fill-probability curve,
 * spreads and price improvement by security and participant, outside-NBBO fills among them) and paginated,
 * sortable tables render; the screenshot is saved with the test output (test-output/report.png).
 */
const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) console.warn(`SKIPPED: the report test needs ${CHROMIUM} (scripts/ensure-chromium.sh installs it as root).`);
const maybe = present ? it : it.skip;

const dir = path.join(TEST_OUTPUT, 'report');
const queue = 'it-report';
let env: TestEnv;
let result: RunResult;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await generate({ securities: 4, dates: 5, rowsPerJob: 400, seed: 17, out: path.join(dir, 'data') });
  env = await startTestEnv('report');
  await env.startWorker(queue);
  result = await env.client.workflow.execute('pipelineRun', {
    taskQueue: queue, workflowId: 'sweepflow-report',
    args: [{ name: 'report', baseDir: dir, inputs: { orders: 'data/orders', trades: 'data/trades', nbbo: 'data/nbbo', participants: 'data/participants.csv' },
      jobs: { securities: ['110621', '111634', '112647', '113660', '999999'], dates: 'auto' } }],
  });
});

afterAll(async () => {
  await env?.teardown();
});

it('writes every rollup level as CSV and Parquet, jobs.csv and a self-contained report', () => {
  expect(result).toMatchObject({ jobs: 20, done: 20, empty: 5 });
  const summary = JSON.parse(readFileSync(result.summaryFile, 'utf8'));
  expect(summary.rollups.filter((f: string) => f.endsWith('.parquet'))).toHaveLength(12);
  const html = readFileSync(path.join(result.out, 'report.html'), 'utf8');
  expect(html).not.toMatch(/(src|href)="https?:/); // nothing fetched from the network
  const jobs = readFileSync(path.join(result.out, 'jobs.csv'), 'utf8').trim().split('\n');
  expect(jobs).toHaveLength(1 + 20 + 5);
  expect(jobs.filter((l) => l.includes(',empty,'))).toHaveLength(5);
});

maybe('renders the grid, the charts (markout and fill-probability curves among them) and paginated, sortable tables in headless Chromium', async () => {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${path.join(result.out, 'report.html')}`);
    // Grid: one cell per (security, date) of the matrix, drawn on a canvas, with hover details.
    const grid = page.locator('canvas#grid');
    expect(await grid.getAttribute('data-cells')).toBe(String(5 * 5));
    const box = (await grid.boundingBox())!;
    expect(box.width).toBeGreaterThan(20);
    await page.mouse.move(box.x + 72 + 3, box.y + 64 + 3); // past the security and date labels
    await expect(page.locator('#gridinfo').textContent()).resolves.toMatch(/^110621 2024-09-30: done/);
    // Charts: bar charts with bars, line charts with one point per horizon and series.
    for (const id of ['chart-fill-status', 'chart-hour', 'chart-size', 'chart-cost', 'chart-improvement', 'chart-spread-security', 'chart-spread-participant', 'chart-outside-nbbo']) {
      expect([id, await page.locator(`svg#${id} rect.bar`).count() > 0]).toEqual([id, true]);
    }
    expect(await page.locator('svg#chart-markout-security circle.point').count()).toBe(4 * 5); // 4 securities x 5 horizons
    expect(await page.locator('svg#chart-markout-kind circle.point').count()).toBe(2 * 5); // sweeps, other orders
    expect(await page.locator('svg#chart-fill-probability circle.point').count()).toBe(2 * 5);
    expect(await page.locator('svg#chart-markout-security path.line').count()).toBe(4);
    // Spread and improvement bars are grouped: two per security (when both are non-zero).
    expect(await page.locator('svg#chart-spread-security rect.bar').count()).toBeGreaterThanOrEqual(4);
    const fp = await page.locator('svg#chart-fill-probability circle.point title').allTextContents();
    expect(fp.every((t) => { const v = Number(t.split(': ')[1]); return v >= 0 && v <= 1; })).toBe(true);
    await expect(page.locator('#headline').textContent()).resolves.toMatch(/fills[\d,]+, of which [\d,]+ outside the NBBO/);
    // Tables: 12 levels; pagination and sorting work.
    expect(await page.locator('#tabs button').count()).toBe(12);
    await page.click('#tabs button[data-level="hourly_series"]');
    expect(await page.locator('#table tbody tr').count()).toBe(25);
    await page.click('#next');
    await expect(page.locator('#pageno').textContent()).resolves.toBe('2');
    await page.click('#tabs button[data-level="security"]');
    await page.click('#table th[data-k="orders"]');
    const orders = await page.locator('#table tbody tr td:nth-child(2)').allTextContents();
    expect(orders.map(Number)).toEqual([...orders.map(Number)].sort((a, b) => b - a));
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'report.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});
