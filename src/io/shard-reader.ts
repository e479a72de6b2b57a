import { quoteValue } from '../domain/quotes';
import type { OrderEvent, Quote, Side, TradeSide } from '../domain/types';
import { readCsv } from './csv-file';
import { OrderEventBytes, TradeSideBytes } from './shard-line-bytes';

/**
 * Reads the normalised shard files written by the shard step (columns fixed by domain/ingest-rules) back
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
    });
  }
}

/**
 * Lines per input file the file order can tell apart: a shard line carries its line in its input file, and
 * the i-th shard of a job's list (sorted by source file, then line) adds i x FILE_ORDER_STRIDE.
 */
export const FILE_ORDER_STRIDE = 1e10;

/**
 * Order events of the shards, given in input order; lines are parsed on their bytes (OrderEventBytes)
 * unless `plain`. An event's file order is its shard's position in `files` and its line, so ties of
 * (timestamp, sequence) fall in input order.
 */
export async function readOrderEvents(files: readonly string[], onEvent: (e: OrderEvent) => void, plain = false): Promise<void> {
  const bytes = new OrderEventBytes();
  let base = 0;
  const fast = (buf: Buffer, start: number, end: number): boolean => {
    const e = bytes.parse(buf, start, end);
    if (e) {
      e.fileOrder += base;
      onEvent(e);
    }
    return e !== null;
  };
  await readRows(files, (f) => onEvent({
    orderId: BigInt(f[0]), timestamp: BigInt(f[1]), sequence: f[2] === '' ? null : BigInt(f[2]), fileOrder: base + Number(f[3]),
    security: f[4], side: Number(f[5]) as Side, price: Number(f[6]), quantity: Number(f[7]), leavesQuantity: Number(f[8]),
    totalMatchedQuantity: Number(f[9]), exchangeOrderType: Number(f[10]), participantId: f[11],
    nationalBid: quoteValue(f[12]), nationalOffer: quoteValue(f[13]), timeValidity: f[14] === '' ? null : f[14],
  }), plain ? undefined : fast, (i) => { base = i * FILE_ORDER_STRIDE; });
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
  const bytes = new TradeSideBytes();
  const raw = (buf: Buffer, start: number, end: number): boolean => {
    if (wanted) {
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
      if (digits && !wanted(key)) {
        if (!onUnwanted) return true;
        if (!bytes.share(buf, start, end)) return false; // not a line it expects: the plain path gives the trade
        onUnwanted(bytes.participantId, bytes.tradeTimeMs, bytes.quantity);
        return true;
      }
    }
    if (plain) return false;
    const t = bytes.parse(buf, start, end);
    if (t) onTrade(t);
    return t !== null;
  };
  await readRows(files, (f) => onTrade({
    orderId: BigInt(f[0]), tradeTime: BigInt(f[1]), security: f[2], price: Number(f[3]), quantity: Number(f[4]),
    side: Number(f[5]) as Side, matchGroupId: f[6] === '' ? null : BigInt(f[6]), participantId: f[7], dealSource: f[8],
  }), wanted || !plain ? raw : undefined);
}

export async function readQuotes(files: readonly string[], onQuote: (q: Quote) => void): Promise<void> {
  await readRows(files, (f) => onQuote({ timestamp: BigInt(f[0]), security: f[1], bid: quoteValue(f[2]), offer: quoteValue(f[3]) }));
}
