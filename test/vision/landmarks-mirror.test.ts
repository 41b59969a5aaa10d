import { describe, expect, it } from 'vitest';
import { MIRROR_68, unmirror68 } from '../../src/vision/landmarks/mirror.js';
import type { Point } from '../../src/vision/types.js';

describe('MIRROR_68', () => {
  it('swaps left and right partners and keeps the midline', () => {
    expect(MIRROR_68).toHaveLength(68);
    for (let i = 0; i < 68; i++) expect(MIRROR_68[MIRROR_68[i]]).toBe(i);
    // jaw ends, brow ends, outer eye corners, mouth corners swap; chin, nose ridge, lip centres stay
    expect([MIRROR_68[0], MIRROR_68[17], MIRROR_68[36], MIRROR_68[39], MIRROR_68[48], MIRROR_68[60]]).toEqual([
      16, 26, 45, 42, 54, 64,
    ]);
    for (const k of [8, 27, 28, 29, 30, 33, 51, 57, 62, 66]) expect(MIRROR_68[k]).toBe(k);
  });
});

describe('unmirror68', () => {
  it('brings points found on the mirror image back onto the original', () => {
    const width = 250;
    const shape = Array.from({ length: 68 }, (_, i): Point => [10 + i * 3.25, 40 + ((i * 7) % 50)]);
    // what a perfect landmark model reports on the mirror image: the partner's point, x reflected
    const onMirror = shape.map((_, i): Point => [width - shape[MIRROR_68[i]][0], shape[MIRROR_68[i]][1]]);
    const back = unmirror68(onMirror, width);
    back.forEach((p, i) => {
      expect(p[0]).toBeCloseTo(shape[i][0], 9);
      expect(p[1]).toBeCloseTo(shape[i][1], 9);
    });
  });
});
