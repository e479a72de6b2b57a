import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../src/config/load';
import { horizon } from '../../src/domain/execution-quality';
import { jobTableColumns } from '../../src/io/job-files';
import { runRollupColumns } from '../../src/jobs/merge-run';

/**
 * docs/OUTPUTS.md documents every column of every table, in order, with its type: the declared columns
 * (io/job-files, domain/rollups) and the doc must not drift apart. `<h>` and `<f>` rows stand for one column
 * per default horizon.
 */
const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'OUTPUTS.md'), 'utf8');
const config = parseConfig({ name: 'x', inputs: { orders: 'o' } }, 'test', {});
const markouts = config.thresholds.markoutHorizons.map(horizon).map((h) => h.label);
const fills = config.thresholds.fillHorizons.map(horizon).map((h) => h.label);

/** The (name, type) rows of the table under `### <section>`, `<h>` and `<f>` expanded. */
function documented(section: string): [string, string][] {
  const at = doc.indexOf(`\n### ${section}\n`);
  expect(at).toBeGreaterThan(0);
  const body = doc.slice(at + 1).split('\n### ')[0];
  const rows = body.split('\n').filter((l) => /^\| `[^`]+` \|/.test(l)).map((l) => l.split('|').map((c) => c.trim()));
  return rows.flatMap(([, name, type]) => {
    const n = name.replace(/`/g, '');
    const labels = n.includes('<h>') ? markouts.map((h) => n.replace('<h>', h)) : n.includes('<f>') ? fills.map((f) => n.replace('<f>', f)) : [n];
    return labels.map((x): [string, string] => [x, type]);
  });
}

describe('docs/OUTPUTS.md', () => {
  it.each(Object.entries(jobTableColumns(config.thresholds.markoutHorizons.map(horizon))))('documents every column of %s, in order, with its type', (table, columns) => {
    expect(documented(table)).toEqual(columns.map((c) => [c.name, c.type]));
  });

  it('documents every rollup column, in order, with its type', () => {
    expect(documented('rollups')).toEqual([['key', 'STRING'], ...runRollupColumns(config).map((c): [string, string] => [c.name, c.type])]);
  });
});
