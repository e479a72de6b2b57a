import { isCentrePoint, type OrderTypeMasks } from './order-type';
import { sydneyDateOfMillis } from './sydney-time';
import { ORDER_SHARD, QUOTE_SHARD, TRADE_SHARD } from './shard-records';
import { clean, isNanosTime, isSafeCount, isSignedInt, isUint64, keyTextProblem } from './field-text';

/**
 * Row-level rules of the shard step, one per input kind: validate the fields the pipeline interprets,
 * drop what is out of scope (counted), and route what is kept to its (security, Sydney date) partition.
 * Values stay validated decimal text so 64-bit ids and timestamps are never rounded.
 */
export type RowOutcome =
  | { kind: 'keep'; security: string; date: string; line: string }
  | { kind: 'filter'; security: string; date: string }
  | { kind: 'reject'; reason: string; security?: string; date?: string };

/** The largest price x quantity of one trade (so that an order's notional, a sum of them, fits 64 bits). */
export const MAX_TRADE_NOTIONAL = Number.MAX_SAFE_INTEGER;

/** Column positions of one file's logical fields (-1 = absent). */
export type Cols = Record<string, number>;

function get(fields: string[], i: number): string {
  return i < 0 ? '' : clean(fields[i]);
}

/** Sydney date of a nanosecond timestamp given as validated decimal text. */
export function sydneyDateOfNanosText(ns: string): string {
  // Drop the last 6 digits: whole ms, exact as a number.
  return sydneyDateOfMillis(ns.length > 6 ? Number(ns.slice(0, ns.length - 6)) : 0);
}

function timeProblem(field: string, ts: string): string {
  return `${field} is not nanoseconds since the epoch (an unsigned integer up to 9223286399999999999, 2262-04-10T23:59:59.999999999Z): '${ts}'`;
}

function fieldCountProblem(fields: string[], expected: number): string | null {
  if (fields.length === expected) return null;
  return `expected ${expected} fields, found ${fields.length}`;
}

function sideOk(s: string): boolean {
  return s === '1' || s === '2';
}

/** Quote fields: empty, or any integer (INT64_MIN, 0, negatives mean "no quote" and stay as they are). */
function quoteOk(s: string): boolean {
  return s === '' || isSignedInt(s);
}

export function orderRow(fields: string[], c: Cols, width: number, fileOrder: number, masks: OrderTypeMasks): RowOutcome {
  const bad = fieldCountProblem(fields, width);
  if (bad) return { kind: 'reject', reason: bad };
  const security = get(fields, c.security_code);
  const ts = get(fields, c.timestamp);
  if (security === '') return { kind: 'reject', reason: 'security_code is empty' };
  const badSecurity = keyTextProblem('security_code', security);
  if (badSecurity) return { kind: 'reject', reason: badSecurity };
  if (!isNanosTime(ts)) return { kind: 'reject', reason: timeProblem('timestamp', ts), security };
  const date = sydneyDateOfNanosText(ts);
  const where = { security, date };
  const orderId = get(fields, c.order_id);
  if (!isUint64(orderId)) return { kind: 'reject', reason: `order_id is not an unsigned 64-bit integer: '${orderId}'`, ...where };
  const side = get(fields, c.side);
  if (!sideOk(side)) return { kind: 'reject', reason: `unknown side '${side}' (expected 1 = buy or 2 = sell)`, ...where };
  const type = get(fields, c.exchangeordertype);
  if (!isSafeCount(type)) return { kind: 'reject', reason: `exchangeordertype is not a non-negative integer: '${type}'`, ...where };
  // Every field is checked before the Centre Point filter: a lit row with garbage is a reject, not "filtered".
  for (const f of ['price', 'quantity', 'leavesquantity', 'totalmatchedquantity'] as const) {
    const v = get(fields, c[f]);
    if (!isSafeCount(v)) return { kind: 'reject', reason: `${f} is not a non-negative integer: '${v}'`, ...where };
  }
  const seq = get(fields, c.sequence);
  if (seq !== '' && !isUint64(seq)) return { kind: 'reject', reason: `sequence is not an unsigned 64-bit integer: '${seq}'`, ...where };
  const nb = get(fields, c.national_bid), no = get(fields, c.national_offer);
  if (!quoteOk(nb)) return { kind: 'reject', reason: `national_bid is not an integer: '${nb}'`, ...where };
  if (!quoteOk(no)) return { kind: 'reject', reason: `national_offer is not an integer: '${no}'`, ...where };
  const participant = get(fields, c.participantid);
  const badParticipant = keyTextProblem('participantid', participant, false);
  if (badParticipant) return { kind: 'reject', reason: badParticipant, ...where };
  if (!isCentrePoint(Number(type), masks)) return { kind: 'filter', ...where };
  return {
    kind: 'keep', ...where,
    line: ORDER_SHARD.line({
      order_id: orderId, timestamp: ts, sequence: seq, file_order: String(fileOrder), security, side, price: get(fields, c.price),
      quantity: get(fields, c.quantity), leaves: get(fields, c.leavesquantity), matched: get(fields, c.totalmatchedquantity), type,
      participant, national_bid: nb, national_offer: no, timevalidity: c.timevalidity < 0 ? '' : get(fields, c.timevalidity) || 'null',
    }),
  };
}

