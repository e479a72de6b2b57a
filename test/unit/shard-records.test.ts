import { ORDER_SHARD, QUOTE_SHARD, SHARD_LAYOUTS, TRADE_SHARD } from '../../src/domain/shard-records';
import { OrderEventBytes, TradeSideBytes } from '../../src/io/shard-line-bytes';

/** The one declaration of the shard layouts, and what is derived from it. */
describe('shard record layouts', () => {
  it.each(Object.entries(SHARD_LAYOUTS))('%s: positions follow the declared order, names are unique', (_kind, layout) => {
    expect(new Set(layout.columns).size).toBe(layout.columns.length);
    layout.columns.forEach((c, i) => expect((layout.at as Record<string, number>)[c]).toBe(i));
  });

  it('writes a line in declared order, quoting only free text that needs it', () => {
    expect(QUOTE_SHARD.line({ timestamp: '1725456600123456789', security: 'A,B', bid: '-9223372036854775808', offer: '' }))
      .toBe('1725456600123456789,"A,B",-9223372036854775808,\n');
    expect(TRADE_SHARD.line({ order_id: '1', trade_time: '2', security: 'BHP', price: '3', quantity: '4', side: '1',
      match_group_id: '', participant: 'say "hi"', deal_source: 'CP' })).toBe('1,2,BHP,3,4,1,,"say ""hi""",CP\n');
  });

  it('reads back through the byte readers, field by field (the readers take positions from the same layout)', () => {
    const line = ORDER_SHARD.line({
      order_id: '18446744073709551615', timestamp: '1725456600123456789', sequence: '', file_order: '7', security: 'CBA', side: '2',
      price: '1050', quantity: '300', leaves: '100', matched: '200', type: '6464', participant: 'P9', national_bid: '1000',
      national_offer: '-5', timevalidity: 'null',
    });
    const buf = Buffer.from(line);
    expect(new OrderEventBytes().parse(buf, 0, buf.length - 1)).toEqual({
      orderId: 18446744073709551615n, timestamp: 1725456600123456789n, sequence: null, fileOrder: 7, security: 'CBA', side: 2,
      price: 1050, quantity: 300, leavesQuantity: 100, totalMatchedQuantity: 200, exchangeOrderType: 6464, participantId: 'P9',
      nationalBid: 1000, nationalOffer: null, timeValidity: 'null',
    });
    const trade = Buffer.from(TRADE_SHARD.line({ order_id: '12', trade_time: '1725456600123456789', security: 'CBA', price: '1050',
      quantity: '40', side: '1', match_group_id: '9223372036854775808', participant: 'P1', deal_source: 'CP' }));
    const reader = new TradeSideBytes();
    expect(reader.parse(trade, 0, trade.length - 1)).toEqual({ orderId: 12n, tradeTime: 1725456600123456789n, security: 'CBA',
      price: 1050, quantity: 40, side: 1, matchGroupId: 9223372036854775808n, participantId: 'P1', dealSource: 'CP' });
    expect(reader.share(trade, 0, trade.length - 1)).toBe(true);
    expect([reader.participantId, reader.tradeTimeMs, reader.quantity]).toEqual(['P1', 1725456600123, 40]);
  });
});
