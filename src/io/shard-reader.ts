import { quoteValue } from '../domain/quotes';
import type { OrderEvent, Quote, Side, TradeSide } from '../domain/types';
import { ORDER_SHARD, QUOTE_SHARD, TRADE_SHARD } from '../domain/shard-records';
import { readCsv } from './csv-file';
import { OrderEventBytes, QuoteBytes, TradeSideBytes } from './shard-line-bytes';

/**
 * Reads the normalised shard files written by the shard step (layouts in domain/shard-records) back
 * into typed records. The rows were validated when sharded, so parsing here is direct.
 */
async function readRows(files: readonly string[], onRow: (f: string[]) => void,
  onRawRecord?: (buf: Buffer, start: number, end: number) => boolean, onFile?: (index: number) => void): Promise<void> {
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    onFile?.(i);
    await readCsv(file, {
      onHeader: () => undefined,
      onRecord: (f) => onRow(f),
      onRawRecord,
      onMalformed: (line, _raw, reason) => {
        throw new Error(`${file}:${line}: shard file is damaged (${reason}); delete the run's work folder and rerun`);
      },
    }, { shardFrames: true, sync: true });
  }
}

/**
 * Lines per input file the file order can tell apart: a shard line carries its line in its input file, and
 * the i-th shard of a job's list (sorted by source file, then line) adds i x FILE_ORDER_STRIDE.
 */
export const FILE_ORDER_STRIDE = 1e10;

/**
 * The byte path of readOrderEvents: a class, not a closure per call, so its method is one function from job
 * to job (V8 keeps a function's optimised code only while one of its closures lives). Its optimised code
 * still embeds the job's `onEvent` (a bound method) and is thrown away when that dies ("weak objects"), two
 * recompilations of the line readers per job; handing the readers sink objects instead kept it, but
 * measured no gain (whole jobs 1.000x and 1.001x the other way, 16 alternated rounds of 8 jobs each).
 */
class OrderEventLines {
  private readonly bytes = new OrderEventBytes();
  /** The current shard's file-order offset (its position in the job's list x FILE_ORDER_STRIDE). */
  base = 0;
  constructor(private readonly onEvent: (e: OrderEvent) => void) {}

  line(buf: Buffer, start: number, end: number): boolean {
    const e = this.bytes.parse(buf, start, end);
    if (e === null) return false;
    e.fileOrder += this.base;
    this.onEvent(e);
    return true;
  }
}

/**
 * Order events of the shards, given in input order; lines are parsed on their bytes (OrderEventBytes)
 * unless `plain`. An event's file order is its shard's position in `files` and its line, so ties of
 * (timestamp, sequence) fall in input order. A job passes a bound method as `onEvent` (see OrderEventLines).
 */
export async function readOrderEvents(files: readonly string[], onEvent: (e: OrderEvent) => void, plain = false): Promise<void> {
  const lines = new OrderEventLines(onEvent);
  const O = ORDER_SHARD.at;
  await readRows(files, (f) => onEvent({
    orderId: BigInt(f[O.order_id]), timestamp: BigInt(f[O.timestamp]), sequence: f[O.sequence] === '' ? null : BigInt(f[O.sequence]),
    fileOrder: lines.base + Number(f[O.file_order]), security: f[O.security], side: Number(f[O.side]) as Side, price: Number(f[O.price]),
    quantity: Number(f[O.quantity]), leavesQuantity: Number(f[O.leaves]), totalMatchedQuantity: Number(f[O.matched]),
    exchangeOrderType: Number(f[O.type]), participantId: f[O.participant], nationalBid: quoteValue(f[O.national_bid]),
    nationalOffer: quoteValue(f[O.national_offer]), timeValidity: f[O.timevalidity] === '' ? null : f[O.timevalidity],
  }), plain ? undefined : lines.line.bind(lines), (i) => { lines.base = i * FILE_ORDER_STRIDE; });
}

/**
 * The key `readTrades` filters trades by: a 32-bit hash of the order id's decimal digits (h = 31h + digit,
 * so leading zeros do not change it). Not the id's last digits: ids can share those systematically (the two
 * sides of a match, say), and a key only pays when unwanted ids rarely share it with a wanted one.
 */
