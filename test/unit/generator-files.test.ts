import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { generate } from '../../src/generator/generate';

/** The generator's file layout: `securitiesPerFile` splits a date into files of that many securities, losing no row. */
const dir = path.join(__dirname, '..', '..', 'test-output', 'generator-files');

const lines = (f: string): string[] => readFileSync(f, 'utf8').trim().split('\n').slice(1);

it('writes a date of 3 securities as files of 2 and 1 securities, every row once', async () => {
  rmSync(dir, { recursive: true, force: true });
  const truth = await generate({ securities: 3, dates: 1, rowsPerJob: 300, seed: 3, out: dir, securitiesPerFile: 2 });
  const date = truth.dates[0];
  expect(readdirSync(path.join(dir, 'orders')).sort()).toEqual([`orders_${date}_0.csv`, `orders_${date}_1.csv`]);
  const securityOf = (f: string): Set<string> => new Set(lines(path.join(dir, 'orders', f)).map((l) => l.split(',')[3]));
  expect([...securityOf(`orders_${date}_0.csv`)].sort()).toEqual(truth.securities.slice(0, 2).sort());
  expect([...securityOf(`orders_${date}_1.csv`)]).toEqual([truth.securities[2]]);
  for (const [kind, total] of [['orders', truth.totals.orderRows], ['trades', truth.totals.tradeRows], ['nbbo', truth.totals.quoteRows]] as const) {
    expect(readdirSync(path.join(dir, kind)).reduce((n, f) => n + lines(path.join(dir, kind, f)).length, 0)).toBe(total);
  }
});
