/** CSV text for output files: quotes only when a value needs it. */
export function csvField(v: string): string {
  if (v === '') return v;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return `"${v.replace(/"/g, '""')}"`;
  }
  return v;
}

export function csvLine(values: readonly string[]): string {
  let s = '';
  for (let i = 0; i < values.length; i++) s += (i ? ',' : '') + csvField(values[i]);
  return s + '\n';
}

/** A cell from any value: null/undefined empty, BigInt and numbers as exact decimal text. */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}
