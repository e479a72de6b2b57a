import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { CsvTokenizer, MAX_RECORD_BYTES, MAX_RECORD_LINES, UNTERMINATED } from '../../src/io/csv-tokenizer';
import { CutScanner } from '../../src/io/cut-points';
import { corpus } from '../corpus/cases';

/** What the tokenizer makes of a document: records (line, fields) and rejects (line, reason, raw). */
interface Read {
  records: { line: number; fields: string[] }[];
  rejects: { line: number; reason: string; raw: string }[];
}

function tokenize(doc: Buffer, chunk = doc.length): Read {
  const out: Read = { records: [], rejects: [] };
  const tok = new CsvTokenizer((fields, line) => out.records.push({ line, fields }));
  tok.onMalformed = (line, raw, reason) => out.rejects.push({ line, reason, raw });
  for (let i = 0; i < doc.length; i += chunk) tok.push(doc.subarray(i, Math.min(doc.length, i + chunk)));
  tok.end();
  return out;
}

const lines = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';

describe('the framing rule: one damaged record reaches at most MAX_RECORD_LINES lines', () => {
  it('a stray quote at the start of a field rejects its line only; the other 999 rows are read', () => {
    const doc = Buffer.from('a,b,c\n' + lines(1000, (i) => (i === 10 ? `${i},"oops,x` : `${i},v,w`)));
    const r = tokenize(doc);
    expect(r.rejects).toEqual([{ line: 12, raw: '10,"oops,x',
      reason: UNTERMINATED }]);
    expect(r.records.length).toBe(1 + 999); // header + every other row
    expect(r.records[11]).toEqual({ line: 13, fields: ['11', 'v', 'w'] });
  });

  it(corpus('F02'), () => {
    const r = tokenize(Buffer.from('h\n1\n"2\n3\n4'));
    expect(r.rejects).toEqual([{ line: 3, raw: '"2', reason: UNTERMINATED }]);
    expect(r.records.map((x) => x.fields[0])).toEqual(['h', '1', '3', '4']);
  });

  it(corpus('F06'), () => {
    const inside = Array.from({ length: MAX_RECORD_LINES }, (_, i) => `l${i}`).join('\n');
    const r = tokenize(Buffer.from(`h\n"${inside}",x\nnext\n`));
    expect(r.rejects).toEqual([]);
    expect(r.records).toEqual([{ line: 1, fields: ['h'] }, { line: 2, fields: [inside, 'x'] }, { line: 2 + MAX_RECORD_LINES, fields: ['next'] }]);
  });

  it(corpus('F07'), () => {
    const inside = Array.from({ length: MAX_RECORD_LINES + 1 }, (_, i) => `l${i}`).join('\n');
    const r = tokenize(Buffer.from(`h\n"${inside}",x\nnext\n`));
    expect(r.rejects).toEqual([{ line: 2, raw: '"l0', reason: UNTERMINATED },
      { line: 2 + MAX_RECORD_LINES, raw: `l${MAX_RECORD_LINES}",x`, reason: 'quote inside unquoted field 1' }]);
    expect(r.records.map((x) => x.fields)).toEqual([['h'], ...Array.from({ length: MAX_RECORD_LINES - 1 }, (_, i) => [`l${i + 1}`]), ['next']]);
  });

  it('\\r\\r\\n and \\r\\n line ends leave no CR in the last field', () => {
    const r = tokenize(Buffer.from('a,b\r\r\n1,2\r\r\n3,4\r\n'));
    expect(r.records.map((x) => x.fields)).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
  });

  it(corpus('F05'), () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 0x41);
    const doc = Buffer.concat([Buffer.from('h,x\n1,'), big, Buffer.from('\n2,ok\n')]);
    for (const chunk of [1024 * 1024, 7 * 1024 * 1024 + 3, doc.length]) {
      const r = tokenize(doc, chunk);
      expect(r.records.map((x) => x.fields)).toEqual([['h', 'x'], ['2', 'ok']]);
      expect(r.rejects).toHaveLength(1);
      expect(r.rejects[0]).toMatchObject({ line: 2, reason: `record longer than ${MAX_RECORD_BYTES} bytes` });
      expect(r.rejects[0].raw.length).toBeLessThan(5000);
      expect(r.records[1].fields).toEqual(['2', 'ok']);
    }
  });

  it(corpus('F10'), () => {
    const doc = Buffer.from('h,v\n' + lines(300, (i) => (i % 37 === 5 ? `${i},"stray` : i % 41 === 7 ? `${i},"two\nlines"` : `${i},x`)));
    const whole = tokenize(doc);
    for (const target of [16, 100, 700]) {
      const scanner = new CutScanner(target, doc.length);
      scanner.push(doc, true);
      const bounds = [{ offset: 0, line: 1 }, ...scanner.cuts, { offset: doc.length, line: -1 }];
      const pieces: Read = { records: [], rejects: [] };
      for (let i = 0; i + 1 < bounds.length; i++) {
        const part = tokenizeRange(doc.subarray(bounds[i].offset, bounds[i + 1].offset), bounds[i].line);
        pieces.records.push(...part.records);
        pieces.rejects.push(...part.rejects);
      }
      expect(pieces).toEqual(whole);
    }
  });
});

