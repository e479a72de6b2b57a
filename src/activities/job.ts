import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { joinTrades } from '../domain/measures';
import { measureOrder, type ClassificationSettings, type OrderMeasures } from '../domain/order-measures';
import { OrderStateTracker, type OrderStates } from '../domain/order-states';
import { QuoteBook } from '../domain/quotes';
import { addToRollup, emptyRollup, rollupToJson, type CandidateOutcome } from '../domain/rollups';
import { isSweep } from '../domain/order-type';
import { simulateSweeps } from '../domain/simulation';
import { parseTimeOfDay, sydneyTimeOfDayMs, nanosToMillis } from '../domain/sydney-time';
import type { Quote, TradeSide } from '../domain/types';
import { removeStaleTemps, writeFileAtomic, writeJsonAtomic } from '../io/atomic';
import { readCsv } from '../io/csv-file';
import { CANDIDATE_COLUMNS, MATCH_COLUMNS, ORDER_COLUMNS, orderMeasuresFromRow, parseStateLine, stateLine, type OrderWithTrades } from '../io/job-files';
import { writeTable } from '../io/tables';
import { jobOutputDir, safeSegment } from '../io/paths';
import { readOrderEvents, readQuotes, readTrades } from '../io/shard-reader';
import type { IngestResult, JobRef, JobResult, Reconciliation } from '../workflows/types';
import { readSecurityIndex, type JobInputs } from './discover';
import { loadPlan, withHeartbeats, type Plan } from './run-context';

/** manifest.json of a job's output folder: its commit record, and the key to skipping it next time. */
export interface JobManifest {
  security: string;
  date: string;
  fingerprint: string;
  committedAt: string;
  orders: number;
  sweeps: number;
  /** Order event rows: read = kept + filtered + rejected. */
  events: Reconciliation;
  /** Trade rows: kept = joined to a Centre Point order of the job. */
  trades: Reconciliation;
  quotes: Reconciliation;
  fillStatus: { FILLED: number; PARTIAL: number; UNFILLED: number };
  sweepScenario: { A_IMMEDIATE_FULL: number; B_EVENTUAL_FULL: number; C_PARTIAL_NONE: number };
  /** Sum of joined trade quantities. */
  filledQty: number;
  dataQuality: { filledQtyMismatch: number };
  simulation: { candidates: number; matches: number; noQuote: number; limitBlocked: number };
  durationsMs: { ingest: number; classify: number; simulate: number; aggregate: number };
  files: string[];
}

/** Counts handed from ingest to classify and aggregate (work folder). */
interface IngestCounts {
  fingerprint: string;
  events: Reconciliation;
  trades: Reconciliation;
  quotes: Reconciliation;
  orders: number;
  ms: number;
}

function jobWorkDir(work: string, security: string, date: string): string {
  return path.join(work, 'jobstate', safeSegment(security), date);
}

/** Identity of what a job computes from: its shard contents and every setting that changes its figures. */
export function jobFingerprint(inputs: JobInputs, plan: Plan): string {
  const c = plan.config;
  return createHash('sha1').update(JSON.stringify({
    shards: [inputs.orders.sha1, inputs.trades.sha1, inputs.nbbo.sha1],
    counts: [inputs.orders, inputs.trades, inputs.nbbo].map((k) => [k.read, k.kept, k.filtered, k.rejected]),
    filters: c.filters, thresholds: c.thresholds, version: 1,
  })).digest('hex');
}

async function readManifest(dir: string): Promise<JobManifest | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as JobManifest;
  } catch {
    return null;
  }
}

function settingsOf(plan: Plan): ClassificationSettings {
  const c = plan.config;
  return {
    masks: { centrePoint: c.filters.centrePointMask, sweep: c.filters.sweepMask },
    scenario: { fullFillRatio: c.thresholds.fullFillRatio, immediateSeconds: c.thresholds.immediateSeconds },
    sizeEdges: c.thresholds.sizeEdges,
  };
}

