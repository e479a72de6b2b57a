import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { DEFAULT_MASKS } from '../../src/domain/order-type';
import { packSplits } from '../../src/domain/splits';
import { MAX_RECORD_LINES } from '../../src/io/csv-tokenizer';
import { plannedInput, shardSplitTask, type SplitManifest } from '../../src/io/shard-split';

/**
 * Property of the ingest rules through the whole shard step: random order documents with random damage.
 * Every record is counted once (read = kept + filtered + rejected per split and partition, the rejects file
 * holds every reject), the byte rules and the string rules give the same manifest, and every undamaged row
 * outside the damage's reach comes out (kept in its own partition, or filtered) as csv-parse reads it.
 */
const H = 'order_id,timestamp,sequence,security_code,side,price,quantity,leavesquantity,totalmatchedquantity,exchangeordertype,participantid';
const T = 1725494536001032398n;
const SECURITIES = ['110621', 'BHP', 'A|B', 'x/y', 'Z z'];
const DAMAGE = ['"', 'x', '', ',', '\r', '\u0001', '-1', '99999999999999999999', '"a"b'];

const rowArb = fc.record({
  sec: fc.constantFrom(...SECURITIES), day: fc.integer({ min: 0, max: 1 }), lit: fc.boolean(), qty: fc.integer({ min: 0, max: 1e6 }),
  side: fc.constantFrom('1', '2'),
});
const damageArb = fc.record({ row: fc.nat(), field: fc.integer({ min: 0, max: 10 }), text: fc.constantFrom(...DAMAGE), insert: fc.boolean() });

const dir = mkdtempSync(path.join(os.tmpdir(), 'sf-shardprop-'));
let n = 0;
let checked = 0, rejectedRuns = 0;

async function shard(file: string, bytePath: boolean): Promise<{ m: SplitManifest; work: string }> {
  const base = path.join(dir, `run${n++}`);
  const planned = plannedInput(0, file);
  const [split] = packSplits([{ index: 0, kind: 'orders', size: planned.size }], 1 << 30);
  const { manifest } = await shardSplitTask({
    baseDir: base, outputDir: 'out', workDir: 'work', runName: 'p', planCreatedAt: 'p', split, files: [planned],
    columns: { orders: {}, trades: {}, nbbo: {} }, masks: DEFAULT_MASKS, maxRejectShare: 1, chunkRows: 7, bytePath,
  }, () => undefined);
  return { m: manifest, work: path.join(base, 'work', 'p') };
}

it('random damaged order documents: every record counted once, undamaged rows as csv-parse reads them', async () => {
  await fc.assert(fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 60 }), fc.array(damageArb, { maxLength: 3 }), async (rows, damages) => {
    const lines = rows.map((r, i) => [7904794000124134556n + BigInt(i), T + BigInt(r.day) * 86_400_000_000_000n + BigInt(i), i,
      r.sec, r.side, 3335, r.qty, r.qty, 0, r.lit ? 2 : 2048, 54].join(','));
    const damaged = new Set<number>();
    for (const d of damages) {
      const k = d.row % lines.length;
      const f = lines[k].split(',');
      const at = d.field % f.length;
      f[at] = d.insert ? f[at] + d.text : d.text;
      lines[k] = f.join(',');
      damaged.add(k);
    }
    const file = path.join(dir, `doc${n++}.csv`);
    writeFileSync(file, [H, ...lines].join('\n') + '\n');
    const fast = await shard(file, true), plain = await shard(file, false);
    const strip = (m: SplitManifest): unknown => ({ totals: m.totals, partitions: m.partitions.map((p) => ({ ...p, shards: p.shards.map((s) => s.sha1) })) });
    expect(strip(fast.m)).toEqual(strip(plain.m));
    const { m } = fast;
    const t = m.totals;
    expect(t.read).toBe(t.kept + t.filtered + t.rejected);
    for (const p of m.partitions) expect(p.read).toBe(p.kept + p.filtered + p.rejected);
    expect(m.files[0].read).toBe(t.read);
    const rejects = m.rejectsFile ? parse(readFileSync(m.rejectsFile), { columns: true, relax_quotes: true }) as unknown[] : [];
    expect(rejects).toHaveLength(t.rejected);
    if (t.rejected > 0) rejectedRuns++;
    // Undamaged rows outside every damage's reach: kept (Centre Point) in their own partition, as written.
    const reach = (i: number): boolean => [...damaged].some((k) => i >= k && i <= k + MAX_RECORD_LINES);
    const shardRows = new Map<string, string[][]>();
    for (const p of m.partitions) {
      shardRows.set(JSON.stringify([p.security, p.date]), p.shards.flatMap((s) =>
        (parse(readFileSync(path.join(fast.work, s.file)), { from_line: 2 }) as string[][])));
    }
    rows.forEach((r, i) => {
      if (reach(i) || r.lit) return;
      const want = parse(lines[i]) as string[][];
      const date = r.day === 0 ? '2024-09-05' : '2024-09-06';
      const got = (shardRows.get(JSON.stringify([r.sec, date])) ?? []).find((x) => x[0] === want[0][0]);
      expect(got && [got[0], got[1], got[4], got[5], got[7]]).toEqual([want[0][0], want[0][1], want[0][3], want[0][4], want[0][6]]);
      checked++;
    });
    rmSync(path.dirname(fast.work), { recursive: true, force: true });
    rmSync(path.dirname(plain.work), { recursive: true, force: true });
  }), { numRuns: 120 });
  // The property had something to check: kept rows compared, and damage that was rejected.
  expect(checked).toBeGreaterThan(100);
  expect(rejectedRuns).toBeGreaterThan(20);
}, 120_000);
