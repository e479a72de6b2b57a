import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import { sydneyOffsetMs } from '../domain/sydney-time';
import { generateDay, type Counters, type GenEvent, type GenTrade, type JobTruth } from './model';
import { Random } from './random';

/** Seeds map to this many id bands (larger seeds reuse them; their data differs all the same). */
export const SEED_BANDS = 100_000;

export interface GenerateOptions {
  /** Number of securities. @default 3 */
  securities: number;
  /** Number of trading dates (weekdays from `startDate`). @default 2 */
  dates: number;
  /** Order event rows per (security, date) job. @default 2000 */
  rowsPerJob: number;
  /** @default 1 */
  seed: number;
  out: string;
  /** First trading date; the default spans the October 2024 daylight-saving change after 5 dates. @default "2024-09-30" */
  startDate?: string;
  /** Write .csv.gz files. @default false */
  gzip?: boolean;
  /** One file per (security, date) per kind instead of one per date. @default false */
  smallFiles?: boolean;
  /**
   * Securities per per-date file: more securities make several files a date (`orders_<date>_<n>.csv`),
   * so memory follows this many securities' day, not all of them (a day is sorted in memory).
   * @default all of them (one file per date)
   */
  securitiesPerFile?: number;
  /**
   * Milliseconds between two NBBO quotes, drawn uniformly from [min, max]: a day holds about 22 million /
   * mean of them, whatever `rowsPerJob` is (tiny jobs want a sparse series). @default [200, 4000]
   */
  quoteGapMs?: readonly [number, number];
}

export interface Truth {
  seed: number;
  securities: string[];
  dates: string[];
  jobs: Record<string, JobTruth>;
  totals: { orderRows: number; tradeRows: number; quoteRows: number; centrePointOrders: number };
}

export const ORDER_HEADER = ['order_id', 'timestamp', 'sequence', 'security_code', 'side', 'price', 'quantity', 'leavesquantity',
  'totalmatchedquantity', 'exchangeordertype', 'participantid', 'changereason', 'orderstatus', 'national_bid', 'national_offer',
  'bid', 'offer', 'timevalidity', 'minimumquantity', 'exchange', 'ordertype', 'preferenceonly', 'midtick',
  'singlefillminimumquantity', 'crossingkey', 'shortsellquantity', 'triggercondition', 'timevaliditydecoded', 'row_num'];
export const TRADE_HEADER = ['orderid', 'tradetime', 'securitycode', 'tradeprice', 'quantity', 'side', 'matchgroupid', 'dealsource',
  'dealsourcedecoded', 'passiveaggressive', 'participantid', 'nationalbidpricesnapshot', 'nationalofferpricesnapshot', 'tradedate',
  'sequence', 'EXCHANGE', 'exchangeinfo', 'sidedecoded', 'row_num'];
export const NBBO_HEADER = ['timestamp', 'orderbookid', 'bidprice', 'offerprice'];

