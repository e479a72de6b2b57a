import { quoteValue } from '../domain/quotes';
import type { OrderEvent, Quote, Side, TradeSide } from '../domain/types';
import { readCsv } from './csv-file';
import { OrderEventBytes, TradeSideBytes } from './shard-line-bytes';

/**
 * Reads the normalised shard files written by the shard step (columns fixed by domain/ingest-rules) back
 * into typed records. The rows were validated when sharded, so parsing here is direct.
 */
async function readRows(files: readonly string[], onRow: (f: string[]) => void,
  onRawRecord?: (buf: Buffer, start: number, end: number) => boolean): Promise<void> {
  for (const file of files) {
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

/** Order events of the shards; lines are parsed on their bytes (OrderEventBytes) unless `plain`. */
export async function readOrderEvents(files: readonly string[], onEvent: (e: OrderEvent) => void, plain = false): Promise<void> {
  const bytes = new OrderEventBytes();
  const fast = (buf: Buffer, start: number, end: number): boolean => {
    const e = bytes.parse(buf, start, end);
    if (e) onEvent(e);
    return e !== null;
  };
  await readRows(files, (f) => onEvent({
    orderId: BigInt(f[0]), timestamp: BigInt(f[1]), sequence: f[2] === '' ? null : BigInt(f[2]), fileOrder: Number(f[3]),
    security: f[4], side: Number(f[5]) as Side, price: Number(f[6]), quantity: Number(f[7]), leavesQuantity: Number(f[8]),
    totalMatchedQuantity: Number(f[9]), exchangeOrderType: Number(f[10]), participantId: f[11],
    nationalBid: quoteValue(f[12]), nationalOffer: quoteValue(f[13]), timeValidity: f[14] === '' ? null : f[14],
  }), plain ? undefined : fast);
}

/**
 * Trades of the shards, parsed on their bytes (TradeSideBytes) unless `plain`. With `wanted`, a trade whose
 * order id (decimal text, first column) it refuses is skipped on its bytes, never built: a partition's trade
 * shards also hold lit trades and the other side of every match, mostly not wanted by the job.
 */
export async function readTrades(files: readonly string[], onTrade: (t: TradeSide) => void,
  wanted?: (orderIdText: string) => boolean, plain = false): Promise<void> {
  const bytes = new TradeSideBytes();
  const raw = (buf: Buffer, start: number, end: number): boolean => {
    if (wanted) {
      let c = buf.indexOf(44, start);
      if (c === -1 || c > end) c = end;
      // Leading zeros: text differs from the canonical id; let the full path decide by value.
      if (!(c - start > 1 && buf[start] === 48) && !wanted(buf.toString('latin1', start, c))) return true;
    }
    if (plain) return false;
    const t = bytes.parse(buf, start, end);
    if (t) onTrade(t);
    return t !== null;
  };
  await readRows(files, (f) => onTrade({
    orderId: BigInt(f[0]), tradeTime: BigInt(f[1]), security: f[2], price: Number(f[3]), quantity: Number(f[4]),
    side: Number(f[5]) as Side, matchGroupId: f[6] === '' ? null : BigInt(f[6]),
  }), wanted || !plain ? raw : undefined);
}

export async function readQuotes(files: readonly string[], onQuote: (q: Quote) => void): Promise<void> {
  await readRows(files, (f) => onQuote({ timestamp: BigInt(f[0]), security: f[1], bid: quoteValue(f[2]), offer: quoteValue(f[3]) }));
}
