import path from 'node:path';
import { joinTrade } from '../domain/measures';
import type { ClassificationSettings } from '../domain/order-measures';
import { OrderRow, OrderTable } from '../domain/order-table';
import { OrderStateTracker, type OrderStates } from '../domain/order-states';
import { isSweep } from '../domain/order-type';
import { QuoteBook } from '../domain/quotes';
import { RollupBuilder } from '../domain/rollup-builder';
import { rollupToJson, type CandidateOutcome } from '../domain/rollups';
import { simulateSweeps, type SimCandidate, type SimMatch, type SimOrder } from '../domain/simulation';
import { nanosToMillis, parseTimeOfDay, sydneyTimeOfDayMs } from '../domain/sydney-time';
import type { OrderEvent, Quote, TradeSide } from '../domain/types';
import { jsonText, removeStaleTempsSync, writeFileAtomicSync } from '../io/atomic';
import { deleteJobShards } from './job-shards';
import { outputFile, type JobManifest, type OutputFile } from './manifest';
import { candidateColumns, fillColumns, fillSource, matchColumns, orderColumns, type MatchRow, type TableContext } from '../io/job-files';
import { jobRecordsDir, jobTableFile, type JobTable, type OutputFormat } from '../io/paths';
import { orderIdKey, readOrderEvents, readQuotes, readTrades } from '../io/shard-reader';
import { writeTable, type ColumnSpec, type SourceArg } from '../io/tables';
import { sydneyHour, sydneyHourOfMillis } from '../domain/sydney-time';
import type { JobInputs } from './types';

/** Everything one partition's analysis needs: plain data, so it can be posted to a worker thread. */
export interface PartitionTask {
  security: string;
  date: string;
  /** The run's work folder (shard files are relative to it). */
  work: string;
  /** The run's output folder: the job writes its partition of each table there, and its records under jobs/. */
  out: string;
  /** Per-job table formats (config `output.formats`). */
  formats: OutputFormat[];
  /** The security's reference data (config `inputs.reference`): null fields when not given. */
  reference: { name: string | null; priceDecimals: number | null };
  /** Identity of the inputs and settings, written into the manifest (the key to skipping next time). */
  fingerprint: string;
  /** The plan of the run that runs the job (recorded in the manifest). */
  planId: string;
  inputs: JobInputs;
  /** False: the job's shards are deleted once its manifest is written (config `processing.keepShards`). */
  keepShards: boolean;
  settings: ClassificationSettings;
  /** Participant list and trading hours (config `filters`); null = off. */
  orderFilters: { participants: string[] | null; tradingHours: { start: string; end: string } | null };
}

/**
 * Participant list and trading-hours window, applied to an order by its arrival (both off by default).
 * This and the other per-element steps of a job below are classes and module functions, not closures made
 * per job: V8 keeps a function's optimised code only while one of its closures lives, and closures made per
 * job were compiled again for every job.
 */
export class OrderRules {
  private readonly allowed: Set<string> | null;
  private readonly start: number | null;
  private readonly end: number | null;

  constructor(f: PartitionTask['orderFilters']) {
    this.allowed = f.participants ? new Set(f.participants) : null;
    this.start = f.tradingHours ? parseTimeOfDay(f.tradingHours.start)! : null;
    this.end = f.tradingHours ? parseTimeOfDay(f.tradingHours.end)! : null;
  }

  keeps(s: OrderStates): boolean {
    if (this.allowed && !this.allowed.has(s.arrival.participantId)) return false;
    if (this.start !== null && this.end !== null) {
      const t = sydneyTimeOfDayMs(nanosToMillis(s.arrival.timestamp));
      if (t < this.start || t >= this.end) return false;
    }
    return true;
  }
}

/** A partition's trade quantity (all, and joined to Centre Point orders) by (trade participant, Sydney hour). */
class TradeShare {
  private readonly byParticipant = new Map<string, { all: Float64Array; cp: Float64Array }>();
  /** Rows whose sum would leave the safe integers: added one by one (the builder's sums are exact). */
  private readonly apart: [string, number, number, number][] = [];

