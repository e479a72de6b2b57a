import { InputError } from './csv-file';

/** The logical fields of each input kind (DOMAIN.md section 2). */
export const FIELDS = {
  orders: {
    required: ['order_id', 'timestamp', 'security_code', 'side', 'price', 'quantity', 'leavesquantity',
      'totalmatchedquantity', 'exchangeordertype', 'participantid'],
    optional: ['sequence', 'changereason', 'orderstatus', 'national_bid', 'national_offer', 'bid', 'offer',
      'timevalidity', 'minimumquantity'],
  },
  trades: {
    required: ['orderid', 'tradetime', 'securitycode', 'tradeprice', 'quantity', 'side'],
    optional: ['matchgroupid', 'participantid', 'dealsource', 'passiveaggressive', 'sequence'],
  },
  nbbo: {
    required: ['timestamp', 'orderbookid', 'bidprice', 'offerprice'],
    optional: [],
  },
} as const;

export type InputKind = keyof typeof FIELDS;
export const INPUT_KINDS: readonly InputKind[] = ['orders', 'trades', 'nbbo'];

/** Column index of each logical field in a file; -1 = absent (optional fields only). */
export type ColumnIndex = Record<string, number>;

/**
 * Binds a file's header to logical fields through the config's mapping (logical -> raw). Header names and
 * raw names compare trimmed and case-insensitively. A missing required column is an InputError naming the
 * file, the logical field and the raw name looked for.
 */
export function bindColumns(
  kind: InputKind, header: readonly string[], mapping: Record<string, string>, file: string,
): ColumnIndex {
  const spec = FIELDS[kind];
  const pos = new Map<string, number[]>();
  header.forEach((h, i) => {
    const at = pos.get(h);
    if (at) at.push(i);
    else pos.set(h, [i]);
  });
  const index: ColumnIndex = {};
  const missing: string[] = [];
  const twice: string[] = [];
  for (const field of [...spec.required, ...spec.optional]) {
    const raw = (mapping[field] ?? field).trim().toLowerCase();
    const at = pos.get(raw);
    if (at && at.length > 1) twice.push(`'${raw}' (columns ${at.map((i) => i + 1).join(' and ')})`);
    const i = at?.[0];
    index[field] = i ?? -1;
    if (i === undefined && (spec.required as readonly string[]).includes(field)) {
      missing.push(`'${field}' (looked for header '${mapping[field] ?? field}')`);
    }
  }
  if (twice.length > 0) {
    throw new InputError(file, `${kind} file has the header ${twice.join(', ')} more than once: which column holds the field is ambiguous`);
  }
  if (missing.length > 0) {
    throw new InputError(file, `${kind} file is missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
  return index;
}

/** Unknown keys in a column mapping are config mistakes worth naming. */
export function unknownMappedFields(kind: InputKind, mapping: Record<string, string>): string[] {
  const known = new Set<string>([...FIELDS[kind].required, ...FIELDS[kind].optional]);
  return Object.keys(mapping).filter((k) => !known.has(k));
}
