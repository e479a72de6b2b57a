import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { choosePreset, sizeHost } from '../../src/config/host-profile';
import { ConfigError, loadConfigFile, parseConfig } from '../../src/config/load';

const ROOT = path.resolve(__dirname, '..', '..');

function problems(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(raw, 'test', env);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

describe('config', () => {
  it('fills every default for a minimal config', () => {
    const c = parseConfig({ name: 'r1', inputs: { orders: 'data/o.csv' } }, 'test', {});
    expect(c.inputs.orders).toEqual(['data/o.csv']);
    expect(c.filters).toEqual({ centrePointMask: 6464, sweepMask: 2048, participants: null, tradingHours: null });
    expect(c.thresholds).toEqual({
      fullFillRatio: 0.99, immediateSeconds: 1, sizeEdges: [1000, 5000, 10000, 50000], maxRejectShare: 0.01,
      markoutHorizons: [1, 5, 30, 60, 300], fillHorizons: [0.1, 1, 10, 60, 600],
    });
    expect(c.output.formats).toEqual(['parquet']);
    expect(c.jobs).toEqual({ securities: 'auto', dates: 'auto' });
    expect(c.processing.preset).toBe('auto');
    expect(c.retry.maximumAttempts).toBe(3);
  });

  it('reports every problem with its JSON path at once', () => {
    expect(problems({
      name: 'bad name!', inputs: { trades: [] }, jobs: { dates: ['2024-9-5'] },
      thresholds: { sizeEdges: [5000, 1000], fullFillRatio: 2 }, filters: { tradingHours: { start: '10am', end: '16:00' } },
      processing: { preset: 'huge', activitySlots: 0 }, colour: 'blue',
    })).toEqual(expect.arrayContaining([
      'name: letters, digits, ".", "_" and "-", starting with a letter or digit (it names folders)',
      expect.stringMatching(/^inputs\.orders: /),
      expect.stringMatching(/^inputs\.trades: /),
      'jobs.dates[0]: expected YYYY-MM-DD',
      'thresholds.sizeEdges: edges must be strictly increasing',
      expect.stringMatching(/^thresholds\.fullFillRatio: /),
      'filters.tradingHours.start: expected HH:MM or HH:MM:SS, hours 00-23 (24:00 ends a day), minutes and seconds 00-59 (Sydney local time)',
      expect.stringMatching(/^processing\.preset: /),
      expect.stringMatching(/^processing\.activitySlots: /),
      expect.stringMatching(/colour/),
    ]));
  });

  it('applies SWEEPFLOW_* environment overrides, and validates them', () => {
    const c = parseConfig({ name: 'r', inputs: { orders: 'o.csv' } }, 't', { SWEEPFLOW_ACTIVITY_SLOTS: '6', SWEEPFLOW_OUTPUT_DIR: '/tmp/x' });
    expect(c.processing.activitySlots).toBe(6);
    expect(c.output.dir).toBe('/tmp/x');
    expect(problems({ name: 'r', inputs: { orders: 'o.csv' } }, { SWEEPFLOW_PRESET: 'mainframe' })).toEqual([
      expect.stringMatching(/^processing\.preset: /),
    ]);
  });

  it('explains unreadable and non-JSON files', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sf-cfg-'));
    writeFileSync(path.join(dir, 'bad.json'), '{ "name": ');
    expect(() => loadConfigFile(path.join(dir, 'bad.json'))).toThrow(/not valid JSON/);
    expect(() => loadConfigFile(path.join(dir, 'missing.json'))).toThrow(/cannot read file/);
  });

  it('sizes the host from cores and memory', () => {
    expect(choosePreset(2, 24 * 1024)).toBe('laptop');
    expect(choosePreset(8, 32 * 1024)).toBe('workstation');
    expect(choosePreset(32, 128 * 1024)).toBe('server');
    const p = parseConfig({ name: 'r', inputs: { orders: 'o' } }, 't', {}).processing;
    expect(sizeHost(2, 24 * 1024, 20 * 1024, p)).toMatchObject({ preset: 'laptop', activitySlots: 4, chunkRows: 50_000 });
    expect(sizeHost(64, 256 * 1024, 200 * 1024, p)).toMatchObject({ preset: 'server', activitySlots: 64 });
    expect(sizeHost(2, 1024, 100, { ...p, activitySlots: 5, chunkRows: 1234 })).toMatchObject({ activitySlots: 5, chunkRows: 1234 });
  });

  describe('the CLI', () => {
    const cli = path.join(ROOT, 'dist', 'client', 'cli.js');
    it('`config show` prints the effective config and the host profile', () => {
      const out = JSON.parse(execFileSync('node', [cli, 'config', 'show', '-c', path.join(ROOT, 'config', 'sample.json')], { encoding: 'utf8' }));
      expect(out.config.name).toBe('sample');
      expect(out.config.thresholds.maxRejectShare).toBe(0.01);
      expect(out.host.cores).toBeGreaterThan(0);
      expect(out.host.activitySlots).toBeGreaterThanOrEqual(2);
    });
    it('an invalid config prints every problem with its path and exits 2', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'sf-cfg-'));
      const file = path.join(dir, 'c.json');
      writeFileSync(file, JSON.stringify({ name: 'x', inputs: {}, thresholds: { maxRejectShare: 5 } }));
      const r = spawnSync('node', [cli, 'run', '-c', file], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`invalid config ${file}`);
      expect(r.stderr).toMatch(/- inputs\.orders: /);
      expect(r.stderr).toMatch(/- thresholds\.maxRejectShare: /);
    });
  });
});
