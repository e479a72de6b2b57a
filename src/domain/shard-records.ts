/**
 * The shard record layouts, declared once. A shard line is validated decimal text, one CSV record per input
 * row the shard step keeps. Everything that writes or reads shard lines derives from these declarations: the
 * shard files' header, the string rule's line (ingest-rules), the byte rule's copy sequence (io/row-bytes),
 * and the field positions the readers use (io/shard-line-bytes, io/shard-reader).
 */

/** One shard field: its name, and the input's logical column it is copied from (null: computed by the shard step). */
export interface ShardField<N extends string = string> {
  name: N;
  from: string | null;
  /** Free text (security codes, participants): CSV-quoted when it holds a comma, quote or line break. */
  text?: boolean;
}

export interface ShardLayout<N extends string> {
  /** Field names in line order: the shard files' header. */
  readonly columns: readonly N[];
  readonly fields: readonly ShardField<N>[];
  /** A field's position in the line. */
  readonly at: Readonly<Record<N, number>>;
  /** The shard line (with its newline) of one row's validated field texts. */
  line(values: Readonly<Record<N, string>>): string;
}

/** CSV text of a free-text field (validated numbers never need quoting). */
export function csvText(v: string): string {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return `"${v.replace(/"/g, '""')}"`;
  }
  return v;
}

function layout<const N extends string>(fields: readonly ShardField<N>[]): ShardLayout<N> {
  const columns = fields.map((f) => f.name);
  const at = Object.fromEntries(columns.map((c, i) => [c, i])) as Record<N, number>;
  return {
    columns, fields, at,
    line: (values) => {
      let s = '';
      for (let i = 0; i < fields.length; i++) {
        const v = values[fields[i].name];
        s += (i === 0 ? '' : ',') + (fields[i].text ? csvText(v) : v);
      }
      return `${s}\n`;
    },
  };
}

/**
 * An order event. `file_order` is the row's line in its input file (ties of timestamp and sequence fall in
 * input order); `timevalidity` is empty when the input has no such column and "null" when its value is empty.
 */
export const ORDER_SHARD = layout([
  { name: 'order_id', from: 'order_id' },
  { name: 'timestamp', from: 'timestamp' },
  { name: 'sequence', from: 'sequence' },
  { name: 'file_order', from: null },
  { name: 'security', from: 'security_code', text: true },
  { name: 'side', from: 'side' },
  { name: 'price', from: 'price' },
  { name: 'quantity', from: 'quantity' },
  { name: 'leaves', from: 'leavesquantity' },
  { name: 'matched', from: 'totalmatchedquantity' },
  { name: 'type', from: 'exchangeordertype' },
  { name: 'participant', from: 'participantid', text: true },
  { name: 'national_bid', from: 'national_bid' },
  { name: 'national_offer', from: 'national_offer' },
  { name: 'timevalidity', from: 'timevalidity', text: true },
]);

/** A trade row (one side of a match). */
export const TRADE_SHARD = layout([
  { name: 'order_id', from: 'orderid' },
  { name: 'trade_time', from: 'tradetime' },
  { name: 'security', from: 'securitycode', text: true },
  { name: 'price', from: 'tradeprice' },
  { name: 'quantity', from: 'quantity' },
  { name: 'side', from: 'side' },
  { name: 'match_group_id', from: 'matchgroupid' },
  { name: 'participant', from: 'participantid', text: true },
  { name: 'deal_source', from: 'dealsource', text: true },
]);

/** An NBBO quote. */
export const QUOTE_SHARD = layout([
  { name: 'timestamp', from: 'timestamp' },
  { name: 'security', from: 'orderbookid', text: true },
  { name: 'bid', from: 'bidprice' },
  { name: 'offer', from: 'offerprice' },
]);

/** The layout of each input kind's shards. */
export const SHARD_LAYOUTS = { orders: ORDER_SHARD, trades: TRADE_SHARD, nbbo: QUOTE_SHARD } as const;
