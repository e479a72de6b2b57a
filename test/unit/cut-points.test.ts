import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCsv } from '../../src/io/csv-file';
import { CutScanner, findCutPoints } from '../../src/io/cut-points';

/** Every record of a file, read whole or as the byte ranges between cut points: must be identical. */
async function records(file: string, ranges: { start: number; end: number; firstLine: number }[]): Promise<string[]> {
  const out: string[] = [];
  for (const r of ranges) {
    await readCsv(file, {
      onHeader: () => undefined,
      onRecord: (f, line) => out.push(`${line}:${JSON.stringify(f)}`),
      onMalformed: (line, raw, reason) => out.push(`${line}:MALFORMED:${reason}:${raw}`),
    }, r);
  }
  return out;
}

function rangesOf(size: number, cuts: { offset: number; line: number }[]): { start: number; end: number; firstLine: number }[] {
  const bounds = [{ offset: 0, line: 1 }, ...cuts, { offset: size, line: -1 }];
  return bounds.slice(0, -1).map((b, i) => ({ start: b.offset, end: bounds[i + 1].offset, firstLine: b.line }));
}

describe('record-aligned cut points', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sf-cuts-'));

  it('never cuts inside a quoted newline or an escaped quote, on adversarial files', async () => {
    let seed = 31;
    const rnd = (n: number): number => ((seed = (seed * 48271) % 2147483647) % n);
    const pieces = ['a', '1234567890', '"x\ny"', '"q""\n""r"', '""', '"\n\n\n"', '"a,b"', 'z"z', '"""\n"""', '"\r\n"'];
    for (let doc = 0; doc < 60; doc++) {
      let text = 'h1,h2,h3\n';
      const rows = 5 + rnd(60);
      for (let r = 0; r < rows; r++) text += [0, 1, 2].map(() => pieces[rnd(pieces.length)]).join(',') + (rnd(4) === 0 ? '\r\n' : '\n');
      const file = path.join(dir, `doc${doc}.csv`);
      writeFileSync(file, text);
      const size = Buffer.byteLength(text);
      const whole = await records(file, [{ start: 0, end: size, firstLine: 1 }]);
      for (const target of [2, 9, 40]) {
        const cuts = await findCutPoints(file, size, target);
        expect(cuts.length).toBeGreaterThan(0);
        for (const c of cuts) expect(text[Buffer.from(text).subarray(0, c.offset).toString().length - 1]).toBe('\n');
        expect(await records(file, rangesOf(size, cuts))).toEqual(whole);
        // Read in tiny chunks (two buffers, the next read in flight while one is scanned): the same cuts.
        if (doc % 6 === 0) for (const chunk of [1, 3, 16]) expect(await findCutPoints(file, size, target, undefined, chunk)).toEqual(cuts);
      }
    }
  });

  it('gives the same cuts whatever the chunking of the stream', () => {
    const text = Buffer.from('h\n"a\n""\nb"\nc\n"d"\n"e""",f\n' .repeat(20));
    const want = new CutScanner(10, text.length);
    want.push(text);
    for (const step of [1, 2, 3, 5, 8]) {
      const s = new CutScanner(10, text.length);
      for (let i = 0; i < text.length; i += step) s.push(text.subarray(i, i + step));
      expect(s.cuts).toEqual(want.cuts);
    }
  });

  it('scans past a line longer than a record may be, whatever the chunk size', async () => {
    const file = path.join(dir, 'long-line.csv');
    const text = 'h1,h2\n' + '1,2\n'.repeat(1000) + 'x'.repeat(3 * 1024 * 1024) + '\n' + '3,"4\n5"\n'.repeat(1000);
    writeFileSync(file, text);
    const size = Buffer.byteLength(text);
    const cuts = await findCutPoints(file, size, 1024);
    expect(cuts.length).toBeGreaterThan(5);
    // Every cut is a record start: after a line break, never inside the quoted "4\n5".
    for (const c of cuts) expect([text[c.offset - 1], text[c.offset]]).not.toEqual(['\n', '5']);
    for (const c of cuts) expect(text[c.offset - 1]).toBe('\n');
    for (const chunk of [4096, 1024 * 1024]) expect(await findCutPoints(file, size, 1024, undefined, chunk)).toEqual(cuts);
  });

  type Cuts = Awaited<ReturnType<typeof findCutPoints>>;

  /** A file of `text` scanned in 512-byte chunks: its cuts, those of one scan of the whole text, and the progress reported. */
  async function scanned(name: string, text: string, target: number): Promise<{ cuts: Cuts; whole: Cuts; progress: number[]; size: number }> {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    const size = Buffer.byteLength(text);
    const whole = new CutScanner(target, size);
    whole.push(Buffer.from(text), true);
    const progress: number[] = [];
    const cuts = await findCutPoints(file, size, target, (bytes) => progress.push(bytes), 512);
    return { cuts, whole: whole.cuts, progress, size };
  }

  it('stops reading once no later record can be a cut, with the cuts a scan of the whole file gives', async () => {
    // Quoted line breaks throughout; 1,000 records of 9-11 bytes (9,896 bytes in all).
    const text = 'h1,h2\n' + Array.from({ length: 1000 }, (_, i) => `${i},"a\n${i % 7}"\n`).join('');
    for (const target of [6000, 7000]) {
      const { cuts, whole, progress, size } = await scanned('stop-early.csv', text, target);
      expect(cuts).toEqual(whole);
      const last = cuts[cuts.length - 1].offset;
      expect(last + target).toBeGreaterThanOrEqual(size); // so no record after it can be a cut
      // Read in 512-byte chunks: the scan ends within two chunks of the last cut, not at the file's end.
      expect(progress[progress.length - 1]).toBe(size);
      expect(Math.max(...progress.slice(0, -1))).toBeLessThanOrEqual(last + 2 * 512);
      expect(size).toBeGreaterThan(last + 4 * 512);
    }
    // A cut is still possible until the last record ends: a long one there is read to the file's end.
    const long = await scanned('long-tail.csv', `${text}9,"${'z'.repeat(6000)}\n${'z'.repeat(6000)}"\n`, 5000);
    expect(long.cuts).toEqual(long.whole);
    expect(long.progress.filter((b) => b === long.size)).toHaveLength(1); // reached by reading, not by stopping
  });

  it('does not cut a file smaller than the target', async () => {
    const file = path.join(dir, 'small.csv');
    writeFileSync(file, 'a\n1\n');
    expect(await findCutPoints(file, 4, 100)).toEqual([]);
  });
});
