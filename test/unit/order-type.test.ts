import { isCentrePoint, isSweep } from '../../src/domain/order-type';

describe('order type bit masks', () => {
  it.each([
    [64, true, false], [256, true, false], [2048, true, true], [2112, true, true], [4096, true, false],
    [4098, true, false], [0, false, false], [1, false, false], [2, false, false], [8, false, false], [128, false, false],
  ])('type %d: Centre Point %s, sweep %s', (type, cp, sweep) => {
    expect(isCentrePoint(type)).toBe(cp);
    expect(isSweep(type)).toBe(sweep);
  });

  it('4098 (block + short-sell bit) is Centre Point, not wrapped to 2 as an int8 would', () => {
    expect(isCentrePoint(4098)).toBe(true);
    expect(isCentrePoint(4098 & 0xff)).toBe(false);
  });

  it('uses configured masks', () => {
    expect(isCentrePoint(128, { centrePoint: 128, sweep: 2048 })).toBe(true);
    expect(isSweep(2048, { centrePoint: 6464, sweep: 64 })).toBe(false);
  });
});
