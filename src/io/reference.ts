import { InputError, readCsv } from './csv-file';

/** Participants reference: `Id` -> `ParticipantName`, `ParticipantType` (headers trimmed, any case). */
export async function readParticipants(files: readonly string[]): Promise<Record<string, { name: string; type: string }>> {
  const out: Record<string, { name: string; type: string }> = {};
  for (const file of files) {
    let id = -1, name = -1, type = -1;
    await readCsv(file, {
      onHeader(h) {
        id = h.indexOf('id');
        name = h.indexOf('participantname');
        type = h.indexOf('participanttype');
        if (id < 0) throw new Error(`${file}: participants file has no 'Id' column`);
      },
      onRecord(f) {
        const key = (f[id] ?? '').trim();
        if (key) out[key] = { name: name >= 0 ? (f[name] ?? '').trim() : '', type: type >= 0 ? (f[type] ?? '').trim() : '' };
      },
      onMalformed() {
        // reference data: a malformed line is skipped
      },
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
 * Security reference: `Id` -> `Name`, `DecimalsInPrice` (headers trimmed, any case). Of several rows of
 * one id (a reference file is a log of NEW and UPDATE actions) the last wins. A `DecimalsInPrice` that is
 * not an integer from 0 to 18 is an error naming the file and line: it would scale every price wrongly.
 */
export async function readSecurities(files: readonly string[]): Promise<Record<string, SecurityReference>> {
  const out: Record<string, SecurityReference> = {};
  for (const file of files) {
    let id = -1, name = -1, decimals = -1, line = 1;
    await readCsv(file, {
      onHeader(h) {
        id = h.indexOf('id');
        name = h.indexOf('name');
        decimals = h.indexOf('decimalsinprice');
        if (id < 0) throw new Error(`${file}: reference file has no 'Id' column`);
      },
      onRecord(f) {
        line++;
        const key = (f[id] ?? '').trim();
        if (!key) return;
        const d = decimals >= 0 ? (f[decimals] ?? '').trim() : '';
        if (d !== '' && !/^(1[0-8]|[0-9])$/.test(d)) throw new InputError(file, `column DecimalsInPrice: '${d}' is not an integer from 0 to 18`, line);
        out[key] = { name: name >= 0 ? (f[name] ?? '').trim() || null : null, priceDecimals: d === '' ? null : Number(d) };
      },
      onMalformed() {
        // reference data: a malformed line is skipped
      },
    });
  }
  return out;
}