function tokenizeRange(doc: Buffer, firstLine: number): Read {
  const r = tokenize(doc);
  const shift = firstLine - 1;
  return { records: r.records.map((x) => ({ ...x, line: x.line + shift })), rejects: r.rejects.map((x) => ({ ...x, line: x.line + shift })) };
}

/** RFC 4180 text of a record: quoted where needed, quotes doubled. */
const encode = (fields: string[]): string => fields.map((f) => (/[",\n\r]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');

const fieldArb = (newlines: boolean): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom('a', 'b', '1', '2', ' ', ',', '"', ...(newlines ? ['\n'] : [])), maxLength: 8 });

describe('property: random documents', () => {
  it('undamaged documents read exactly as csv-parse reads them, whatever the chunking', () => {
    fc.assert(fc.property(
      fc.array(fc.array(fieldArb(true), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 1, max: 64 }), fc.boolean(),
      (rows, chunk, crlf) => {
        // Records fit the bound: at most MAX_RECORD_LINES - 1 newlines each.
        const fit = rows.filter((r) => r.join('').split('\n').length <= MAX_RECORD_LINES && r.join('') !== '');
        if (fit.length === 0) return;
        const eol = crlf ? '\r\n' : '\n';
        const text = fit.map(encode).join(eol) + eol;
        const oracle = parse(text, { relax_column_count: true, record_delimiter: crlf ? '\r\n' : '\n' }) as string[][];
        const r = tokenize(Buffer.from(text), chunk);
        expect(r.rejects).toEqual([]);
        expect(r.records.map((x) => x.fields)).toEqual(oracle);
        expect(oracle).toEqual(fit);
      }), { numRuns: 400 });
  });

  it('one damage anywhere: lines outside its reach come out intact, and every line is accounted once', () => {
    fc.assert(fc.property(
      fc.array(fc.array(fieldArb(false), { minLength: 2, maxLength: 4 }), { minLength: 3, maxLength: 60 }),
      fc.nat(), fc.nat(), fc.constantFrom('"', '""', '\r', '\u0000', ',', '\n', '"\n'), fc.integer({ min: 1, max: 50 }),
      (rows, at, col, damage, chunk) => {
        const good = rows.map(encode);
        const k = at % good.length;
        const pos = col % (good[k].length + 1);
        const damaged = [...good];
        damaged[k] = good[k].slice(0, pos) + damage + good[k].slice(pos);
        const text = damaged.join('\n') + '\n';
        const r = tokenize(Buffer.from(text), chunk);
        // Accounting: every non-blank physical line belongs to exactly one record or reject.
        const covered = new Map<number, number>();
        const cover = (line: number, raw: string): void => {
          raw.split('\n').forEach((_, i) => covered.set(line + i, (covered.get(line + i) ?? 0) + 1));
        };
        r.records.forEach((x) => cover(x.line, encode(x.fields).replace(/"/g, '')));
        r.rejects.forEach((x) => cover(x.line, x.raw));
        for (const [, n] of covered) expect(n).toBe(1);
        const physical = text.split('\n').slice(0, -1);
        physical.forEach((l, i) => { if (l.replace(/\r/g, '') !== '') expect(covered.get(i + 1)).toBe(1); });
        // Records whose line is outside the damage's reach are read as written. A newline in the damage
        // shifts later lines by one.
        const shift = damage.includes('\n') ? 1 : 0;
        const byLine = new Map(r.records.map((x) => [x.line, x.fields]));
        rows.forEach((fields, i) => {
          const line = i + 1 + (i > k ? shift : 0);
          if (i < k || i > k + MAX_RECORD_LINES) expect(byLine.get(line)).toEqual(fields);
        });
      }), { numRuns: 600 });
  });
});