/** Participant list and trading-hours window, applied to an order by its arrival (both off by default). */
function orderRuleFilter(plan: Plan): (s: OrderStates) => boolean {
  const f = plan.config.filters;
  const allowed = f.participants ? new Set(f.participants) : null;
  const start = f.tradingHours ? parseTimeOfDay(f.tradingHours.start)! : null;
  const end = f.tradingHours ? parseTimeOfDay(f.tradingHours.end)! : null;
  return (s) => {
    if (allowed && !allowed.has(s.arrival.participantId)) return false;
    if (start !== null && end !== null) {
      const t = sydneyTimeOfDayMs(nanosToMillis(s.arrival.timestamp));
      if (t < start || t >= end) return false;
    }
    return true;
  };
}

function shardPaths(work: string, files: string[]): string[] {
  return files.map((f) => path.join(work, f));
}

/**
 * Ingest: reduce the partition's order events to each order's states (three events per order, streamed),
 * apply the order filters, join trades by order id. Skips the whole job when its manifest matches.
 */
async function ingestJobWork(job: JobRef): Promise<IngestResult> {
  const t0 = Date.now();
  const { plan, paths } = await loadPlan(job.run);
  const inputs = (await readSecurityIndex(paths.work, job.security)).dates[job.date];
  if (!inputs) throw ApplicationFailure.nonRetryable(`job ${job.security}/${job.date} is not in the job index`, 'JobMissing');
  const fingerprint = jobFingerprint(inputs, plan);
  const outDir = jobOutputDir(paths, job.security, job.date);
  const manifest = await readManifest(outDir);
  if (manifest && manifest.fingerprint === fingerprint) {
    return { skipped: true, orders: manifest.orders, events: manifest.events };
  }
  const read = inputs.orders.read + inputs.trades.read + inputs.nbbo.read;
  const rejected = inputs.orders.rejected + inputs.trades.rejected + inputs.nbbo.rejected;
  const limit = plan.config.thresholds.maxRejectShare;
  if (read > 0 && rejected / read > limit) {
    throw ApplicationFailure.nonRetryable(
      `job ${job.security}/${job.date}: ${rejected} of ${read} input rows rejected ` +
      `(${(100 * rejected / read).toFixed(2)}%), above the limit of ${(100 * limit).toFixed(2)}% ` +
      `(thresholds.maxRejectShare); the reasons are in ${paths.rejects}`, 'RejectLimit');
  }

  const tracker = new OrderStateTracker();
  let n = 0;
  await readOrderEvents(shardPaths(paths.work, inputs.orders.files), (e) => {
    tracker.add(e);
    if (++n % 100_000 === 0) heartbeat({ events: n });
  });
  const keep = orderRuleFilter(plan);
  const kept = new Map<bigint, { states: OrderStates; trades: TradeSide[] }>();
  let ruleFilteredEvents = 0;
  for (const s of tracker.states()) {
    if (keep(s)) kept.set(s.arrival.orderId, { states: s, trades: [] });
    else ruleFilteredEvents += s.events;
  }
  // Keep only trades of kept orders while streaming (the shards also hold lit trades and the other side of
  // every match): memory follows the joined trades, not the partition's whole trade file.
  const partitionTrades: TradeSide[] = [];
  await readTrades(shardPaths(paths.work, inputs.trades.files), (t) => {
    if (kept.has(t.orderId)) partitionTrades.push(t);
  });
  const { byOrder } = joinTrades(kept, partitionTrades);
  for (const [id, trades] of byOrder) kept.get(id)!.trades = trades;
  const joined = partitionTrades.length;
  const dir = jobWorkDir(paths.work, job.security, job.date);
  await mkdir(dir, { recursive: true });
  let text = '';
  for (const o of kept.values()) text += stateLine(o);
  await writeFileAtomic(path.join(dir, 'states.jsonl'), text);
  const events: Reconciliation = {
    read: inputs.orders.read, kept: inputs.orders.kept - ruleFilteredEvents,
    filtered: inputs.orders.filtered + ruleFilteredEvents, rejected: inputs.orders.rejected,
  };
  const counts: IngestCounts = {
    fingerprint, events, orders: kept.size,
    trades: { read: inputs.trades.read, kept: joined, filtered: inputs.trades.kept - joined + inputs.trades.filtered, rejected: inputs.trades.rejected },
    quotes: { read: inputs.nbbo.read, kept: inputs.nbbo.kept, filtered: inputs.nbbo.filtered, rejected: inputs.nbbo.rejected },
    ms: Date.now() - t0,
  };
  await writeJsonAtomic(path.join(dir, 'ingest.json'), counts);
  return { skipped: false, orders: kept.size, events };
}

