import type { OrderEvent, TradeSide } from '../../src/domain/types';

/** An order event with sensible defaults; ids far above 2^53. */
export function ev(p: Partial<OrderEvent> & { t: bigint | number }): OrderEvent {
  const { t, ...rest } = p;
  return {
    orderId: 7904794000124134556n, timestamp: BigInt(t), sequence: null, fileOrder: 0, security: '110621', side: 1,
    price: 0, quantity: 1000, leavesQuantity: 1000, totalMatchedQuantity: 0, exchangeOrderType: 64, participantId: 'P1',
    nationalBid: null, nationalOffer: null, timeValidity: null, ...rest,
  };
}

export function trade(p: Partial<TradeSide> & { t: bigint | number; qty: number; price: number }): TradeSide {
  const { t, qty, price, ...rest } = p;
  return { orderId: 7904794000124134556n, tradeTime: BigInt(t), security: '110621', price, quantity: qty, side: 1, matchGroupId: null, participantId: 'P1', dealSource: '', ...rest };
}
