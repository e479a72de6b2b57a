import { readdirSync } from 'node:fs';
import path from 'node:path';

/** Every .csv file under dir, sorted (benchmarks list generated inputs and shards with it). */
export function listCsv(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listCsv(p));
    else if (e.name.endsWith('.csv')) out.push(p);
  }
  return out.sort();
}
