import { fillQualityAt } from '../../src/domain/execution-quality';
import type { OrderMeasures } from '../../src/domain/order-measures';
import { OrderRow, OrderTable, plainOrder } from '../../src/domain/order-table';
import { randomJob, rng, SETTINGS } from '../helpers/random-orders';

/**
 * A job's order table against each order measured alone (measureOrder: a table of one row): every measure
 * of every row, and every fill's measures, are the same when a hundred orders share one table, its fill
 * table and its fill-mean scratch.
 */
const withoutFills = ({ fills: _fills, ...rest }: OrderMeasures): Omit<OrderMeasures, 'fills'> => rest;

describe('OrderTable', () => {
  it('gives each of a job\'s orders the measures it has alone, on 40 random jobs', () => {
    const r = rng(5);
    let fills = 0;
    for (let trial = 0; trial < 40; trial++) {
      const job = randomJob(r, 'S', '2024-09-05', 1 + Math.floor(r() * 100));
      const table = new OrderTable(SETTINGS, job.orders.length, job.orders.reduce((n, o) => n + o.trades.length, 0));
      for (const o of job.orders) table.append(o.states, o.trades, job.book);
      const row = new OrderRow(table);
      job.orders.forEach((o, i) => {
        const got = plainOrder(row.at(i)), alone = o.measures;
        // randomJob sets the job's date on its orders; the table keeps the arrival's own Sydney date.
        expect({ ...withoutFills(got), date: alone.date }).toEqual(withoutFills(alone));
        expect(got.fills.count).toBe(alone.fills.count);
        for (let k = 0; k < got.fills.count; k++) {
          const a = got.fills.start + k, b = alone.fills.start + k;
          expect([got.fills.table.trades[a], fillQualityAt(got.fills.table, a)]).toEqual([alone.fills.table.trades[b], fillQualityAt(alone.fills.table, b)]);
          fills++;
        }
      });
    }
    expect(fills).toBeGreaterThan(500);
  });

  it('gives rows with the same fill-horizon flags one frozen array of them', () => {
    const job = randomJob(rng(7), 'S', '2024-09-05', 200);
    const table = new OrderTable(SETTINGS, job.orders.length, job.orders.reduce((n, o) => n + o.trades.length, 0));
    for (const o of job.orders) table.append(o.states, o.trades, job.book);
    const row = new OrderRow(table);
    const seen = new Map<string, OrderMeasures['fillsWithin']>();
    job.orders.forEach((o, i) => {
      const flags = row.at(i).fillsWithin;
      expect(flags).toEqual(o.measures.fillsWithin);
      const key = JSON.stringify(flags);
      if (seen.has(key)) expect(flags).toBe(seen.get(key));
      else seen.set(key, flags);
      expect(Object.isFrozen(flags) && flags.every((f) => Object.isFrozen(f))).toBe(true);
    });
    expect(seen.size).toBeGreaterThan(1);
    expect(seen.size).toBeLessThan(job.orders.length / 4);
  });

  it('writes an order\'s fills in trade-time order, equal times in the order given, whether or not they came sorted', () => {
    const job = randomJob(rng(8), 'S', '2024-09-05', 60);
    const many = job.orders.filter((o) => o.trades.length > 2);
    expect(many.length).toBeGreaterThan(3);
    const r = rng(9);
    for (const o of many) {
      // Shuffled, with every other trade given its neighbour's time (ties the sort must keep in input order).
      const given = o.trades.map((t) => ({ t, k: r() })).sort((a, b) => a.k - b.k).map(({ t }, i, all) => ({ ...t, tradeTime: i % 2 === 1 ? all[i - 1].t.tradeTime : t.tradeTime }));
      const want = given.map((t, i) => ({ t, i })).sort((a, b) => (a.t.tradeTime < b.t.tradeTime ? -1 : a.t.tradeTime > b.t.tradeTime ? 1 : a.i - b.i)).map(({ t }) => t);
      for (const trades of [given, want]) {
        const table = new OrderTable(SETTINGS, 1, trades.length);
        table.append(o.states, trades, job.book);
        expect(table.fills.trades.slice(0, trades.length)).toEqual(want);
        expect(table.fills.trades[0]).toBe(want[0]); // the trades themselves, not copies
      }
    }
  });

  it('refuses an order beyond its capacity', () => {
    const job = randomJob(rng(6), 'S', '2024-09-05', 2);
    const table = new OrderTable(SETTINGS, 1, job.orders[0].trades.length + job.orders[1].trades.length);
    table.append(job.orders[0].states, job.orders[0].trades, job.book);
    expect(() => table.append(job.orders[1].states, job.orders[1].trades, job.book)).toThrow('an order table for 1 orders is full');
  });
});
