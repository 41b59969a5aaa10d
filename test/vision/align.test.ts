import { describe, expect, it } from 'vitest';
import {
  applySimilarity,
  composeSimilarity,
  estimateSimilarity,
  invertSimilarity,
} from '../../src/vision/align/similarity.js';
import { warpChip } from '../../src/vision/align/warp.js';
import type { Point } from '../../src/vision/types.js';

const template: Point[] = [
  [50, 60],
  [100, 60],
  [75, 90],
  [55, 115],
  [95, 115],
];

describe('similarity transform', () => {
  it('recovers a known rotation, scale and shift exactly', () => {
    const angle = 0.3,
      scale = 1.7;
    const truth = { a: scale * Math.cos(angle), b: scale * Math.sin(angle), tx: 12, ty: -7 };
    const src: Point[] = [
      [10, 20],
      [40, 22],
      [25, 40],
      [12, 55],
      [38, 57],
    ];
    const dst = src.map((p) => applySimilarity(truth, p));
    const t = estimateSimilarity(src, dst);
    expect(t.a).toBeCloseTo(truth.a, 9);
    expect(t.b).toBeCloseTo(truth.b, 9);
    expect(t.tx).toBeCloseTo(truth.tx, 9);
    expect(t.ty).toBeCloseTo(truth.ty, 9);
    const back = applySimilarity(invertSimilarity(t), dst[2]);
    expect(back[0]).toBeCloseTo(src[2][0], 9);
    expect(back[1]).toBeCloseTo(src[2][1], 9);
  });

  it('is the least-squares fit when points are noisy', () => {
    const src: Point[] = [
      [0, 0],
      [10, 0],
      [0, 10],
      [10, 10],
    ];
    const dst: Point[] = [
      [1, 0],
      [11, 0],
      [0, 10],
      [10, 10],
    ]; // one point off by 1
    const t = estimateSimilarity(src, dst);
    const err = src.reduce((s, p, i) => {
      const q = applySimilarity(t, p);
      return s + (q[0] - dst[i][0]) ** 2 + (q[1] - dst[i][1]) ** 2;
    }, 0);
    // the identity-with-shift alternative has error 0.75; the fit must do at least as well
    expect(err).toBeLessThanOrEqual(0.75 + 1e-9);
  });
});

describe('composeSimilarity', () => {
  it('applies the inner transform first, then the outer', () => {
    const inner = { a: 0.8, b: 0.3, tx: 5, ty: -2 };
    const outer = { a: 1.1, b: -0.2, tx: -7, ty: 4 };
    const p: Point = [13, 29];
    const composed = applySimilarity(composeSimilarity(outer, inner), p);
    const stepwise = applySimilarity(outer, applySimilarity(inner, p));
    expect(composed[0]).toBeCloseTo(stepwise[0], 12);
    expect(composed[1]).toBeCloseTo(stepwise[1], 12);
    // and not the other order, which differs for these transforms
    expect(applySimilarity(composeSimilarity(inner, outer), p)[0]).not.toBeCloseTo(stepwise[0], 3);
  });
});

describe('warpChip', () => {
  it('puts each landmark at its template position', () => {
    const W = 300,
      H = 200;
    const data = new Uint8Array(W * H * 3);
    // a rotated, scaled face: landmarks are the template under a known transform
    const t = { a: 1.2 * Math.cos(-0.4), b: 1.2 * Math.sin(-0.4), tx: 60, ty: 40 };
    const marks = template.map((p) => applySimilarity(t, p));
    marks.forEach(([x, y], i) => {
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++) {
          const o = ((Math.round(y) + dy) * W + Math.round(x) + dx) * 3;
          data[o] = 50 * (i + 1);
        }
    });
    const chip = warpChip({ data, width: W, height: H, format: 'raw' }, marks, template, 150, 150);
    template.forEach(([x, y], i) => {
      const v = chip[(Math.round(y) * 150 + Math.round(x)) * 3];
      expect(Math.abs(v - 50 * (i + 1))).toBeLessThanOrEqual(25);
    });
    // far from any mark the chip is dark
    expect(chip[(5 * 150 + 5) * 3]).toBe(0);
  });
});
