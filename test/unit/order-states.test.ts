import { orderStates, orderStatesByOrder, OrderStateTracker } from '../../src/domain/order-states';
import { ev } from '../helpers/events';

const T = 1725494536001032398n;

describe('order states (arrival, post-arrival, final)', () => {
  it('orders equal timestamps by sequence, not by file position', () => {
    const s = orderStates([
      ev({ t: T, sequence: 11n, fileOrder: 1, leavesQuantity: 400, totalMatchedQuantity: 600 }),
      ev({ t: T, sequence: 10n, fileOrder: 2, leavesQuantity: 1000 }),
      ev({ t: T + 5n, sequence: 12n, fileOrder: 3, leavesQuantity: 0, totalMatchedQuantity: 1000 }),
    ]);
    expect(s.arrival.sequence).toBe(10n);
    expect(s.postArrival.sequence).toBe(11n);
    expect(s.postArrival.leavesQuantity).toBe(400);
    expect(s.final.sequence).toBe(12n);
    expect(s.events).toBe(3);
  });

  it('falls back to file order when the feed has no sequence', () => {
    const s = orderStates([
      ev({ t: T, fileOrder: 20, leavesQuantity: 300 }),
      ev({ t: T, fileOrder: 10, leavesQuantity: 1000 }),
    ]);
    expect(s.arrival.fileOrder).toBe(10);
    expect(s.postArrival.fileOrder).toBe(20);
    expect(s.final.fileOrder).toBe(20);
  });

  it('sequences beyond 2^53 compare exactly', () => {
    const s = orderStates([
      ev({ t: T, sequence: 9007199254740993n, fileOrder: 1 }),
      ev({ t: T, sequence: 9007199254740992n, fileOrder: 2 }),
    ]);
    expect(s.arrival.sequence).toBe(9007199254740992n);
  });

  it('a single event is arrival, post-arrival and final', () => {
    const e = ev({ t: T });
    const s = orderStates([e]);
    expect(s.arrival).toBe(e);
    expect(s.postArrival).toBe(e);
    expect(s.final).toBe(e);
  });

  it('post-arrival is the arrival itself when nothing else shares its timestamp', () => {
    const s = orderStates([ev({ t: T, sequence: 1n }), ev({ t: T + 1n, sequence: 2n })]);
    expect(s.postArrival).toBe(s.arrival);
  });

  it('refuses an order without events', () => {
    expect(() => orderStates([])).toThrow(/at least one event/);
  });

  it('groups by order id and sorts orders by arrival', () => {
    const a = 7904794000124134557n, b = 7904794000124134556n;
    const states = orderStatesByOrder([ev({ orderId: a, t: T + 10n }), ev({ orderId: b, t: T + 20n }), ev({ orderId: b, t: T })]);
    expect(states.map((s) => s.arrival.orderId)).toEqual([b, a]);
  });

  it('the streaming tracker gives the same states as sorting, in any arrival order of events (2,000 random orders)', () => {
    let seed = 99;
    const rnd = (n: number): number => ((seed = (seed * 48271) % 2147483647) % n);
    for (let k = 0; k < 2000; k++) {
      const n = 1 + rnd(7);
      const hasSeq = rnd(2) === 0;
      const events = Array.from({ length: n }, (_, i) => ev({
        orderId: 1n, t: T + BigInt(rnd(3)), sequence: hasSeq ? BigInt(rnd(5)) : null, fileOrder: i, leavesQuantity: i,
      }));
      const shuffled = [...events].sort(() => rnd(3) - 1);
      const tracker = new OrderStateTracker();
      for (const e of shuffled) tracker.add(e);
      const [got] = tracker.states();
      const want = orderStates(events);
      expect(got.arrival).toBe(want.arrival);
      expect(got.postArrival).toBe(want.postArrival);
      expect(got.final).toBe(want.final);
      expect(got.events).toBe(n);
    }
  });
});
