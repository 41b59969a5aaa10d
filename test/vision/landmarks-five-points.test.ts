import { describe, expect, it } from 'vitest';
import { FrsError } from '../../src/errors.js';
import { fivePointsFrom68 } from '../../src/vision/landmarks/five-points.js';
import type { Point } from '../../src/vision/types.js';

/** 68 distinct points: point i sits at (i, 1000 + 2i), so every index is recognisable. */
const points68 = (): Point[] => Array.from({ length: 68 }, (_, i): Point => [i, 1000 + 2 * i]);

describe('fivePointsFrom68', () => {
  it('takes eye centres as contour means, nose tip 30 and mouth corners 48, 54', () => {
    const five = fivePointsFrom68(points68());
    const meanOf = (from: number): Point => [from + 2.5, 1000 + 2 * (from + 2.5)];
    expect(five).toHaveLength(5);
    expect(five[0][0]).toBeCloseTo(meanOf(36)[0], 12);
    expect(five[0][1]).toBeCloseTo(meanOf(36)[1], 12);
    expect(five[1][0]).toBeCloseTo(meanOf(42)[0], 12);
    expect(five[1][1]).toBeCloseTo(meanOf(42)[1], 12);
    expect(five.slice(2)).toEqual([
      [30, 1060],
      [48, 1096],
      [54, 1108],
    ]);
  });

  it('gives image-left before image-right on a synthetic upright face', () => {
    const pts = points68().map((): Point => [0, 0]);
    for (let i = 36; i < 42; i++) pts[i] = [30 + (i - 36), 40]; // eye on the image left
    for (let i = 42; i < 48; i++) pts[i] = [70 + (i - 42), 40];
    pts[30] = [50, 60];
    pts[48] = [35, 80];
    pts[54] = [65, 80];
    const [le, re, nose, ml, mr] = fivePointsFrom68(pts);
    expect(le[0]).toBeLessThan(nose[0]);
    expect(re[0]).toBeGreaterThan(nose[0]);
    expect(ml[0]).toBeLessThan(mr[0]);
    expect(le[1]).toBeLessThan(nose[1]);
    expect(nose[1]).toBeLessThan(ml[1]);
  });

  it('returns copies, not the input points', () => {
    const pts = points68();
    const five = fivePointsFrom68(pts);
    five[2][0] = -1;
    expect(pts[30][0]).toBe(30);
  });

  it('rejects anything but 68 points', () => {
    expect(() => fivePointsFrom68(points68().slice(0, 5))).toThrow(FrsError);
  });
});