export function tradingDates(start: string, n: number): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  while (out.length < n) {
    const dow = d.getUTCDay();
    if (dow !== 0 && dow !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

class Sink {
  private readonly stream: WriteStream;
  private readonly gz: Gzip | null;
  private buf: string[] = [];
  private size = 0;
  constructor(file: string, header: string[], gzip: boolean) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.stream = createWriteStream(file);
    this.gz = gzip ? createGzip({ level: 1 }) : null;
    if (this.gz) this.gz.pipe(this.stream);
    this.line(header.join(','));
  }
  line(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  private flush(): void {
    const chunk = this.buf.join('\n') + '\n';
    this.buf = [];
    this.size = 0;
    (this.gz ?? this.stream).write(chunk);
  }
  close(): Promise<void> {
    if (this.buf.length) this.flush();
    return new Promise((resolve, reject) => {
      this.stream.once('finish', resolve);
      this.stream.once('error', reject);
      (this.gz ?? this.stream).end();
    });
  }
}

function orderLine(e: GenEvent, security: string, row: number): string {
  const ss = e.type & 2 ? String(e.qty) : '0';
  return [e.orderId, e.ts, e.seq, security, e.side, e.price, e.qty, e.leaves, e.matched, e.type, e.participant, e.reason,
    e.status, e.nb, e.no, e.nb, e.no, e.timeValidity, 0, 'ASX', e.type & 2048 ? 'SWEEP' : 'LIMIT', 0, 1, 0, '', ss, 0,
    e.timeValidity === '0' ? 'FAK' : 'DAY', row].join(',');
}

function tradeLine(t: GenTrade, security: string, date: string, row: number): string {
  return [t.orderId, t.ts, security, t.price, t.qty, t.side, t.matchGroup, 'CP', 'Centre Point', t.side === 1 ? 'A' : 'P',
    t.participant, '', '', date, t.seq, 'ASX', '', t.side === 1 ? 'BUY' : 'SELL', row].join(',');
}

/**
 * Writes orders, trades and NBBO files (one per date, or one per job with smallFiles), participants and
 * reference files, and truth.json with the generator's own per-job counts.
 */
export async function generate(opts: GenerateOptions): Promise<Truth> {
  const rnd = new Random(opts.seed);
  const ext = opts.gzip ? '.csv.gz' : '.csv';
  const securities = Array.from({ length: opts.securities }, (_, i) => String(110621 + i * 1013));
  const dates = tradingDates(opts.startDate ?? '2024-09-30', opts.dates);
  const participants = Array.from({ length: 12 }, (_, i) => String(1000 + i * 7));
  // Ids stay in the feed's range, below 2^63 whatever the seed: a band of 10^17 per seed class, and the other
  // side of a match 10^18 above (7.9e18 + 1e17 + 1e18 < 9.22e18).
  const counters: Counters = { orderId: 7904794000000000000n + BigInt(opts.seed % SEED_BANDS) * 1_000_000_000_000n, seq: 6_000_000_000_000_000_000n, matchGroup: 7_200_000_000_000_000_000n };
  const truth: Truth = { seed: opts.seed, securities, dates, jobs: {}, totals: { orderRows: 0, tradeRows: 0, quoteRows: 0, centrePointOrders: 0 } };
  mkdirSync(opts.out, { recursive: true });

  const perFile = Math.max(1, opts.securitiesPerFile ?? securities.length);
  const groups = Array.from({ length: Math.ceil(securities.length / perFile) }, (_, g) => securities.slice(g * perFile, (g + 1) * perFile));
  for (const date of dates) for (let g = 0; g < groups.length; g++) {
    const offsetHours = sydneyOffsetMs(Date.parse(`${date}T02:00:00Z`)) / 3_600_000;
    const name = groups.length === 1 ? date : `${date}_${g}`;
    const perDate = opts.smallFiles ? null : {
      orders: new Sink(path.join(opts.out, 'orders', `orders_${name}${ext}`), ORDER_HEADER, !!opts.gzip),
      trades: new Sink(path.join(opts.out, 'trades', `trades_${name}${ext}`), TRADE_HEADER, !!opts.gzip),
      nbbo: new Sink(path.join(opts.out, 'nbbo', `nbbo_${name}${ext}`), NBBO_HEADER, !!opts.gzip),
    };
    const dayRows: { ts: bigint; seq: bigint; line: (row: number) => string; kind: 'orders' | 'trades' | 'nbbo' }[] = [];
    let rowNo = { orders: 0, trades: 0, nbbo: 0 };
    for (const security of groups[g]) {
      const day = generateDay(rnd, counters, date, offsetHours, opts.rowsPerJob, participants, opts.quoteGapMs);
      truth.jobs[`${security}/${date}`] = day.truth;
      truth.totals.orderRows += day.events.length;
      truth.totals.tradeRows += day.trades.length;
      truth.totals.quoteRows += day.quotes.length;
      truth.totals.centrePointOrders += day.truth.centrePointOrders;
      const rows: typeof dayRows = [];
      for (const e of day.events) rows.push({ ts: e.ts, seq: e.seq, kind: 'orders', line: (r) => orderLine(e, security, r) });
      for (const t of day.trades) rows.push({ ts: t.ts, seq: t.seq, kind: 'trades', line: (r) => tradeLine(t, security, date, r) });
      for (const q of day.quotes) rows.push({ ts: q.ts, seq: 0n, kind: 'nbbo', line: () => [q.ts, security, q.bid, q.offer].join(',') });
      if (opts.smallFiles) {
        const sinks = {
          orders: new Sink(path.join(opts.out, 'orders', date, `orders_${security}_${date}${ext}`), ORDER_HEADER, !!opts.gzip),
          trades: new Sink(path.join(opts.out, 'trades', date, `trades_${security}_${date}${ext}`), TRADE_HEADER, !!opts.gzip),
          nbbo: new Sink(path.join(opts.out, 'nbbo', date, `nbbo_${security}_${date}${ext}`), NBBO_HEADER, !!opts.gzip),
        };
        rowNo = { orders: 0, trades: 0, nbbo: 0 };
        writeSorted(rows, sinks, rowNo, rnd);
        await Promise.all(Object.values(sinks).map((s) => s.close()));
      } else {
        for (const r of rows) dayRows.push(r); // no spread: 10^5+ arguments overflow the stack
      }
    }
    if (perDate) {
      writeSorted(dayRows, perDate, rowNo, rnd);
      await Promise.all(Object.values(perDate).map((s) => s.close()));
    }
  }
  writeFileSync(path.join(opts.out, 'participants.csv'), ' Id, ParticipantName, ParticipantType\n' +
    participants.map((p, i) => ` ${p}, Broker ${String.fromCharCode(65 + i)}, ${i % 3 === 0 ? 'Institutional' : 'Retail'}`).join('\n') + '\n');
  writeFileSync(path.join(opts.out, 'reference.csv'), ' Id, Name, DecimalsInPrice\n' +
    securities.map((s, i) => ` ${s}, SEC${i}, 3`).join('\n') + '\n');
  writeFileSync(path.join(opts.out, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
  return truth;
}

/**
 * Rows in time order, as a feed writes them; equal timestamps mostly by sequence, but a share of them
 * swapped so that only the sequence column recovers the true order.
 */
function writeSorted(
  rows: { ts: bigint; seq: bigint; line: (row: number) => string; kind: 'orders' | 'trades' | 'nbbo' }[],
  sinks: Record<'orders' | 'trades' | 'nbbo', Sink>, rowNo: Record<'orders' | 'trades' | 'nbbo', number>, rnd: Random,
): void {
  rows.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  for (let i = 0; i + 1 < rows.length; i++) {
    if (rows[i].ts === rows[i + 1].ts && rows[i].kind === 'orders' && rows[i + 1].kind === 'orders' && rnd.chance(0.3)) {
      [rows[i], rows[i + 1]] = [rows[i + 1], rows[i]];
      i++;
    }
  }
  for (const r of rows) sinks[r.kind].line(r.line(++rowNo[r.kind]));
}
