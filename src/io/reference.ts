import { InputError, readCsv } from './csv-file';

/**
 * Rows of a reference file by their `Id` (headers trimmed, any case): `onRow` gets the id, a getter of the
 * other named columns (trimmed; '' when the column is absent) and the line. Malformed lines are skipped:
 * reference data names things, it is never counted.
 */
async function readById(file: string, kind: string, columns: readonly string[], onRow: (id: string, get: (column: string) => string, line: number) => void): Promise<void> {
  let id = -1;
  const at = new Map<string, number>();
  await readCsv(file, {
    onHeader(h) {
      id = h.indexOf('id');
      if (id < 0) throw new Error(`${file}: ${kind} file has no 'Id' column`);
      for (const c of columns) at.set(c, h.indexOf(c));
    },
    onRecord(f, line) {
      const key = (f[id] ?? '').trim();
      if (key) onRow(key, (c) => { const i = at.get(c) ?? -1; return i >= 0 ? (f[i] ?? '').trim() : ''; }, line);
    },
    onMalformed() {
      // reference data: a malformed line is skipped
    },
  });
}

/** Participants reference: `Id` -> `ParticipantName`, `ParticipantType`. */
export async function readParticipants(files: readonly string[]): Promise<Record<string, { name: string; type: string }>> {
  const out: Record<string, { name: string; type: string }> = {};
  for (const file of files) {
    await readById(file, 'participants', ['participantname', 'participanttype'], (id, get) => {
      out[id] = { name: get('participantname'), type: get('participanttype') };
    });
  }
  return out;
}

/** A security's reference data (DOMAIN.md section 2: `Id` -> `Name`, `DecimalsInPrice`). */
export interface SecurityReference {
  name: string | null;
  /** Prices are integers in units of 10^-priceDecimals; null when the file does not say. */
  priceDecimals: number | null;
}

/**
 * Security reference: `Id` -> `Name`, `DecimalsInPrice`. Of several rows of one id (a reference file is a
 * log of NEW and UPDATE actions) the last wins. A `DecimalsInPrice` that is not an integer from 0 to 18 is
 * an error naming the file and line: it would scale every price wrongly.
 */
export async function readSecurities(files: readonly string[]): Promise<Record<string, SecurityReference>> {
  const out: Record<string, SecurityReference> = {};
  for (const file of files) {
    await readById(file, 'reference', ['name', 'decimalsinprice'], (id, get, line) => {
      const d = get('decimalsinprice');
      if (d !== '' && !/^(1[0-8]|[0-9])$/.test(d)) throw new InputError(file, `column DecimalsInPrice: '${d}' is not an integer from 0 to 18`, line);
      out[id] = { name: get('name') || null, priceDecimals: d === '' ? null : Number(d) };
    });
  }
  return out;
}
