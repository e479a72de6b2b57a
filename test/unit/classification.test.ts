import { fillStatus, sizeBucket, sizeBucketLabels, sweepScenario } from '../../src/domain/classification';

describe('classification', () => {
  it.each([
    [100, 0, 'FILLED'], [100, 50, 'PARTIAL'], [0, 100, 'UNFILLED'], [0, 0, 'UNFILLED'],
  ])('matched %d, leaves %d -> %s', (matched, leaves, want) => expect(fillStatus(matched, leaves)).toBe(want));

  it.each([
    [1, 0.2, 'A_IMMEDIATE_FULL'], [0.99, 0.999, 'A_IMMEDIATE_FULL'], [0.99, 1.0, 'B_EVENTUAL_FULL'],
    [1, 30, 'B_EVENTUAL_FULL'], [0.989, 0.1, 'C_PARTIAL_NONE'], [0, null, 'C_PARTIAL_NONE'], [1, null, 'C_PARTIAL_NONE'],
  ])('fill ratio %d, duration %p -> %s', (ratio, duration, want) => expect(sweepScenario(ratio, duration)).toBe(want));

  it('uses configured scenario thresholds', () => {
    expect(sweepScenario(0.9, 2, { fullFillRatio: 0.9, immediateSeconds: 5 })).toBe('A_IMMEDIATE_FULL');
  });

  it.each([
    [1, '<=1K'], [1000, '<=1K'], [1001, '1K-5K'], [5000, '1K-5K'], [5001, '5K-10K'], [10000, '5K-10K'],
    [10001, '10K-50K'], [50000, '10K-50K'], [50001, '>50K'],
  ])('quantity %d is in bucket %s (right-closed edges)', (q, want) => expect(sizeBucket(q)).toBe(want));

  it('labels configured edges', () => {
    expect(sizeBucketLabels([500, 2_000_000])).toEqual(['<=500', '500-2M', '>2M']);
    expect(sizeBucket(600, [500, 2_000_000])).toBe('500-2M');
  });
});
