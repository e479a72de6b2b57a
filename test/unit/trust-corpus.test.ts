import { mkdtempSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvError, envInt, envLogLevel } from '../../src/config/env';
import { ConfigError, parseConfig } from '../../src/config/load';
import { orderRow, tradeRow } from '../../src/domain/ingest-rules';
import { DEFAULT_MASKS } from '../../src/domain/order-type';
import { generate } from '../../src/generator/generate';
import { bindColumns } from '../../src/io/columns';
import { InputError, readHeader } from '../../src/io/csv-file';
import { packSplits } from '../../src/domain/splits';
import { MAX_SEGMENT, safeSegment } from '../../src/io/paths';
import { plannedInput, shardSplitTask } from '../../src/io/shard-split';
import { OrderRowBytes, DEFER } from '../../src/io/row-bytes';
import { corpus } from '../corpus/cases';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sf-corpus-'));
const problems = (raw: unknown): string[] => {
  try {
    parseConfig(raw, 'test', {});
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => `${p.path}: ${p.message}`);
  }
};
const minimal = { name: 'r', inputs: { orders: 'o.csv' } };

const ORDER_HEADER = ['order_id', 'timestamp', 'sequence', 'security_code', 'side', 'price', 'quantity', 'leavesquantity',
  'totalmatchedquantity', 'exchangeordertype', 'participantid'];
const cols = bindColumns('orders', ORDER_HEADER, {}, 'o.csv');
const base = ['7904794000124134556', '1725494536001032398', '1', '110621', '1', '3335', '1000', '1000', '0', '2048', '54'];
const order = (patch: Record<number, string>): string[] => base.map((v, i) => patch[i] ?? v);
const TRADE_HEADER = ['orderid', 'tradetime', 'securitycode', 'tradeprice', 'quantity', 'side'];
const tcols = bindColumns('trades', TRADE_HEADER, {}, 't.csv');

describe('trust corpus: values and rules at the door', () => {
  it(corpus('F08'), () => {
    expect(orderRow(order({ 3: '110\u000121' }), cols, 11, 1, DEFAULT_MASKS)).toEqual({ kind: 'reject', reason: 'security_code contains a control character (U+0001)' });
  });

  it(corpus('F09'), () => {
    expect(orderRow(order({ 6: '10\r00' }), cols, 11, 1, DEFAULT_MASKS)).toMatchObject({ kind: 'reject', reason: "quantity is not a non-negative integer: '10\r00'" });
  });

  it(corpus('V02'), () => {
    expect(orderRow(order({ 0: '18446744073709551616' }), cols, 11, 1, DEFAULT_MASKS))
      .toMatchObject({ kind: 'reject', reason: "order_id is not an unsigned 64-bit integer: '18446744073709551616'" });
    expect(orderRow(order({ 0: '18446744073709551615' }), cols, 11, 1, DEFAULT_MASKS)).toMatchObject({ kind: 'keep' });
  });

  it(corpus('V05'), () => {
    expect(orderRow(order({ 9: String(2 ** 53) }), cols, 11, 1, DEFAULT_MASKS))
      .toMatchObject({ kind: 'reject', reason: `exchangeordertype is not a non-negative integer: '${2 ** 53}'` });
  });

  it(corpus('V06'), () => {
    const t = ['7904794000124134556', '1725494536001032398', '110621', '100000000000', '100000'];
    expect(tradeRow([...t, '1'], tcols, 6)).toMatchObject({ kind: 'reject', reason: expect.stringContaining('tradeprice x quantity (100000000000 x 100000) is above 2^53') });
    expect(tradeRow(['7904794000124134556', '1725494536001032398', '110621', '1000000', '1000', '1'], tcols, 6)).toMatchObject({ kind: 'keep' });
  });

  it(corpus('V08'), () => {
    expect(orderRow(order({ 6: '-5' }), cols, 11, 1, DEFAULT_MASKS)).toMatchObject({ kind: 'reject', reason: "quantity is not a non-negative integer: '-5'" });
    expect(orderRow(order({ 5: String(2 ** 53) }), cols, 11, 1, DEFAULT_MASKS)).toMatchObject({ kind: 'reject', reason: `price is not a non-negative integer: '${2 ** 53}'` });
  });

  it(corpus('A05'), () => {
    // A lit row (type 2) with a garbage price: both rules reject it (the byte rule hands it to the string rule).
    const lit = order({ 9: '2', 5: '33.35x' });
    expect(orderRow(lit, cols, 11, 1, DEFAULT_MASKS)).toMatchObject({ kind: 'reject', reason: "price is not a non-negative integer: '33.35x'" });
    const line = Buffer.from(lit.join(','));
    expect(new OrderRowBytes(cols, 11, DEFAULT_MASKS).route(line, 0, line.length, 1)).toBe(DEFER);
  });

  it(corpus('A10'), () => {
    expect(() => bindColumns('orders', [...ORDER_HEADER, 'price'], {}, 'o.csv'))
      .toThrow(new InputError('o.csv', "orders file has the header 'price' (columns 6 and 12) more than once: which column holds the field is ambiguous"));
  });

  it(corpus('A11'), () => {
    expect(bindColumns('orders', [...ORDER_HEADER, 'comment', 'comment'], {}, 'o.csv').price).toBe(5);
  });

  it(corpus('V09'), async () => {
    for (const seed of [99_999, 1_318_579]) {
      const out = path.join(dir, `gen-${seed}`);
      await generate({ securities: 2, dates: 1, rowsPerJob: 400, seed, out });
      const { readdirSync, readFileSync } = await import('node:fs');
      let ids = 0;
      for (const f of ['orders', 'trades'].flatMap((k) => readdirSync(path.join(out, k)).map((n) => path.join(out, k, n)))) {
        const [head, ...rows] = readFileSync(f, 'utf8').trim().split('\n');
        const idCols = head.split(',').map((h, i) => [h.trim(), i] as const).filter(([h]) => /^(order_id|orderid|matchgroupid|sequence)$/.test(h)).map(([, i]) => i);
        for (const r of rows) for (const i of idCols) {
          const v = r.split(',')[i];
          if (v) {
            ids++;
            expect(BigInt(v) < 2n ** 63n).toBe(true);
          }
        }
      }
      expect(ids).toBeGreaterThan(100);
    }
  });
});