export function tradeRow(fields: string[], c: Cols, width: number): RowOutcome {
  const bad = fieldCountProblem(fields, width);
  if (bad) return { kind: 'reject', reason: bad };
  const security = get(fields, c.securitycode);
  const ts = get(fields, c.tradetime);
  if (security === '') return { kind: 'reject', reason: 'securitycode is empty' };
  const badSecurity = keyTextProblem('securitycode', security);
  if (badSecurity) return { kind: 'reject', reason: badSecurity };
  if (!isNanosTime(ts)) return { kind: 'reject', reason: timeProblem('tradetime', ts), security };
  const date = sydneyDateOfNanosText(ts);
  const where = { security, date };
  const orderId = get(fields, c.orderid);
  if (!isUint64(orderId)) return { kind: 'reject', reason: `orderid is not an unsigned 64-bit integer: '${orderId}'`, ...where };
  const side = get(fields, c.side);
  if (!sideOk(side)) return { kind: 'reject', reason: `unknown side '${side}' (expected 1 = buy or 2 = sell)`, ...where };
  const price = get(fields, c.tradeprice), qty = get(fields, c.quantity);
  if (!isSafeCount(price)) return { kind: 'reject', reason: `tradeprice is not a non-negative integer: '${price}'`, ...where };
  if (!isSafeCount(qty)) return { kind: 'reject', reason: `quantity is not a non-negative integer: '${qty}'`, ...where };
  // An order's notional is the exact sum of its trades' price x quantity, kept as an unsigned 64-bit value.
  if (Number(price) * Number(qty) > MAX_TRADE_NOTIONAL) {
    return { kind: 'reject', reason: `tradeprice x quantity (${price} x ${qty}) is above 2^53: no output holds the notional of such trades exactly`, ...where };
  }
  const mg = get(fields, c.matchgroupid);
  if (mg !== '' && !isUint64(mg)) return { kind: 'reject', reason: `matchgroupid is not an unsigned 64-bit integer: '${mg}'`, ...where };
  const participant = get(fields, c.participantid), dealSource = get(fields, c.dealsource);
  const badText = keyTextProblem('participantid', participant, false) ?? keyTextProblem('dealsource', dealSource, false);
  if (badText) return { kind: 'reject', reason: badText, ...where };
  return {
    kind: 'keep', ...where,
    line: TRADE_SHARD.line({
      order_id: orderId, trade_time: ts, security, price, quantity: qty, side, match_group_id: mg, participant, deal_source: dealSource,
    }),
  };
}

export function quoteRow(fields: string[], c: Cols, width: number): RowOutcome {
  const bad = fieldCountProblem(fields, width);
  if (bad) return { kind: 'reject', reason: bad };
  const security = get(fields, c.orderbookid);
  const ts = get(fields, c.timestamp);
  if (security === '') return { kind: 'reject', reason: 'orderbookid is empty' };
  const badSecurity = keyTextProblem('orderbookid', security);
  if (badSecurity) return { kind: 'reject', reason: badSecurity };
  if (!isNanosTime(ts)) return { kind: 'reject', reason: timeProblem('timestamp', ts), security };
  const date = sydneyDateOfNanosText(ts);
  const bid = get(fields, c.bidprice), offer = get(fields, c.offerprice);
  if (!quoteOk(bid)) return { kind: 'reject', reason: `bidprice is not an integer: '${bid}'`, security, date };
  if (!quoteOk(offer)) return { kind: 'reject', reason: `offerprice is not an integer: '${offer}'`, security, date };
  return { kind: 'keep', security, date, line: QUOTE_SHARD.line({ timestamp: ts, security, bid, offer }) };
}
