import { progressBar, renderGrid } from '../../src/client/status';

describe('terminal status', () => {
  it('draws a progress bar', () => {
    expect(progressBar(0, 10, 10)).toBe('[..........] 0%');
    expect(progressBar(5, 10, 10)).toBe('[#####.....] 50%');
    expect(progressBar(10, 10, 10)).toBe('[##########] 100%');
    expect(progressBar(0, 0, 4)).toBe('[....] 0%');
  });

  it('draws one glyph per job, a row per security', () => {
    const grid = renderGrid([
      { security: '110621', date: '2024-09-30', status: 'done' },
      { security: '110621', date: '2024-10-01', status: 'failed' },
      { security: '111634', date: '2024-09-30', status: 'skipped' },
      { security: '111634', date: '2024-10-01', status: 'running' },
    ]).split('\n');
    expect(grid[0]).toBe('          2024-09-30 .. 2024-10-01 (2 dates)');
    expect(grid[1]).toBe('110621    #X');
    expect(grid[2]).toBe('111634    =>');
  });

  it('summarises per security when the dates do not fit', () => {
    const cells = Array.from({ length: 365 }, (_, i) => ({ security: 'S1', date: `d${String(i).padStart(3, '0')}`, status: i < 300 ? 'done' : 'failed' }));
    expect(renderGrid(cells).split('\n')[0]).toBe('S1        done 300, failed 65');
  });
});