describe('trust corpus: names', () => {
  it(corpus('K06'), () => {
    for (const name of ['.', '..', '.hidden']) expect(problems({ ...minimal, name })).toEqual([expect.stringMatching(/^name: /)]);
    expect(problems({ ...minimal, name: 'a.b-c_1' })).toEqual([]);
  });

  it(corpus('K08'), () => {
    let seed = 7;
    const rnd = (n: number): number => (seed = (seed * 48271) % 2147483647) % n;
    const alphabet = ['A', 'b', '1', '.', '-', '_', '%', '#', '/', '|', ' ', '\u2312', 'é', '~', '\\'];
    const codes = new Set<string>(['.', '..', 'AB#12', 'AB\u2312', 'x'.repeat(300), 'x'.repeat(299) + 'y']);
    while (codes.size < 2000) codes.add(Array.from({ length: 1 + rnd(rnd(10) === 0 ? 200 : 12) }, () => alphabet[rnd(alphabet.length)]).join(''));
    const folders = new Map<string, string>();
    for (const c of codes) {
      const f = safeSegment(c);
      expect(folders.get(f)).toBeUndefined();
      folders.set(f, c);
      expect(f.length).toBeLessThanOrEqual(MAX_SEGMENT);
      expect(f.startsWith('.')).toBe(false);
      expect(f).toMatch(/^[A-Za-z0-9._%~-]+$/);
    }
    expect(safeSegment('..')).toBe('%2E.');
    expect(safeSegment('AB#12')).toBe('AB%2312');
    expect(safeSegment('AB\u2312')).toBe('AB%E2%8C%92');
  });
});