  add(participantId: string, hour: number, quantity: number, centrePoint: boolean): void {
    let p = this.byParticipant.get(participantId);
    if (!p) this.byParticipant.set(participantId, (p = { all: new Float64Array(24), cp: new Float64Array(24) }));
    if (!Number.isSafeInteger(p.all[hour] + quantity)) {
      this.apart.push([participantId, hour, quantity, centrePoint ? quantity : 0]);
      return;
    }
    p.all[hour] += quantity;
    if (centrePoint) p.cp[hour] += quantity;
  }

  addTo(rollup: RollupBuilder, security: string, date: string): void {
    for (const [participant, p] of this.byParticipant) {
      for (let h = 0; h < 24; h++) if (p.all[h] > 0) rollup.addTrades(security, date, participant, h, p.all[h], p.cp[h]);
    }
    for (const [participant, h, all, cp] of this.apart) rollup.addTrades(security, date, participant, h, all, cp);
  }
}


/** Order events into a job's tracker, with a progress report every 100,000 events. */
class EventIntake {
  events = 0;
  constructor(private readonly tracker: OrderStateTracker, private readonly onProgress: (p: PartitionProgress) => void) {}

  add(e: OrderEvent): void {
    this.tracker.add(e);
    if (++this.events % 100_000 === 0) this.onProgress({ phase: 'ingest', events: this.events });
  }
}

/** A kept order, whose trades the intake appends as they join it. */
interface KeptOrder extends SimOrder {
  trades: TradeSide[];
}

/**
 * A job's trades as they stream: those of kept orders are joined (only they are built and kept: memory
 * follows the joined trades, not the partition's trade file), and every row counts towards the Centre Point
 * share (section 12), the others summed by (participant, hour) on their bytes.
 */
class TradeIntake {
  /** How many trades joined a kept order (each is on its order's `trades`). */
  joined = 0;
  constructor(private readonly kept: ReadonlyMap<bigint, KeptOrder>, private readonly share: TradeShare) {}

  trade(tr: TradeSide): void {
    const joined = joinTrade(this.kept, tr);
    if (joined) this.joined++;
    this.share.add(tr.participantId, sydneyHour(tr.tradeTime), tr.quantity, joined);
  }

  unwanted(participantId: string, tradeTimeMs: number, quantity: number): void {
    this.share.add(participantId, sydneyHourOfMillis(tradeTimeMs), quantity, false);
  }
}

/** The `orderIdKey`s of the kept orders: the trade reader's prefilter. */
function orderIdKeys(kept: ReadonlyMap<bigint, SimOrder>): Set<number> {
  const keys = new Set<number>();
  for (const id of kept.keys()) keys.add(orderIdKey(id));
  return keys;
}

/** A kept order's side and participant, for a match row. */
function matchSide(kept: ReadonlyMap<bigint, SimOrder>, id: bigint): MatchRow['sweep'] {
  const a = kept.get(id)!.states.arrival;
  return { side: a.side, participantId: a.participantId };
}

/** Simulated matches with both orders' sides and participants. */
function matchRows(kept: ReadonlyMap<bigint, SimOrder>, matches: readonly SimMatch[]): MatchRow[] {
  const rows = new Array<MatchRow>(matches.length);
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i];
    rows[i] = { match: m, sweep: matchSide(kept, m.sweepId), liquidity: matchSide(kept, m.liquidityId) };
  }
  return rows;
}

/** The orders the rules keep, by id, and the events of those they filter out. */
function keptOrders(states: readonly OrderStates[], rules: OrderRules, masks: ClassificationSettings['masks']): { kept: Map<bigint, KeptOrder>; ruleFilteredEvents: number } {
  const kept = new Map<bigint, KeptOrder>();
  let ruleFilteredEvents = 0;
  for (let i = 0; i < states.length; i++) {
    const s = states[i];
    if (rules.keeps(s)) kept.set(s.arrival.orderId, { states: s, trades: [], isSweep: isSweep(s.arrival.exchangeOrderType, masks) });
    else ruleFilteredEvents += s.events;
  }
  return { kept, ruleFilteredEvents };
}

