import { parse } from 'csv-parse/sync';
import { CsvSyntaxError, CsvTokenizer, parseCsvObjects, UNTERMINATED } from '../../src/io/csv-tokenizer';

interface Rec { fields: string[]; line: number; raw: string }

/**
 * With `reuse`, every chunk is copied into one buffer that is scribbled over after each push, as the file
 * reader reuses its read buffer: the tokenizer must not keep a reference to a pushed chunk.
 */
function tokenize(input: Buffer, chunkSizes: number[] = [input.length || 1], reuse = false): { records: Rec[]; malformed: { line: number; reason: string }[] } {
  const records: Rec[] = [];
  const malformed: { line: number; reason: string }[] = [];
  const tok: CsvTokenizer = new CsvTokenizer((fields, line) => records.push({ fields, line, raw: tok.currentRaw() }));
  tok.onMalformed = (line, _raw, reason) => malformed.push({ line, reason });
  let pos = 0, k = 0;
  while (pos < input.length) {
    const n = Math.max(1, chunkSizes[k++ % chunkSizes.length]);
    const piece = input.subarray(pos, pos + n);
    if (reuse) {
      const scratch = Buffer.alloc(Math.max(...chunkSizes));
      piece.copy(scratch);
      tok.push(scratch.subarray(0, piece.length));
      scratch.fill(0x58);
    } else tok.push(piece);
    pos += n;
  }
  tok.end();
  return { records, malformed };
}

describe('CSV tokenizer', () => {
  it('reads quoted commas, doubled quotes and quoted newlines, with line numbers', () => {
    const { records } = tokenize(Buffer.from('a,b,c\n1,"x, y","say ""hi"""\n2,"multi\nline",z\n3,,\n'));
    expect(records.map((r) => r.fields)).toEqual([['a', 'b', 'c'], ['1', 'x, y', 'say "hi"'], ['2', 'multi\nline', 'z'], ['3', '', '']]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 5]);
    expect(records[1].raw).toBe('1,"x, y","say ""hi"""');
  });

  it('handles CRLF, a UTF-8 BOM, blank lines and a last line without newline', () => {
    const { records } = tokenize(Buffer.from('\ufeffh1,h2\r\n1,2\r\n\r\n3,"4\r\n5"\r\n6,7'));
    expect(records.map((r) => r.fields)).toEqual([['h1', 'h2'], ['1', '2'], ['3', '4\r\n5'], ['6', '7']]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 4, 6]);
  });

  it('keeps a BOM split across chunks out of the first field', () => {
    const { records } = tokenize(Buffer.from('\ufeffa,b\n1,2\n'), [1, 1, 1, 2]);
    expect(records[0].fields).toEqual(['a', 'b']);
  });

  it('reports malformed quoting instead of guessing', () => {
    const { records, malformed } = tokenize(Buffer.from('a,b\n1,x"y\n2,"ok"\n3,"open\n'));
    expect(records.map((r) => r.fields)).toEqual([['a', 'b'], ['2', 'ok']]);
    expect(malformed).toEqual([
      { line: 2, reason: 'quote inside unquoted field 2' },
      { line: 4, reason: UNTERMINATED },
    ]);
  });

  it('throws a CsvSyntaxError with the line when no handler is set', () => {
    const tok = new CsvTokenizer(() => undefined);
    expect(() => { tok.push(Buffer.from('a\n"b"c\n')); tok.end(); }).toThrow(CsvSyntaxError);
  });

  it('keeps UTF-8 text intact across chunk boundaries', () => {
    const { records } = tokenize(Buffer.from('name\nZürich – 東京\n'), [3, 5, 1]);
    expect(records[1].fields).toEqual(['Zürich – 東京']);
  });

  it('agrees with csv-parse on 10,000 random documents split into random chunks (half through a reused read buffer)', () => {
    let seed = 2024;
    const rnd = (n: number): number => ((seed = (seed * 48271) % 2147483647) % n);
    const alphabet = ['a', 'b', 'Z', '0', '9', ' ', '-', '.', 'é', '"', ',', '\n', '\r\n', 'x'.repeat(300)];
    for (let d = 0; d < 10_000; d++) {
      const cols = 1 + rnd(6);
      const rows = 1 + rnd(8);
      const want: string[][] = [];
      let text = rnd(10) === 0 ? '\ufeff' : '';
      const eol = rnd(3) === 0 ? '\r\n' : '\n'; // one line ending per file, as feeds write them
      for (let r = 0; r < rows; r++) {
        const row: string[] = [];
        for (let c = 0; c < cols; c++) {
          let v = '';
          const len = rnd(6);
          for (let i = 0; i < len; i++) v += alphabet[rnd(alphabet.length)];
          if (cols === 1 && v === '') v = 'e'; // a lone empty field is a blank line, skipped by both
          row.push(v);
        }
        want.push(row);
        const needsQuotes = (v: string): boolean => /[",\r\n]/.test(v) || rnd(8) === 0;
        text += row.map((v) => (needsQuotes(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
        if (r < rows - 1 || rnd(2) === 0) text += eol;
      }
      const buf = Buffer.from(text);
      const oracle = parse(buf, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
      const chunks = Array.from({ length: 4 }, () => 1 + rnd(40));
      const got = tokenize(buf, chunks, d % 2 === 1);
      expect(got.malformed).toEqual([]);
      expect(got.records.map((x) => x.fields)).toEqual(oracle);
      expect(oracle).toEqual(want);
    }
  });
});

describe('parseCsvObjects (our own small outputs: jobs.csv, rollups), against csv-parse', () => {
  it('reads quoted fields, embedded commas, quotes and newlines as csv-parse does', () => {
    const text = 'security,date,status,error\n"A,B",2024-09-30,failed,"line one\nline ""two"""\nC,2024-10-01,done,\n';
    expect(parseCsvObjects(text)).toEqual(parse(text, { columns: true }));
    expect(parseCsvObjects('a,b\n')).toEqual([]);
    expect(parseCsvObjects('')).toEqual([]);
  });
  it('refuses a malformed record, naming its line', () => {
    expect(() => parseCsvObjects('a,b\n"x,1\n')).toThrow(/line 2/);
  });
});