describe('trust corpus: config', () => {
  it(corpus('C01'), () => {
    expect(problems({ ...minimal, retry: { maximumAttempts: 2147483648 } })).toEqual(['retry.maximumAttempts: Too big: expected number to be <=100']);
  });

  it(corpus('C02'), () => {
    expect(problems({ ...minimal, filters: { tradingHours: { start: '10:00', end: '16:75' } } }))
      .toEqual([expect.stringMatching(/^filters\.tradingHours\.end: expected HH:MM/)]);
  });

  it(corpus('C03'), () => {
    expect(problems({ ...minimal, filters: { tradingHours: { start: '16:00', end: '10:00' } } }))
      .toEqual(['filters.tradingHours.end: end must be after start (an inverted or empty window would filter every order)']);
  });

  it(corpus('C04'), () => {
    expect(problems({ ...minimal, filters: { tradingHours: { start: '10:00', end: '24:00' } } })).toEqual([]);
    expect(problems({ ...minimal, filters: { tradingHours: { start: '24:00', end: '24:00' } } })).toContain('filters.tradingHours.start: 24:00 can only end a window');
  });

  it(corpus('C05'), () => {
    expect(problems({ ...minimal, jobs: { dates: ['2024-02-31', '2024-02-29'] } })).toEqual(['jobs.dates[0]: not a calendar date']);
  });

  it(corpus('C08'), () => {
    expect(() => envInt('SWEEPFLOW_ACTIVITY_SLOTS', 1, 10_000, 4, { SWEEPFLOW_ACTIVITY_SLOTS: '-5' }))
      .toThrow(new EnvError('SWEEPFLOW_ACTIVITY_SLOTS', "'-5' is not an integer from 1 to 10000"));
    expect(() => envInt('SWEEPFLOW_THREADS', 1, 1024, 2, { SWEEPFLOW_THREADS: 'abc' })).toThrow("SWEEPFLOW_THREADS: 'abc' is not an integer from 1 to 1024");
    expect(envInt('SWEEPFLOW_THREADS', 1, 1024, 2, { SWEEPFLOW_THREADS: '' })).toBe(2);
    expect(() => envLogLevel({ SWEEPFLOW_LOG_LEVEL: 'loud' })).toThrow("SWEEPFLOW_LOG_LEVEL: 'loud' is not one of trace, debug, info, warn, error, fatal, silent");
  });

  it(corpus('C07'), () => {
    expect(problems({
      ...minimal, processing: { heartbeatTimeoutSeconds: 0, splitBytes: 1 }, filters: { centrePointMask: 2 ** 31 },
      retry: { initialIntervalSeconds: 365 * 86400, maximumIntervalSeconds: 365 * 86400 },
    }).map((p) => p.split(':')[0]).sort()).toEqual(['filters.centrePointMask', 'processing.heartbeatTimeoutSeconds', 'processing.splitBytes',
      'retry.initialIntervalSeconds', 'retry.maximumIntervalSeconds']);
  });
});

describe('trust corpus: files', () => {
  it(corpus('E03'), async () => {
    const f = path.join(dir, 'utf16.csv');
    writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('order_id,timestamp\n1,2\n', 'utf16le')]));
    await expect(readHeader(f)).rejects.toThrow(`${f}: is UTF-16 (byte-order mark FF FE); sweepflow reads UTF-8 CSV: convert it first (iconv -f UTF-16 -t UTF-8)`);
  });

  it(corpus('E04'), async () => {
    const f = path.join(dir, 'latin1.csv');
    writeFileSync(f, Buffer.concat([Buffer.from('order_id,pr'), Buffer.from([0xe9]), Buffer.from('x\n1,2\n')]));
    await expect(readHeader(f)).rejects.toThrow(`${f}: has a header that is not valid UTF-8 (another encoding?): convert it to UTF-8`);
  });

  it(corpus('R08'), async () => {
    const f = path.join(dir, 'growing.csv');
    writeFileSync(f, ORDER_HEADER.join(',') + '\n' + base.join(',') + '\n');
    const planned = plannedInput(0, f);
    appendFileSync(f, base.join(',') + '\n'); // appended after planning
    const [split] = packSplits([{ index: 0, kind: 'orders', size: planned.size }], 1 << 20);
    await expect(shardSplitTask({
      baseDir: dir, outputDir: 'out', workDir: 'work', runName: 'grow', planCreatedAt: 'p', split, files: [planned],
      columns: { orders: {}, trades: {}, nbbo: {} }, masks: DEFAULT_MASKS, maxRejectShare: 0.01, chunkRows: 100,
    }, () => undefined)).rejects.toThrow(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the file changed after the run was planned \\(size ${planned.size} -> ${planned.size + base.join(',').length + 1} bytes`));
  });
});