export function orderIdKey(orderId: bigint): number {
  const text = (orderId < 0n ? -orderId : orderId).toString();
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i) - 48) | 0;
  return h;
}

/** The byte path of readTrades, a class for the reason OrderEventLines is one. */
class TradeLines {
  private readonly bytes = new TradeSideBytes();
  constructor(
    private readonly onTrade: (t: TradeSide) => void,
    private readonly wanted: ((orderIdKey: number) => boolean) | undefined,
    private readonly plain: boolean,
    private readonly onUnwanted: ((participantId: string, tradeTimeMs: number, quantity: number) => void) | undefined,
  ) {}

  line(buf: Buffer, start: number, end: number): boolean {
    const bytes = this.bytes;
    if (this.wanted) {
      let c = buf.indexOf(44, start);
      if (c === -1 || c > end) c = end;
      let key = 0, digits = c > start;
      for (let i = start; i < c; i++) {
        const d = buf[i] - 48;
        if (d < 0 || d > 9) {
          digits = false; // not plain digits (a sign, say): let the full path decide
          break;
        }
        key = (Math.imul(key, 31) + d) | 0;
      }
      if (digits && !this.wanted(key)) {
        if (!this.onUnwanted) return true;
        if (!bytes.share(buf, start, end)) return false; // not a line it expects: the plain path gives the trade
        this.onUnwanted(bytes.participantId, bytes.tradeTimeMs, bytes.quantity);
        return true;
      }
    }
    if (this.plain) return false;
    const t = bytes.parse(buf, start, end);
    if (t === null) return false;
    this.onTrade(t);
    return true;
  }
}

/**
 * Trades of the shards, parsed on their bytes (TradeSideBytes) unless `plain`. With `wanted`, a trade whose
 * order id key (`orderIdKey`, hashed from the line's id digits, no string made) it refuses is
 * skipped on its bytes, never built: a partition's trade shards also hold lit trades and the other side of
 * every match, mostly not wanted by the job. `wanted` is a prefilter: different ids can share a key, so
 * the caller still checks each trade's order id. `onUnwanted` gets what the Centre Point share needs of
 * each skipped line (its participant, trade time in ms and quantity), still without building it.
 */
export async function readTrades(files: readonly string[], onTrade: (t: TradeSide) => void,
  wanted?: (orderIdKey: number) => boolean, plain = false,
  onUnwanted?: (participantId: string, tradeTimeMs: number, quantity: number) => void): Promise<void> {
  // The prefilter reads the order id as the line's first field.
  if (TRADE_SHARD.at.order_id !== 0) throw new Error('TRADE_SHARD must start with order_id');
  const lines = new TradeLines(onTrade, wanted, plain, onUnwanted);
  const T = TRADE_SHARD.at;
  await readRows(files, (f) => onTrade({
    orderId: BigInt(f[T.order_id]), tradeTime: BigInt(f[T.trade_time]), security: f[T.security], price: Number(f[T.price]),
    quantity: Number(f[T.quantity]), side: Number(f[T.side]) as Side,
    matchGroupId: f[T.match_group_id] === '' ? null : BigInt(f[T.match_group_id]), participantId: f[T.participant], dealSource: f[T.deal_source],
  }), wanted || !plain ? lines.line.bind(lines) : undefined);
}

/** The byte path of readQuotes, a class for the reason OrderEventLines is one. */
class QuoteLines {
  private readonly bytes = new QuoteBytes();
  constructor(private readonly onQuote: (q: Quote) => void) {}

  line(buf: Buffer, start: number, end: number): boolean {
    const q = this.bytes.parse(buf, start, end);
    if (q === null) return false;
    this.onQuote(q);
    return true;
  }
}

/** NBBO quotes of the shards, parsed on their bytes (QuoteBytes) unless `plain`. */
export async function readQuotes(files: readonly string[], onQuote: (q: Quote) => void, plain = false): Promise<void> {
  const lines = new QuoteLines(onQuote);
  const Q = QUOTE_SHARD.at;
  await readRows(files, (f) => onQuote({ timestamp: BigInt(f[Q.timestamp]), security: f[Q.security], bid: quoteValue(f[Q.bid]), offer: quoteValue(f[Q.offer]) }),
    plain ? undefined : lines.line.bind(lines));
}
