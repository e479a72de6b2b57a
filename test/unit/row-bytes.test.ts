import { orderRow, quoteRow, tradeRow, type RowOutcome } from '../../src/domain/ingest-rules';
import { bindColumns } from '../../src/io/columns';
import { copyBytes, viewOf } from '../../src/io/byte-copy';
import { bigIntOf, DEFER, fieldRuns, KEEP, OrderRowBytes, QuoteRowBytes, TradeRowBytes } from '../../src/io/row-bytes';

/**
 * Differential test of the byte-level order rule against orderRow (the reference): on random rows, valid
 * and broken, whenever the byte path answers, its outcome, security, date and shard line equal orderRow's.
 */
const FULL = ['order_id', 'timestamp', 'sequence', 'security_code', 'side', 'price', 'quantity', 'leavesquantity',
  'totalmatchedquantity', 'exchangeordertype', 'participantid', 'changereason', 'national_bid', 'national_offer', 'timevalidity', 'extra'];
const masks = { centrePoint: 6464, sweep: 2048 };

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function valueFor(name: string, r: () => number, broken: boolean): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  if (broken) return pick(['', ' 12', '12 ', 'x', '-5', '1.5', '99999999999999999999', '18446744073709551616', '1234567890123456', 'é', '3\r', '\t7']);
  switch (name) {
    case 'order_id': return pick(['7901232681961407658', '1', String(Math.floor(r() * 1e15)), '18446744073709551615']);
    case 'timestamp': return pick(['1725456600123456789', '1728143999999999999', '1728144000000000000', '1712419200000000000', '123', '0']);
    case 'sequence': return pick(['', '5', '9223372036854775807', '12345678901234567890']);
    case 'security_code': return pick(['BHP', 'CBA', '110621', 'ABCDEFGH', 'X']);
    case 'side': return pick(['1', '2']);
    case 'exchangeordertype': return pick(['0', '64', '256', '2048', '4096', '4098', '8192', '1', '123456789012345']);
    case 'participantid': return pick(['', 'P1', '1234', 'a b']);
    case 'national_bid': case 'national_offer': return pick(['', '100', '-9223372036854775808', '0', '-1']);
    case 'timevalidity': return pick(['', 'GTC', 'IOC', 'null']);
    default: return pick(['0', '1', '250', String(Math.floor(r() * 1e9)), '999999999999999']);
  }
}

describe('OrderRowBytes agrees with orderRow', () => {
  const layouts: [string, string[]][] = [
    ['every column', FULL],
    ['no optional columns', FULL.filter((f) => !['sequence', 'national_bid', 'national_offer', 'timevalidity', 'changereason'].includes(f))],
    ['reordered', [...FULL].reverse()],
  ];
  it.each(layouts)('%s: 20,000 random rows, same outcome, date and line whenever the byte path answers', (_name, header) => {
    const cols = bindColumns('orders', header, {}, 'test.csv');
    const fast = new OrderRowBytes(cols, header.length, masks);
    const r = rng(header.length * 7919);
    let answered = 0, kept = 0, filtered = 0, validRows = 0, validAnswered = 0;
    for (let n = 0; n < 20_000; n++) {
      const broken = r() < 0.3 ? Math.floor(r() * header.length) : -1;
      let fields = header.map((h, i) => valueFor(h, r, i === broken));
      if (r() < 0.03) fields = r() < 0.5 ? fields.slice(1) : [...fields, '9'];
      const text = fields.join(',');
      const buf = Buffer.from(`xx${text}yy`);
      const fileOrder = 1e10 + n;
      const verdict = fast.route(buf, 2, buf.length - 2, fileOrder);
      const slow = orderRow(text.split(','), cols, header.length, fileOrder, masks);
      if (broken < 0 && fields.length === header.length) {
        validRows++;
        if (verdict !== DEFER) validAnswered++;
      }
      if (verdict === DEFER) continue;
      answered++;
      expect(slow.kind).toBe(verdict === KEEP ? 'keep' : 'filter');
      if (slow.kind === 'reject') continue;
      expect([fast.security, fast.date]).toEqual([slow.security, slow.date]);
      if (slow.kind === 'keep') {
        kept++;
        expect(fast.line.toString('utf8', 0, fast.lineLength)).toBe(slow.line);
      } else filtered++;
    }
    // The byte path must carry the common case, or it would be a slowdown in disguise.
    expect(validAnswered / validRows).toBeGreaterThan(0.5);
    expect(kept).toBeGreaterThan(1000);
    expect(filtered).toBeGreaterThan(500);
    expect(answered).toBeGreaterThan(kept);
  });
});