/** Each order measured into the order table (and its fills into the fill table). */
function appendOrders(table: OrderTable, orders: readonly SimOrder[], book: QuoteBook | null): void {
  for (let i = 0; i < orders.length; i++) table.append(orders[i].states, orders[i].trades, book);
}

/** The simulation's outcome of each candidate sweep, by its id. */
function outcomesOf(candidates: readonly SimCandidate[]): Map<bigint, CandidateOutcome> {
  const outcomes = new Map<bigint, CandidateOutcome>();
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    outcomes.set(c.sweepId, { residualQty: c.residualQty, simFilledQty: c.simFilledQty, priceImprovementBps: c.priceImprovementBps });
  }
  return outcomes;
}

/** What a job's manifest counts of its orders. */
interface OrderCounts {
  sweeps: number;
  mismatch: number;
  filledQty: number;
  fillStatus: JobManifest['fillStatus'];
  sweepScenario: JobManifest['sweepScenario'];
}

/** Adds every order of the table (with its simulation outcome) to the rollup, counting them for the manifest. */
function addOrders(rollup: RollupBuilder, table: OrderTable, outcomes: ReadonlyMap<bigint, CandidateOutcome>): OrderCounts {
  const counts: OrderCounts = {
    sweeps: 0, mismatch: 0, filledQty: 0,
    fillStatus: { FILLED: 0, PARTIAL: 0, UNFILLED: 0 }, sweepScenario: { A_IMMEDIATE_FULL: 0, B_EVENTUAL_FULL: 0, C_PARTIAL_NONE: 0 },
  };
  const o = new OrderRow(table);
  for (let i = 0; i < table.length; i++) {
    o.at(i);
    rollup.add(o, outcomes.get(o.orderId));
    counts.fillStatus[o.fillStatus]++;
    counts.filledQty += o.filledQty;
    if (o.scenario) counts.sweepScenario[o.scenario]++;
    if (o.isSweep) counts.sweeps++;
    if (o.filledQtyMismatch) counts.mismatch++;
  }
  return counts;
}

