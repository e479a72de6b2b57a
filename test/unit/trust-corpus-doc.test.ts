import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CASES } from '../corpus/cases';

const ROOT = path.resolve(__dirname, '..', '..');
const DOC = path.join(ROOT, 'docs', 'TRUST.md');
const BEGIN = '<!-- corpus:begin (generated from test/corpus/cases.ts: UPDATE_DOCS=1 npx jest test/unit/trust-corpus-doc) -->';
const END = '<!-- corpus:end -->';

function table(): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  return ['| case | class | input | asserted outcome |', '|---|---|---|---|',
    ...CASES.map((c) => `| ${c.id} | ${c.kind} | ${cell(c.input)} | ${cell(c.outcome)} |`)].join('\n');
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : []);
}

describe('the adversarial corpus', () => {
  it('has at least 60 cases, each asserted by a test that names it', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
    const named = new Set(testFiles(path.join(ROOT, 'test')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/corpus\('([A-Z]\d\d)'\)/g)].map((m) => m[1])));
    expect(CASES.filter((c) => !named.has(c.id)).map((c) => c.id)).toEqual([]);
  });

  it('is listed in docs/TRUST.md as declared', () => {
    const doc = readFileSync(DOC, 'utf8');
    const a = doc.indexOf(BEGIN), b = doc.indexOf(END);
    expect(a).toBeGreaterThan(-1);
    const want = `${BEGIN}\n${table()}\n${END}`;
    if (process.env.UPDATE_DOCS) writeFileSync(DOC, doc.slice(0, a) + want + doc.slice(b + END.length));
    else expect(doc.slice(a, b + END.length)).toBe(want);
  });
});
