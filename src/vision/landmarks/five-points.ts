/**
 * The five alignment points from the 68-point iBUG layout (0-based indices): eye centres are
 * the means of each eye contour, nose tip is point 30, mouth corners are 48 and 54.
 * Points 36-41 are the eye on the image left of an upright, unmirrored face, so the order
 * is left eye, right eye, nose, left mouth corner, right mouth corner as seen in the image.
 */
import { FrsError } from '../../errors.js';
import type { Point } from '../types.js';

const LEFT_EYE = [36, 37, 38, 39, 40, 41];
const RIGHT_EYE = [42, 43, 44, 45, 46, 47];
const NOSE_TIP = 30;
const MOUTH_LEFT = 48;
const MOUTH_RIGHT = 54;

function mean(points: Point[], indices: number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of indices) {
    x += points[i][0];
    y += points[i][1];
  }
  return [x / indices.length, y / indices.length];
}

export function fivePointsFrom68(points: Point[]): Point[] {
  if (points.length !== 68) throw new FrsError('INVALID_INPUT', `Expected 68 landmarks, got ${points.length}.`);
  return [
    mean(points, LEFT_EYE),
    mean(points, RIGHT_EYE),
    [...points[NOSE_TIP]],
    [...points[MOUTH_LEFT]],
    [...points[MOUTH_RIGHT]],
  ];
}
