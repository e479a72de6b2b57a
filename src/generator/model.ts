import { Random } from './random';

/**
 * The generator's model of one trading day of one security: Centre Point and lit orders with real
 * lifecycles (new, amend, immediate and later fills, cancel, purge, multi-event timestamps ordered by
 * sequence), trades for every fill (a buy and a sell row per match group) and NBBO quotes. Every
 * decision is recorded, so truth.json comes from the generator, not from the pipeline.
 */

export const INT64_MIN = '-9223372036854775808';
/** Centre Point order types: limit 64, 256, sweep 2048, block 4096, block + short-sell bit 4098. */
const CP_TYPES = [64, 64, 256, 4096, 4098];
const LIT_TYPES = [0, 1, 2, 8];

export interface GenEvent {
  orderId: bigint;
  ts: bigint;
  seq: bigint;
  side: 1 | 2;
  price: number;
  qty: number;
  leaves: number;
  matched: number;
  type: number;
  participant: string;
  reason: string;
  status: string;
  nb: string;
  no: string;
  timeValidity: string;
}

export interface GenTrade {
  orderId: bigint;
  ts: bigint;
  price: number;
  qty: number;
  side: 1 | 2;
  matchGroup: bigint;
  participant: string;
  seq: bigint;
}

export interface JobTruth {
  centrePointOrders: number;
  litOrders: number;
  sweeps: number;
  events: number;
  cpEvents: number;
  fillStatus: { FILLED: number; PARTIAL: number; UNFILLED: number };
  sweepScenario: { A_IMMEDIATE_FULL: number; B_EVENTUAL_FULL: number; C_PARTIAL_NONE: number };
  /** Trade rows whose order is a Centre Point order of the job, and their quantity. */
  joinedTrades: number;
  filledQty: number;
  tradeRows: number;
  quotes: number;
}

export interface DayOutput {
  events: GenEvent[];
  trades: GenTrade[];
  quotes: { ts: bigint; bid: string; offer: string }[];
  truth: JobTruth;
}

/** UTC ns of a Sydney local time (date YYYY-MM-DD, ms since local midnight), DST-aware. */
export function sydneyLocalToUtcNs(date: string, msOfDay: number, offsetHours: number): bigint {
  const [y, m, d] = date.split('-').map(Number);
  const utcMs = Date.UTC(y, m - 1, d) + msOfDay - offsetHours * 3_600_000;
  return BigInt(utcMs) * 1_000_000n;
}

/** Milliseconds between two NBBO quotes: a dense series, as a liquid security's. */
export const DENSE_QUOTE_GAP_MS = [200, 4000] as const;

export interface Counters {
  orderId: bigint;
  seq: bigint;
  matchGroup: bigint;
}

