import type { OrderEvent } from './types';

/**
 * DOMAIN.md section 6. Events sort by (timestamp, sequence); when the feed has no sequence, by their
 * position in the input. Arrival = first event; post-arrival = last event at the arrival timestamp (the
 * state right after any immediate execution); final = last event.
 */
export interface OrderStates {
  arrival: OrderEvent;
  postArrival: OrderEvent;
  final: OrderEvent;
  events: number;
}

export function compareEvents(a: OrderEvent, b: OrderEvent): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  if (a.sequence !== null && b.sequence !== null && a.sequence !== b.sequence) {
    return a.sequence < b.sequence ? -1 : 1;
  }
  return a.fileOrder - b.fileOrder;
}

/**
 * Orders' states by their arrival events. One module-level function, not a comparator made per sort: V8
 * keeps a function's optimised code only while one of its closures lives.
 */
export function byArrival(a: OrderStates, b: OrderStates): number {
  return compareEvents(a.arrival, b.arrival);
}

/** States of one order from its events (any order). Throws on an empty list: an order has >= 1 event. */
export function orderStates(events: readonly OrderEvent[]): OrderStates {
  if (events.length === 0) throw new Error('orderStates: an order needs at least one event');
  const sorted = [...events].sort(compareEvents);
  const arrival = sorted[0];
  let postArrival = arrival;
  for (const e of sorted) {
    if (e.timestamp !== arrival.timestamp) break;
    postArrival = e;
  }
  return { arrival, postArrival, final: sorted[sorted.length - 1], events: sorted.length };
}

/** Groups events by order id and derives each order's states, in arrival order. */
export function orderStatesByOrder(events: Iterable<OrderEvent>): OrderStates[] {
  const byOrder = new Map<bigint, OrderEvent[]>();
  for (const e of events) {
    const list = byOrder.get(e.orderId);
    if (list) list.push(e);
    else byOrder.set(e.orderId, [e]);
  }
  const states = [...byOrder.values()].map(orderStates);
  states.sort(byArrival);
  return states;
}

/**
 * Streaming form of orderStates: keeps three events per order instead of all of them, so a job's memory
 * depends on its order count, not its event count. Gives the same states as sorting (tested).
 */
export class OrderStateTracker {
  private readonly orders = new Map<bigint, OrderStates>();

  add(e: OrderEvent): void {
    const s = this.orders.get(e.orderId);
    if (!s) {
      this.orders.set(e.orderId, { arrival: e, postArrival: e, final: e, events: 1 });
      return;
    }
    s.events++;
    if (compareEvents(e, s.arrival) < 0) {
      // Every event seen so far sorts after e; one at e's timestamp would have made the old arrival share it.
      if (s.arrival.timestamp !== e.timestamp) s.postArrival = e;
      s.arrival = e;
    } else if (e.timestamp === s.arrival.timestamp && compareEvents(e, s.postArrival) > 0) {
      s.postArrival = e;
    }
    if (compareEvents(e, s.final) > 0) s.final = e;
  }

  get size(): number {
    return this.orders.size;
  }

  has(orderId: bigint): boolean {
    return this.orders.has(orderId);
  }

  /** States in arrival order. */
  states(): OrderStates[] {
    return [...this.orders.values()].sort(byArrival);
  }
}
