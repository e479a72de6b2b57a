import { orderRow, quoteRow, sydneyDateOfNanosText, tradeRow } from '../../src/domain/ingest-rules';
import { DEFAULT_MASKS } from '../../src/domain/order-type';
import { bindColumns } from '../../src/io/columns';
import { InputError } from '../../src/io/csv-file';

const ORDER_HEADER = ['order_id', 'timestamp', 'sequence', 'security_code', 'side', 'price', 'quantity', 'leavesquantity',
  'totalmatchedquantity', 'exchangeordertype', 'participantid', 'national_bid', 'national_offer', 'timevalidity'];
const cols = bindColumns('orders', ORDER_HEADER, {}, 'orders.csv');
const base = ['7904794000124134556', '1725494536001032398', '6000000000000000001', '110621', '1', '3335', '1000', '1000', '0', '4098', '1063', '-9223372036854775808', '0', '1'];
const row = (patch: Record<number, string>): string[] => base.map((v, i) => patch[i] ?? v);

describe('order rows', () => {
  it('keeps a Centre Point row as exact text routed to its Sydney date', () => {
    const r = orderRow(row({}), cols, 14, 42, DEFAULT_MASKS);
    expect(r).toMatchObject({ kind: 'keep', security: '110621', date: '2024-09-05' });
    if (r.kind !== 'keep') throw new Error('kept');
    expect(r.line).toBe('7904794000124134556,1725494536001032398,6000000000000000001,42,110621,1,3335,1000,1000,0,4098,1063,-9223372036854775808,0,1\n');
  });

  it('filters (counts) a lit order instead of rejecting it', () => {
    expect(orderRow(row({ 9: '2' }), cols, 14, 1, DEFAULT_MASKS)).toEqual({ kind: 'filter', security: '110621', date: '2024-09-05' });
  });

  it.each([
    [{ 4: '3' }, "unknown side '3' (expected 1 = buy or 2 = sell)"],
    [{ 6: '12.5' }, "quantity is not a non-negative integer: '12.5'"],
    [{ 6: '' }, "quantity is not a non-negative integer: ''"],
    [{ 0: 'x1' }, "order_id is not an unsigned 64-bit integer: 'x1'"],
    [{ 0: '18446744073709551616' }, "order_id is not an unsigned 64-bit integer: '18446744073709551616'"],
    [{ 1: '17254945360010323981234' }, "timestamp is not nanoseconds since the epoch (an unsigned integer up to 9223286399999999999, 2262-04-10T23:59:59.999999999Z): '17254945360010323981234'"],
    [{ 1: '9223286400000000000' }, "timestamp is not nanoseconds since the epoch (an unsigned integer up to 9223286399999999999, 2262-04-10T23:59:59.999999999Z): '9223286400000000000'"],
    [{ 2: '1e5' }, "sequence is not an unsigned 64-bit integer: '1e5'"],
    [{ 11: 'n/a' }, "national_bid is not an integer: 'n/a'"],
    [{ 3: ' ' }, 'security_code is empty'],
  ])('rejects %p with a reason', (patch, reason) => {
    const r = orderRow(row(patch), cols, 14, 1, DEFAULT_MASKS);
    expect(r.kind).toBe('reject');
    expect(r.kind === 'reject' && r.reason).toBe(reason);
  });

  it('rejects a wrong field count (truncated or extra field)', () => {
    expect(orderRow(base.slice(0, 13), cols, 14, 1, DEFAULT_MASKS)).toEqual({ kind: 'reject', reason: 'expected 14 fields, found 13' });
    expect(orderRow([...base, 'x'], cols, 14, 1, DEFAULT_MASKS)).toEqual({ kind: 'reject', reason: 'expected 14 fields, found 15' });
  });

  it('attributes a reject to its partition when security and timestamp are readable', () => {
    expect(orderRow(row({ 4: '9' }), cols, 14, 1, DEFAULT_MASKS)).toMatchObject({ security: '110621', date: '2024-09-05' });
  });

  it('trims padded fields (feeds that start every field with a space)', () => {
    const r = orderRow(base.map((v) => ` ${v}`), cols, 14, 1, DEFAULT_MASKS);
    expect(r.kind).toBe('keep');
  });
});