async function forEachLine(file: string, onLine: (line: string) => void): Promise<void> {
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) if (line) onLine(line);
}

async function readStates(dir: string): Promise<OrderWithTrades[]> {
  const out: OrderWithTrades[] = [];
  await forEachLine(path.join(dir, 'states.jsonl'), (line) => out.push(parseStateLine(line)));
  return out;
}

async function quoteBookOf(work: string, files: string[]): Promise<QuoteBook | null> {
  const quotes: Quote[] = [];
  await readQuotes(shardPaths(work, files), (q) => quotes.push(q));
  return quotes.length > 0 ? new QuoteBook(quotes) : null;
}

/** Classify: per-order measures and classes (DOMAIN.md sections 7-8), written as the orders table. */
async function classifyJobWork(job: JobRef): Promise<{ orders: number; sweeps: number; ms: number }> {
  const t0 = Date.now();
  const { plan, paths } = await loadPlan(job.run);
  const inputs = (await readSecurityIndex(paths.work, job.security)).dates[job.date];
  const book = await quoteBookOf(paths.work, inputs.nbbo.files);
  const settings = settingsOf(plan);
  const dir = jobWorkDir(paths.work, job.security, job.date);
  const measures = (await readStates(dir)).map((o) => measureOrder(o.states, o.trades, book, settings));
  const outDir = jobOutputDir(paths, job.security, job.date);
  await removeStaleTemps(outDir); // left by an attempt whose worker was killed mid-write
  await writeTable(outDir, 'orders', ORDER_COLUMNS, measures);
  const result = { orders: measures.length, sweeps: measures.filter((m) => m.isSweep).length, ms: Date.now() - t0 };
  await writeJsonAtomic(path.join(dir, 'classify.json'), result);
  return result;
}

/** Simulate: the dark-pool sweep simulation of the partition (DOMAIN.md section 9): matches and candidates. */
async function simulateJobWork(job: JobRef): Promise<{ candidates: number; matches: number; noQuote: number; limitBlocked: number; ms: number }> {
  const t0 = Date.now();
  const { plan, paths } = await loadPlan(job.run);
  const inputs = (await readSecurityIndex(paths.work, job.security)).dates[job.date];
  const book = await quoteBookOf(paths.work, inputs.nbbo.files);
  const masks = settingsOf(plan).masks;
  const dir = jobWorkDir(paths.work, job.security, job.date);
  const orders = (await readStates(dir)).map((o) => ({ ...o, isSweep: isSweep(o.states.arrival.exchangeOrderType, masks) }));
  const sim = simulateSweeps(orders, book);
  const outDir = jobOutputDir(paths, job.security, job.date);
  await writeTable(outDir, 'candidates', CANDIDATE_COLUMNS, sim.candidates);
  await writeTable(outDir, 'matches', MATCH_COLUMNS, sim.matches);
  const result = { candidates: sim.candidates.length, matches: sim.matches.length, noQuote: sim.noQuote, limitBlocked: sim.limitBlocked, ms: Date.now() - t0 };
  await writeJsonAtomic(path.join(dir, 'simulate.json'), result);
  return result;
}

/** Reads a job's orders table (CSV, plain or gzip) back into measures. */
export async function readOrdersCsv(file: string, onOrder: (o: OrderMeasures) => void): Promise<void> {
  let col: Record<string, number> = {};
  await readCsv(file, {
    onHeader: (h) => { col = Object.fromEntries(h.map((name, i) => [name, i])); },
    onRecord: (f) => onOrder(orderMeasuresFromRow(f, col)),
    onMalformed: (line, _raw, reason) => { throw new Error(`${file}:${line}: ${reason}`); },
  });
}

