/** Greedy non-maximum suppression over pixel boxes: pure, so passes and models can share it. */
import type { Box } from '../types.js';

export interface ScoredBox {
  box: Box;
  score: number;
}

export interface NmsOptions {
  /** Suppress a box whose IoU with a kept box is above this. */
  iou: number;
  /** Also suppress a box when this share of the smaller of the two boxes lies in their intersection. */
  containment?: number;
  maxResults?: number;
}

function area(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

function intersection(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

export function iou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  if (inter === 0) return 0;
  return inter / (area(a) + area(b) - inter);
}

/** Intersection over the smaller box's area: 1 when one box lies inside the other. */
export function containment(a: Box, b: Box): number {
  const inter = intersection(a, b);
  return inter === 0 ? 0 : inter / Math.min(area(a), area(b));
}

/**
 * Keeps the highest-scoring box of every group of overlapping boxes; returns the kept items,
 * best first. Ties keep input order, so results are deterministic.
 */
export function nonMaxSuppression<T extends ScoredBox>(items: readonly T[], options: NmsOptions): T[] {
  const { iou: maxIou, containment: maxContained = Infinity, maxResults = Infinity } = options;
  const order = items.map((_, i) => i).sort((i, j) => items[j].score - items[i].score || i - j);
  const kept: T[] = [];
  for (const i of order) {
    if (kept.length >= maxResults) break;
    const box = items[i].box;
    if (kept.every((k) => iou(k.box, box) <= maxIou && containment(k.box, box) < maxContained)) kept.push(items[i]);
  }
  return kept;
}
