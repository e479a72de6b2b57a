import { readCsv } from './csv-file';

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
