import { execFileSync } from 'node:child_process';
import { EnvError } from '../../src/config/env';
import { DEFAULT_HEAP_GROWTH_PERCENT, heapGrowthPercent } from '../../src/worker/memory';

describe('SWEEPFLOW_HEAP_GROWTH_PERCENT', () => {
  it("is V8's own choice (0) unless set", () => {
    expect(DEFAULT_HEAP_GROWTH_PERCENT).toBe(0);
    expect(heapGrowthPercent({})).toBe(0);
    expect(heapGrowthPercent({ SWEEPFLOW_HEAP_GROWTH_PERCENT: '50' })).toBe(50);
  });

  it('refuses a value outside 0..1000, naming the variable', () => {
    for (const bad of ['-1', '1001', '1.5', 'lots']) {
      expect(() => heapGrowthPercent({ SWEEPFLOW_HEAP_GROWTH_PERCENT: bad }))
        .toThrow(new EnvError('SWEEPFLOW_HEAP_GROWTH_PERCENT', `'${bad}' is not an integer from 0 to 1000`));
    }
  });

  it("names a V8 flag this Node knows (setFlagsFromString ignores unknown ones silently)", () => {
    expect(execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' })).toMatch(/--heap-growing-percent \(/);
  });
});
