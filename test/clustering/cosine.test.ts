import { describe, expect, it } from 'vitest';
import {
  assertUnitVectors,
  centroid,
  cosineDistance,
  dot,
  dotF32,
  dotF64,
  normalise,
} from '../../src/clustering/cosine.js';
import { FrsError } from '../../src/errors.js';

describe('cosine basics', () => {
  it('dot and cosine distance of unit vectors', () => {
    const x = Float32Array.of(1, 0, 0),
      y = Float32Array.of(0, 1, 0);
    expect(dot(x, x)).toBe(1);
    expect(cosineDistance(x, y)).toBe(1);
    expect(cosineDistance(x, Float32Array.of(-1, 0, 0))).toBe(2);
    expect(() => dot(x, Float32Array.of(1, 0))).toThrow(FrsError);
  });

  it('the typed dot products agree for any length, including remainders after unrolling', () => {
    for (const n of [1, 3, 4, 7, 128, 130]) {
      const a = Float32Array.from({ length: n }, (_, k) => Math.sin(k + 1));
      const b = Float32Array.from({ length: n }, (_, k) => Math.cos(3 * k));
      const expected = a.reduce((s, v, k) => s + v * b[k], 0);
      expect(dotF32(a, 0, b, 0, n)).toBeCloseTo(expected, 10);
      expect(dotF64(Float64Array.from(a), 0, Float64Array.from(b), 0, n)).toBeCloseTo(expected, 10);
    }
  });

  it('centroid is the normalised mean direction', () => {
    const c = centroid([Float32Array.of(1, 0), Float32Array.of(0, 1)]);
    expect(c[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(c[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(() => centroid([])).toThrow(FrsError);
    expect(() => centroid([Float32Array.of(1, 0), Float32Array.of(-1, 0)])).toThrow(/zero/);
  });

  it('normalise and unit checks', () => {
    expect(Array.from(normalise([3, 4]))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(() => normalise([0, 0])).toThrow(FrsError);
    expect(assertUnitVectors([normalise([1, 2, 3])])).toBe(3);
    expect(() => assertUnitVectors([Float32Array.of(1, 1)])).toThrow(/not L2-normalised/);
    expect(() => assertUnitVectors([Float32Array.of(NaN, 0)])).toThrow(/not L2-normalised/);
  });
});
