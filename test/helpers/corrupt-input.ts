import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Copies a generated run's order files (`<data>/orders/orders_<date>.csv`) into `badDir`, with every
 * second order row of (security, date) given an unknown side ('7'): rejected by the shard step and
 * attributable to that job alone. Returns how many rows were corrupted and that date's corrupted lines.
 */
export function corruptOrderSides(data: string, dates: readonly string[], security: string, date: string, badDir: string): { corrupted: number; lines: string[] } {
  mkdirSync(badDir, { recursive: true });
  let corrupted = 0;
  let bad: string[] = [];
  for (const d of dates) {
    const lines = readFileSync(path.join(data, 'orders', `orders_${d}.csv`), 'utf8').split('\n');
    for (let i = 1; i < lines.length && d === date; i++) {
      const f = lines[i].split(',');
      if (f[3] === security && i % 2 === 0) {
        f[4] = '7';
        lines[i] = f.join(',');
        corrupted++;
      }
    }
    if (d === date) bad = lines;
    writeFileSync(path.join(badDir, `orders_${d}.csv`), lines.join('\n'));
  }
  return { corrupted, lines: bad };
}