/** Aggregate: the job's mergeable partial rollup, then its manifest (the commit point of the job). */
async function aggregateJobWork(job: JobRef): Promise<JobResult> {
  const t0 = Date.now();
  const { paths } = await loadPlan(job.run);
  const dir = jobWorkDir(paths.work, job.security, job.date);
  const outDir = jobOutputDir(paths, job.security, job.date);
  const ingest = JSON.parse(await readFile(path.join(dir, 'ingest.json'), 'utf8')) as IngestCounts;
  const classify = JSON.parse(await readFile(path.join(dir, 'classify.json'), 'utf8')) as { ms: number };
  const simulate = JSON.parse(await readFile(path.join(dir, 'simulate.json'), 'utf8')) as { ms: number; candidates: number; matches: number; noQuote: number; limitBlocked: number };
  const outcomes = new Map<string, CandidateOutcome>();
  let col: Record<string, number> = {};
  await readCsv(path.join(outDir, 'candidates.csv.gz'), {
    onHeader: (h) => { col = Object.fromEntries(h.map((name, i) => [name, i])); },
    onRecord: (f) => outcomes.set(f[col.sweep_id], {
      residualQty: Number(f[col.residual_qty]), simFilledQty: Number(f[col.sim_filled_qty]),
      priceImprovementBps: f[col.price_improvement_bps] === '' ? null : Number(f[col.price_improvement_bps]),
    }),
    onMalformed: (line, _raw, reason) => { throw new Error(`candidates.csv.gz:${line}: ${reason}`); },
  });
  const rollup = emptyRollup();
  let orders = 0, sweeps = 0, mismatch = 0, filledQty = 0;
  const fillStatus = { FILLED: 0, PARTIAL: 0, UNFILLED: 0 };
  const sweepScenario = { A_IMMEDIATE_FULL: 0, B_EVENTUAL_FULL: 0, C_PARTIAL_NONE: 0 };
  await readOrdersCsv(path.join(outDir, 'orders.csv.gz'), (o) => {
    addToRollup(rollup, o, outcomes.get(o.orderId.toString()));
    orders++;
    fillStatus[o.fillStatus]++;
    filledQty += o.filledQty;
    if (o.scenario) sweepScenario[o.scenario]++;
    if (o.isSweep) sweeps++;
    if (o.filledQtyMismatch) mismatch++;
  });
  await writeJsonAtomic(path.join(outDir, 'partial.json'), rollupToJson(rollup));
  await removeStaleTemps(outDir);
  const manifest: JobManifest = {
    security: job.security, date: job.date, fingerprint: ingest.fingerprint, committedAt: new Date().toISOString(),
    orders, sweeps, events: ingest.events, trades: ingest.trades, quotes: ingest.quotes, fillStatus, sweepScenario, filledQty,
    dataQuality: { filledQtyMismatch: mismatch },
    simulation: { candidates: simulate.candidates, matches: simulate.matches, noQuote: simulate.noQuote, limitBlocked: simulate.limitBlocked },
    durationsMs: { ingest: ingest.ms, classify: classify.ms, simulate: simulate.ms, aggregate: Date.now() - t0 },
    files: ['orders.csv.gz', 'orders.parquet', 'candidates.csv.gz', 'candidates.parquet', 'matches.csv.gz', 'matches.parquet', 'partial.json'],
  };
  await writeJsonAtomic(path.join(outDir, 'manifest.json'), manifest);
  return { security: job.security, date: job.date, status: 'done', orders, sweeps, rowsRead: ingest.events.read };
}

/** The manifest of a committed job, for a skipped job's summary. */
export async function jobSummary(job: JobRef): Promise<JobResult> {
  const { paths } = await loadPlan(job.run);
  const m = await readManifest(jobOutputDir(paths, job.security, job.date));
  if (!m) throw ApplicationFailure.nonRetryable(`job ${job.security}/${job.date} has no manifest`, 'ManifestMissing');
  return { security: job.security, date: job.date, status: 'skipped', orders: m.orders, sweeps: m.sweeps, rowsRead: m.events.read };
}

/** Ingest: states per order, filters, trade join (or a skip when the manifest matches). */
export const ingestJob = (job: JobRef): Promise<IngestResult> => withHeartbeats(() => ingestJobWork(job));
/** Classify: the orders table. */
export const classifyJob = (job: JobRef): Promise<{ orders: number; sweeps: number; ms: number }> => withHeartbeats(() => classifyJobWork(job));
/** Simulate: candidates and matches. */
export const simulateJob = (job: JobRef): Promise<{ candidates: number; matches: number; noQuote: number; limitBlocked: number; ms: number }> =>
  withHeartbeats(() => simulateJobWork(job));
/** Aggregate: the partial rollup and the job manifest (commit point). */
export const aggregateJob = (job: JobRef): Promise<JobResult> => withHeartbeats(() => aggregateJobWork(job));