/**
 * A byte rule that keeps or defers (trades, quotes) against its string rule on 20,000 random rows of
 * `header`, a third with a broken field and some with a field too few or too many: whenever the byte
 * rule answers, the string rule keeps the row with the same security, date and line; and the byte rule
 * answers at least `answeredShare` of the valid rows.
 */
function agreesOnKeptRows(header: string[], fast: TradeRowBytes | QuoteRowBytes, slow: (fields: string[]) => RowOutcome,
  value: (name: string, r: () => number, broken: boolean) => string, seed: number, answeredShare: number): void {
  const r = rng(seed);
  let kept = 0, validRows = 0, validAnswered = 0;
  for (let n = 0; n < 20_000; n++) {
    const broken = r() < 0.3 ? Math.floor(r() * header.length) : -1;
    let fields = header.map((h, i) => value(h, r, i === broken));
    if (r() < 0.03) fields = r() < 0.5 ? fields.slice(1) : [...fields, '9'];
    const text = fields.join(',');
    const buf = Buffer.from(`xx${text}yy`);
    const verdict = fast.route(buf, 2, buf.length - 2);
    const outcome = slow(text.split(','));
    if (broken < 0 && fields.length === header.length && outcome.kind === 'keep') {
      validRows++;
      if (verdict !== DEFER) validAnswered++;
    }
    if (verdict === DEFER) continue;
    expect(verdict).toBe(KEEP);
    expect(outcome.kind).toBe('keep');
    if (outcome.kind !== 'keep') continue;
    kept++;
    expect([fast.security, fast.date, fast.line.toString('utf8', 0, fast.lineLength)]).toEqual([outcome.security, outcome.date, outcome.line]);
  }
  expect(validAnswered / validRows).toBeGreaterThan(answeredShare);
  expect(kept).toBeGreaterThan(5000);
}

describe('TradeRowBytes agrees with tradeRow', () => {
  const TRADE = ['orderid', 'tradetime', 'securitycode', 'tradeprice', 'quantity', 'side', 'matchgroupid', 'dealsource', 'participantid'];
  const layouts: [string, string[]][] = [
    ['every column', TRADE],
    ['no match group', TRADE.filter((f) => f !== 'matchgroupid')],
    ['reordered', [...TRADE].reverse()],
  ];
  const tradeValue = (name: string, r: () => number, broken: boolean): string => {
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
    if (broken) return valueFor('x', r, true);
    switch (name) {
      case 'orderid': case 'matchgroupid': return pick(['7901232681961407658', '1', '', '123456789', '5', '18446744073709551615']);
      case 'tradetime': return valueFor('timestamp', r, false);
      case 'securitycode': return valueFor('security_code', r, false);
      case 'side': return pick(['1', '2']);
      case 'dealsource': return pick(['CP', 'Centre Point', '']);
      default: return valueFor('price', r, false);
    }
  };
  it.each(layouts)('%s: 20,000 random rows, same outcome, date and line whenever the byte path answers', (_name, header) => {
    const cols = bindColumns('trades', header, {}, 'test.csv');
    agreesOnKeptRows(header, new TradeRowBytes(cols, header.length), (f) => tradeRow(f, cols, header.length), tradeValue, header.length * 104729, 0.5);
  });
});

