/** Left-right mirroring of 68-point landmarks (iBUG layout). */
import type { Point } from '../types.js';

/** The partner of each 68-point index in the mirrored face; points on the midline map to themselves. */
export const MIRROR_68: readonly number[] = (() => {
  const m = Array.from({ length: 68 }, (_, i) => i);
  const pairs = [
    ...Array.from({ length: 8 }, (_, i) => [i, 16 - i]), // jaw
    ...Array.from({ length: 5 }, (_, i) => [17 + i, 26 - i]), // brows
    ...'31-35 32-34 36-45 37-44 38-43 39-42 40-47 41-46' // nose base, eyes
      .concat(' 48-54 49-53 50-52 55-59 56-58 60-64 61-63 65-67') // lips
      .split(' ')
      .map((pair) => pair.split('-').map(Number)),
  ];
  for (const [a, b] of pairs) [m[a], m[b]] = [b, a];
  return m;
})();

/**
 * Points found on the mirror image of an image `width` pixels wide, brought back: x → width - x
 * (pixel edges, so pixel i's centre i + 0.5 maps to that of width - 1 - i) and each point
 * takes its partner's place.
 */
export function unmirror68(points: Point[], width: number): Point[] {
  return MIRROR_68.map((k) => [width - points[k][0], points[k][1]]);
}