/** 0 to n - 1: the rows of a columnar table, for the table writer. */
function rowNumbers(n: number): number[] {
  const rows = new Array<number>(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** Progress of a partition's analysis, for heartbeats: the phase and the order events read so far. */
export interface PartitionProgress {
  phase: 'ingest' | 'classify' | 'simulate' | 'aggregate';
  events: number;
}

/**
 * One (security, date) partition from its shards to its committed outputs, in one pass over each shard:
 * ingest (each order's three states, streamed; the order filters; the trade join), classify (per-order
 * measures and classes, DOMAIN.md sections 7-8), simulate (the sweep simulation, section 9), aggregate (the
 * job's mergeable partial rollup, section 10). Memory follows the partition's order count, not file sizes:
 * events are reduced to three states per order while streaming and only joined trades are kept.
 * `manifest.json` is written last: it is the job's commit point, so a job killed at any step is redone whole.
 */
export async function analysePartition(task: PartitionTask, onProgress: (p: PartitionProgress) => void = () => undefined): Promise<JobManifest> {
  const work = (files: string[]): string[] => files.map((f) => path.join(task.work, f));
  const { inputs } = task;
  let t = Date.now();
  const lap = (): number => { const now = Date.now(), ms = now - t; t = now; return ms; };

  const tracker = new OrderStateTracker();
  const intake = new EventIntake(tracker, onProgress);
  await readOrderEvents(work(inputs.orders.files), intake.add.bind(intake));
  const n = intake.events;
  // The loops of a job are in functions of their own: V8 compiles a hot loop by compiling its whole
  // function (on-stack replacement), and this one's size made each such compilation cost 50 ms.
  const { kept, ruleFilteredEvents } = keptOrders(tracker.states(), new OrderRules(task.orderFilters), task.settings.masks);
  const share = new TradeShare();
  const trades = new TradeIntake(kept, share);
  const keptKeys = orderIdKeys(kept);
  await readTrades(work(inputs.trades.files), trades.trade.bind(trades), keptKeys.has.bind(keptKeys), false, trades.unwanted.bind(trades));
  const joinedTrades = trades.joined;
  const quotes: Quote[] = [];
  await readQuotes(work(inputs.nbbo.files), quotes.push.bind(quotes));
  const book = quotes.length > 0 ? new QuoteBook(quotes) : null;
  const ingestMs = lap();

  onProgress({ phase: 'classify', events: n });
  const orders = [...kept.values()];
  const table = new OrderTable(task.settings, orders.length, joinedTrades);
  appendOrders(table, orders, book);
  const ctx: TableContext = {
    security: task.security, date: task.date, securityName: task.reference.name, priceDecimals: task.reference.priceDecimals,
    markoutHorizons: task.settings.markoutHorizons,
  };
  const written: OutputFile[] = [];
  const write = <T, S extends object>(table: JobTable, columns: readonly ColumnSpec<T, S>[], rows: readonly T[], source: S): void => {
    const files = task.formats.map((format) => ({ format, rel: jobTableFile(table, task.security, task.date, format) }));
    const out = writeTable<T, S>(table, columns, rows, files.map((f) => ({ format: f.format, file: path.join(task.out, f.rel) })), ...([source] as SourceArg<S>));
    out.forEach((f, i) => written.push({ name: files[i].rel, bytes: f.bytes, sha1: f.sha1 }));
  };
  write('orders', orderColumns(ctx.markoutHorizons), rowNumbers(table.length), { ctx, t: table });
  write('fills', fillColumns(ctx.markoutHorizons), rowNumbers(table.fills.length), fillSource(ctx, table));
  const classifyMs = lap();

  onProgress({ phase: 'simulate', events: n });
  const sim = simulateSweeps(orders, book);
  write('candidates', candidateColumns, sim.candidates, { ctx });
  write('matches', matchColumns, matchRows(kept, sim.matches), { ctx });
  const simulateMs = lap();

  onProgress({ phase: 'aggregate', events: n });
  const rollup = new RollupBuilder({ markouts: task.settings.markoutHorizons, fills: task.settings.fillHorizons });
  share.addTo(rollup, task.security, task.date);
  const { sweeps, mismatch, filledQty, fillStatus, sweepScenario } = addOrders(rollup, table, outcomesOf(sim.candidates));
  const records = jobRecordsDir(task.out, task.security, task.date);
  removeStaleTempsSync(records);
  const partial = jsonText(rollupToJson(rollup.build()));
  writeFileAtomicSync(path.join(records, 'partial.json'), partial);
  written.push(outputFile(path.join(path.relative(task.out, records), 'partial.json'), partial));
  const manifest: JobManifest = {
    security: task.security, date: task.date, fingerprint: task.fingerprint, planId: task.planId, committedAt: new Date().toISOString(),
    orders: table.length, sweeps,
    events: {
      read: inputs.orders.read, kept: inputs.orders.kept - ruleFilteredEvents,
      filtered: inputs.orders.filtered + ruleFilteredEvents, rejected: inputs.orders.rejected,
    },
    trades: { read: inputs.trades.read, kept: joinedTrades, filtered: inputs.trades.kept - joinedTrades + inputs.trades.filtered, rejected: inputs.trades.rejected },
    quotes: { read: inputs.nbbo.read, kept: inputs.nbbo.kept, filtered: inputs.nbbo.filtered, rejected: inputs.nbbo.rejected },
    fillStatus, sweepScenario, filledQty, dataQuality: { filledQtyMismatch: mismatch },
    simulation: { candidates: sim.candidates.length, matches: sim.matches.length, noQuote: sim.noQuote, limitBlocked: sim.limitBlocked },
    durationsMs: { ingest: ingestMs, classify: classifyMs, simulate: simulateMs, aggregate: lap() },
    fills: table.fills.length,
    files: written,
  };
  writeFileAtomicSync(path.join(records, 'manifest.json'), jsonText(manifest), true);
  if (!task.keepShards) await deleteJobShards(task.work, inputs);
  return manifest;
}
