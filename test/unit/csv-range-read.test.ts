import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCsv } from '../../src/io/csv-file';

/** Records with quoted commas, quotes and line breaks, of varied lengths, so chunk edges fall everywhere. */
function sampleCsv(rows: number): string {
  const lines = ['id,text,qty'];
  for (let i = 0; i < rows; i++) {
    const text = i % 7 === 0 ? `"multi\nline ${i}, ""quoted"""` : 'x'.repeat(i % 23);
    lines.push(`${i},${text},${i * 3}`);
  }
  return lines.join('\n') + '\n';
}

async function records(file: string, opts: Parameters<typeof readCsv>[2]): Promise<string[]> {
  const out: string[] = [];
  await readCsv(file, {
    onHeader: (h) => out.push(`header:${h.join('|')}`),
    onRecord: (f, line) => out.push(`${line}:${JSON.stringify(f)}`),
    onMalformed: (line, raw, reason) => out.push(`${line}:MALFORMED:${reason}:${raw}`),
  }, opts);
  return out;
}

describe('reading a byte range in chunks (two buffers, the next read in flight while one is tokenized)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'csv-range-'));
  const file = path.join(dir, 'sample.csv');
  const text = sampleCsv(500);
  writeFileSync(file, text);
  const size = Buffer.byteLength(text);

  it('gives the records of a whole read, whatever the chunk size', async () => {
    const whole = await records(file, {});
    expect(whole).toHaveLength(1 + 500);
    // Record 0 spans two lines, so record 7 starts on line 10.
    expect(whole[1 + 7]).toBe(`10:${JSON.stringify(['7', 'multi\nline 7, "quoted"', '21'])}`);
    for (const highWaterMark of [1, 2, 7, 64, 1000, size - 1, size, size + 1]) {
      expect(await records(file, { start: 0, end: size, highWaterMark })).toEqual(whole);
    }
  });

  it('reads a range that starts past the header with its own line numbers', async () => {
    const whole = await records(file, {});
    const at = text.indexOf('\n100,') + 1;
    const line = Number(whole[1 + 100].split(':')[0]); // the file's line of record 100
    const got = await records(file, { start: at, end: size, firstLine: line, highWaterMark: 13 });
    expect(got[0]).toBe('header:id|text|qty');
    expect(got.slice(1)).toEqual(whole.slice(1 + 100));
    expect(got[1]).toBe(`${line}:${JSON.stringify(['100', 'x'.repeat(100 % 23), '300'])}`);
  });

  it('lets a handler\'s error through, and the next read (reusing the lent buffers) is whole', async () => {
    let seen = 0;
    await expect(readCsv(file, {
      onHeader: () => undefined,
      onRecord: () => { if (++seen === 50) throw new Error('stop at 50'); },
      onMalformed: () => undefined,
    }, { start: 0, end: size, highWaterMark: 256 })).rejects.toThrow('stop at 50');
    expect(seen).toBe(50);
    expect(await records(file, { start: 0, end: size, highWaterMark: 256 })).toEqual(await records(file, {}));
  });
});
