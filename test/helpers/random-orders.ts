import { horizon } from '../../src/domain/execution-quality';
import { measureOrder, type ClassificationSettings, type OrderMeasures } from '../../src/domain/order-measures';
import { orderStates, type OrderStates } from '../../src/domain/order-states';
import { DEFAULT_MASKS } from '../../src/domain/order-type';
import { QuoteBook } from '../../src/domain/quotes';
import type { CandidateOutcome } from '../../src/domain/rollups';
import type { Quote, TradeSide } from '../../src/domain/types';
import { ev, trade } from './events';

export const SETTINGS: ClassificationSettings = {
  masks: DEFAULT_MASKS, scenario: { fullFillRatio: 0.99, immediateSeconds: 1 }, sizeEdges: [1000, 5000, 10000, 50000],
  markoutHorizons: [1, 5, 30].map(horizon), fillHorizons: [0.1, 1, 10, 60].map(horizon),
};

/** A seeded generator of [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface RandomOrder {
  measures: OrderMeasures;
  candidate?: CandidateOutcome;
  /** What it was measured from. */
  states: OrderStates;
  trades: TradeSide[];
}

export interface RandomJob {
  security: string;
  date: string;
  orders: RandomOrder[];
  book: QuoteBook | null;
  /** Every trade row of the partition (joined or not), for the Centre Point share. */
  trades: { participantId: string; hour: number; quantity: number; joined: boolean }[];
}

const T0 = 1725494536001032398n; // 2024-09-05 10:02 Sydney

/**
 * A job of random orders measured by the real measureOrder against a random quote book: fills, quotes,
 * shortfall and fill-probability fields are consistent with one another, as in a real job.
 */
export function randomJob(r: () => number, security: string, date: string, n: number): RandomJob {
  const s = (sec: number): bigint => T0 + BigInt(Math.floor(sec * 1e9));
  const quotes: Quote[] = [];
  let mid = 3000 + Math.floor(r() * 500);
  for (let t = -5; t < 400; t += 0.5 + r() * 3) {
    mid += Math.floor(r() * 3) - 1;
    const half = r() < 0.8 ? 1 : 2;
    quotes.push({ timestamp: s(t), security, bid: r() < 0.03 ? null : mid - half, offer: mid + half });
  }
  const book = r() < 0.1 ? null : new QuoteBook(quotes);
  const orders: RandomOrder[] = [];
  const trades: RandomJob['trades'] = [];
  for (let i = 0; i < n; i++) {
    const id = 7904794000124134556n + BigInt(i) * 7n;
    const side = r() < 0.5 ? 1 : 2;
    const sweep = r() < 0.4;
    const qty = 1 + Math.floor(r() * 60000);
    const at = r() * 300;
    const fills: TradeSide[] = [];
    let matched = 0;
    for (let k = Math.floor(r() * 4); k > 0 && matched < qty; k--) {
      const q = 1 + Math.floor(r() * (qty - matched));
      matched += q;
      fills.push(trade({ orderId: id, t: s(at + r() * 60), qty: q, price: 2990 + Math.floor(r() * 530), side, participantId: `T${Math.floor(r() * 3)}` }));
    }
    const own = r() < 0.7;
    const events = [
      ev({ orderId: id, t: s(at), sequence: 1n, side, quantity: qty, leavesQuantity: qty, exchangeOrderType: sweep ? 2048 : 64, participantId: `P${Math.floor(r() * 5)}`,
        nationalBid: own ? mid - 1 : null, nationalOffer: own ? mid + 1 : null, security }),
      ev({ orderId: id, t: s(at + 60 + r() * 30), sequence: 2n, side, quantity: qty, leavesQuantity: qty - matched, totalMatchedQuantity: matched,
        exchangeOrderType: sweep ? 2048 : 64, security, nationalBid: r() < 0.5 ? mid : null, nationalOffer: mid + 2 }),
    ];
    const states = orderStates(events);
    const measures = measureOrder(states, fills, book, SETTINGS);
    measures.date = date;
    const candidate = sweep ? { residualQty: qty, simFilledQty: Math.floor(r() * qty), priceImprovementBps: r() < 0.8 ? (r() - 0.5) * 20 : null } : undefined;
    orders.push({ measures, candidate, states, trades: fills });
    for (const f of fills) trades.push({ participantId: f.participantId, hour: 10, quantity: f.quantity, joined: true });
  }
  for (let k = Math.floor(r() * 20); k > 0; k--) trades.push({ participantId: `T${Math.floor(r() * 4)}`, hour: 10 + Math.floor(r() * 3), quantity: 1 + Math.floor(r() * 5000), joined: false });
  return { security, date, orders, trades, book };
}