export function generateDay(
  rnd: Random, counters: Counters, date: string, offsetHours: number, targetEvents: number, participants: readonly string[],
  quoteGapMs: readonly [number, number] = DENSE_QUOTE_GAP_MS,
): DayOutput {
  const events: GenEvent[] = [];
  const trades: GenTrade[] = [];
  const truth: JobTruth = {
    centrePointOrders: 0, litOrders: 0, sweeps: 0, events: 0, cpEvents: 0,
    fillStatus: { FILLED: 0, PARTIAL: 0, UNFILLED: 0 },
    sweepScenario: { A_IMMEDIATE_FULL: 0, B_EVENTUAL_FULL: 0, C_PARTIAL_NONE: 0 },
    joinedTrades: 0, filledQty: 0, tradeRows: 0, quotes: 0,
  };
  const basePx = rnd.int(500, 9000);
  const open = 10 * 3_600_000, close = 16 * 3_600_000;
  // A dense NBBO series (a quote every 0.2 to 4 s): the mid walks a tick at a time and drives the orders'
  // own national quotes and the Centre Point fill prices, so markouts and shortfall have a market to follow.
  // Spreads are 2 or 4 ticks, so mids are whole ticks and a mid-point fill is an integer price. A few rows
  // are "no quote" (INT64_MIN, 0) or crossed: the pipeline must skip them and keep the previous quote.
  const quotes: DayOutput['quotes'] = [];
  const valid: { ts: bigint; mid: number; half: number }[] = [];
  let walk = basePx;
  for (let t = open - 60_000; t < close + 600_000; t += rnd.int(quoteGapMs[0], quoteGapMs[1])) {
    walk = Math.max(20, walk + rnd.int(-1, 1));
    const half = rnd.chance(0.8) ? 1 : 2;
    const ts = sydneyLocalToUtcNs(date, t, offsetHours) + BigInt(rnd.int(0, 999_999));
    const r = rnd.next();
    if (r < 0.02) quotes.push({ ts, bid: INT64_MIN, offer: '0' });
    else if (r < 0.025) quotes.push({ ts, bid: String(walk + half), offer: String(walk - half) }); // crossed
    else {
      quotes.push({ ts, bid: String(walk - half), offer: String(walk + half) });
      valid.push({ ts, mid: walk, half });
    }
  }
  truth.quotes = quotes.length;
  /** The valid quote prevailing at ts (the first one before the day's first). */
  const quoteAt = (ts: bigint): { mid: number; half: number } => {
    let lo = 0, hi = valid.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (valid[m].ts <= ts) lo = m + 1;
      else hi = m;
    }
    return valid[Math.max(0, lo - 1)];
  };

  while (truth.events < targetEvents) {
    const isCp = rnd.chance(0.8);
    const isSweep = isCp && rnd.chance(0.3);
    const type = isSweep ? (rnd.chance(0.8) ? 2048 : 2048 | 64) : isCp ? rnd.pick(CP_TYPES) : rnd.pick(LIT_TYPES);
    const orderId = (counters.orderId += BigInt(rnd.int(1, 997)));
    const side: 1 | 2 = rnd.chance(0.5) ? 1 : 2;
    const participant = rnd.pick(participants);
    const arrivalMs = rnd.int(open, close - 120_000);
    const arrival = sydneyLocalToUtcNs(date, arrivalMs, offsetHours) + BigInt(rnd.int(0, 999_999));
    const { mid, half } = quoteAt(arrival);
    const quoteState = rnd.next();
    const nb = quoteState < 0.8 ? String(mid - half) : quoteState < 0.9 ? INT64_MIN : '0';
    const no = quoteState < 0.8 ? String(mid + half) : quoteState < 0.9 ? INT64_MIN : '0';
    const limit = rnd.chance(0.4) ? 0 : side === 1 ? mid + rnd.int(0, 5) : mid - rnd.int(0, 5);
    let qty = rnd.pick([100, 500, 1000, 2500, 5000, 8000, 20000, 60000]) + rnd.int(0, 99);
    const timeValidity = rnd.chance(0.1) ? '0' : '1';
    let leaves = qty, matched = 0;
    const orderEvents: GenEvent[] = [];
    const orderTrades: GenTrade[] = [];
    const push = (ts: bigint, reason: string, status: string): void => {
      orderEvents.push({ orderId, ts, seq: (counters.seq += BigInt(rnd.int(1, 5))), side, price: limit, qty, leaves, matched,
        type, participant, reason, status, nb, no, timeValidity });
    };
    const fill = (ts: bigint, q: number): void => {
      matched += q;
      leaves -= q;
      const at = quoteAt(ts).mid;
      const px = limit > 0 ? (side === 1 ? Math.min(limit, at) : Math.max(limit, at)) : at;
      const mg = (counters.matchGroup += BigInt(rnd.int(1, 50)));
      orderTrades.push({ orderId, ts, price: px, qty: q, side, matchGroup: mg, participant, seq: counters.seq });
      // The other side of the match: an order outside this job's Centre Point set (lit or not in the log).
      orderTrades.push({ orderId: orderId + 1_000_000_000_000_000n, ts, price: px, qty: q, side: side === 1 ? 2 : 1,
        matchGroup: mg, participant: rnd.pick(participants), seq: counters.seq });
      push(ts, 'FILL', leaves === 0 ? 'FILLED' : 'PARTIALLY_FILLED');
    };
    push(arrival, 'NEW', 'NEW');
    // Immediate execution at the arrival timestamp (a second event with the same timestamp, later sequence).
    if (rnd.chance(isSweep ? 0.5 : 0.2)) fill(arrival, rnd.chance(0.4) ? leaves : Math.max(1, Math.floor(leaves * rnd.next())));
    let t = arrival;
    const steps = rnd.int(0, 4);
    for (let i = 0; i < steps && leaves > 0; i++) {
      t += BigInt(rnd.int(1, 90_000)) * 1_000_000n;
      const r = rnd.next();
      if (r < 0.2 && matched === 0) {
        qty = Math.max(100, qty + rnd.int(-Math.floor(qty / 2), qty));
        leaves = qty;
        push(t, 'AMEND', 'AMENDED');
      } else {
        fill(t, rnd.chance(0.5) ? leaves : Math.max(1, Math.floor(leaves * rnd.next())));
      }
    }
    if (leaves > 0) {
      t += BigInt(rnd.int(1, 60_000)) * 1_000_000n;
      // Cancelled or purged: the remainder is not executed; leaves keeps the unexecuted quantity.
      push(t, rnd.chance(0.7) ? 'CANCEL' : 'PURGE', rnd.chance(0.7) ? 'CANCELLED' : 'PURGED');
    }
    events.push(...orderEvents);
    trades.push(...orderTrades);
    truth.events += orderEvents.length;
    truth.tradeRows += orderTrades.length;
    if (isCp) {
      truth.centrePointOrders++;
      truth.cpEvents += orderEvents.length;
      const status = matched === 0 ? 'UNFILLED' : leaves === 0 ? 'FILLED' : 'PARTIAL';
      truth.fillStatus[status]++;
      const own = orderTrades.filter((x) => x.orderId === orderId);
      truth.joinedTrades += own.length;
      truth.filledQty += own.reduce((s, x) => s + x.qty, 0);
      if (isSweep) {
        truth.sweeps++;
        const ratio = qty > 0 ? matched / qty : 0;
        const last = own.length ? own[own.length - 1].ts : null;
        const duration = last === null ? null : Number(last - arrival) / 1e9;
        const scenario = ratio >= 0.99 && duration !== null ? (duration < 1 ? 'A_IMMEDIATE_FULL' : 'B_EVENTUAL_FULL') : 'C_PARTIAL_NONE';
        truth.sweepScenario[scenario]++;
      }
    } else {
      truth.litOrders++;
    }
  }
  return { events, trades, quotes, truth };
}