describe('QuoteRowBytes agrees with quoteRow', () => {
  const QUOTE = ['timestamp', 'orderbookid', 'bidprice', 'offerprice'];
  const layouts: [string, string[]][] = [
    ['every column', QUOTE],
    ['reordered, with extra columns', ['offerprice', 'venue', 'orderbookid', 'bidprice', 'timestamp', 'extra']],
  ];
  const quoteValue = (name: string, r: () => number, broken: boolean): string => {
    if (broken) return valueFor('x', r, true);
    switch (name) {
      case 'timestamp': return valueFor('timestamp', r, false);
      case 'orderbookid': return valueFor('security_code', r, false);
      case 'bidprice': case 'offerprice': return valueFor('national_bid', r, false);
      default: return valueFor('participantid', r, false);
    }
  };
  it.each(layouts)('%s: 20,000 random rows, same outcome, date and line whenever the byte path answers', (_name, header) => {
    const cols = bindColumns('nbbo', header, {}, 'test.csv');
    agreesOnKeptRows(header, new QuoteRowBytes(cols, header.length), (f) => quoteRow(f, cols, header.length), quoteValue, header.length * 15485863, 0.9);
  });
});

describe('bigIntOf', () => {
  it('equals BigInt of the text on 20,000 random digit strings of 1 to 30 digits, signed or not', () => {
    const r = rng(3);
    for (let i = 0; i < 20_000; i++) {
      const digits = Array.from({ length: 1 + Math.floor(r() * 30) }, () => String(Math.floor(r() * 10))).join('');
      const text = (r() < 0.1 ? '-' : '') + digits;
      const buf = Buffer.from(`x,${text},y`);
      expect(bigIntOf(buf, 2, 2 + text.length)).toBe(BigInt(text));
    }
    // 10 to 19 digits: the values built from 32-bit halves, around each half's carry.
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from({ length: 10 + Math.floor(r() * 10) }, () => String(Math.floor(r() * 10))).join('');
      expect(bigIntOf(Buffer.from(text), 0, text.length)).toBe(BigInt(text));
    }
    for (let k = 32n; k < 64n; k++) {
      for (const v of [2n ** k - 1n, 2n ** k, 2n ** k + 1n, 2n ** k + 999_999_999n]) {
        if (v >= 10n ** 19n) continue;
        expect(bigIntOf(Buffer.from(v.toString()), 0, v.toString().length)).toBe(v);
      }
    }
    for (const text of ['0', '9', '000000000', '1000000000', '0000000000000000001', '9999999999999999999', '10000000000000000000',
      '18446744073709551615', '18446744073709551616', '9223372036854775807', '999999999999999999999999']) {
      expect(bigIntOf(Buffer.from(text), 0, text.length)).toBe(BigInt(text));
    }
  });
});

it('fieldRuns joins adjacent input columns into one copy and keeps absent fields apart', () => {
  expect([...fieldRuns(Int32Array.from([0, 1, 2, -1, 3, 4, 7, 8, -1, -1, 5, 4]), 0, 12)])
    .toEqual([0, 2, -1, -1, 3, 4, 7, 8, -1, -1, -1, -1, 5, 5, 4, 4]);
  expect([...fieldRuns(Int32Array.from([0, 1, 2, 3]), 1, 3)]).toEqual([1, 2]);
  expect([...fieldRuns(Int32Array.from([0, 1]), 1, 1)]).toEqual([]);
  // An absent field (-1) never joins input column 0 after it.
  expect([...fieldRuns(Int32Array.from([-1, 0, 1]), 0, 3)]).toEqual([-1, -1, 0, 1]);
});

it('copyBytes copies any length between any offsets as Buffer#copy does', () => {
  const r = rng(17);
  const from = Buffer.from(Array.from({ length: 300 }, () => Math.floor(r() * 256)));
  for (let n = 0; n < 2000; n++) {
    const length = Math.floor(r() * 40), fromAt = Math.floor(r() * (300 - length)), at = Math.floor(r() * (200 - length));
    const to = Buffer.alloc(200, 0xee), want = Buffer.alloc(200, 0xee);
    copyBytes(viewOf(from), fromAt, viewOf(to), at, length);
    from.copy(want, at, fromAt, fromAt + length);
    expect(to.equals(want)).toBe(true);
  }
});