describe('trade and quote rows', () => {
  const tcols = bindColumns('trades', ['orderid', 'tradetime', 'securitycode', 'tradeprice', 'quantity', 'side', 'matchgroupid'], {}, 't.csv');
  it('keeps a trade with its match group id exact', () => {
    const r = tradeRow(['7904794000124134556', '1725494536001032398', '110621', '3335', '100', '2', '7200000000000105722'], tcols, 7);
    expect(r.kind === 'keep' && r.line).toBe('7904794000124134556,1725494536001032398,110621,3335,100,2,7200000000000105722,,\n');
  });
  it('keeps a trade row\'s participant and deal source (the Centre Point share and the fills table need them)', () => {
    const c = bindColumns('trades', ['orderid', 'tradetime', 'securitycode', 'tradeprice', 'quantity', 'side', 'participantid', 'dealsource'], {}, 't.csv');
    const r = tradeRow(['7', '1725494536001032398', '110621', '3335', '100', '2', ' 61 ', 'Centre, Point'], c, 8);
    expect(r.kind === 'keep' && r.line).toBe('7,1725494536001032398,110621,3335,100,2,,61,"Centre, Point"\n');
    expect(tradeRow(['7', '1725494536001032398', '110621', '3335', '100', '2', '6\u00011', ''], c, 8)).toMatchObject({ kind: 'keep' });
    expect(tradeRow(['7', '9223286399999999999', '110621', '3335', '100', '2', '', ''], c, 8)).toMatchObject({ kind: 'keep', date: '2262-04-11' });
  });
  it('dates by the Sydney zone history: 15 October 2007 13:30 UTC is 15 October (the post-2008 rule says the 16th)', () => {
    const t = String(BigInt(Date.parse('2007-10-15T13:30:00Z')) * 1_000_000n);
    expect(tradeRow(['7', t, '110621', '3335', '100', '2', ''], tcols, 7)).toMatchObject({ kind: 'keep', date: '2007-10-15' });
    const after = String(BigInt(Date.parse('2024-10-15T13:30:00Z')) * 1_000_000n); // AEDT in 2024: 00:30 on the 16th
    expect(tradeRow(['7', after, '110621', '3335', '100', '2', ''], tcols, 7)).toMatchObject({ kind: 'keep', date: '2024-10-16' });
  });
  it('keeps INT64_MIN quotes as text (they mean no quote later)', () => {
    const qcols = bindColumns('nbbo', ['timestamp', 'orderbookid', 'bidprice', 'offerprice'], {}, 'q.csv');
    const r = quoteRow(['1725494536001032398', '110621', '-9223372036854775808', '3336'], qcols, 4);
    expect(r.kind === 'keep' && r.line).toBe('1725494536001032398,110621,-9223372036854775808,3336\n');
  });
  it('quotes a free-text field that holds a comma or a quote', () => {
    const r = orderRow(row({ 10: 'Broker, "A"' }), cols, 14, 1, DEFAULT_MASKS);
    expect(r.kind === 'keep' && r.line).toContain(',"Broker, ""A""",');
  });
});

describe('column binding', () => {
  it('matches mapped raw names case-insensitively', () => {
    const header = ORDER_HEADER.map((h) => (h === 'order_id' ? 'orderid' : h));
    expect(bindColumns('orders', header, { order_id: 'OrderID' }, 'f.csv').order_id).toBe(0);
  });
  it('names the file, the field and the raw name when a required column is missing', () => {
    const header = ORDER_HEADER.filter((h) => h !== 'leavesquantity' && h !== 'side');
    expect(() => bindColumns('orders', header, { side: 'BuySell' }, '/data/o.csv')).toThrow(new InputError('/data/o.csv',
      "orders file is missing required columns 'side' (looked for header 'BuySell'), 'leavesquantity' (looked for header 'leavesquantity')"));
  });
  it('routes by the Sydney date of the timestamp text across the October change', () => {
    expect(sydneyDateOfNanosText('1728143999999999999')).toBe('2024-10-06'); // 2024-10-05T15:59:59.999Z = 01:59 AEST
    expect(sydneyDateOfNanosText('1728057600000000000')).toBe('2024-10-05'); // 2024-10-04T16:00Z = 02:00 AEST
  });
});
