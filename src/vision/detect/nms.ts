/** Greedy non-maximum suppression over pixel boxes: pure, so passes and models can share it. */
import type { Box } from '../types.js';

export interface ScoredBox {
  box: Box;
  score: number;
}

export function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Keeps the highest-scoring box of every group overlapping by more than `iouThreshold`;
 * returns the kept items, best first. Ties keep input order, so results are deterministic.
 */
export function nonMaxSuppression<T extends ScoredBox>(items: readonly T[], iouThreshold: number, maxResults = Infinity): T[] {
  const order = items.map((_, i) => i).sort((i, j) => items[j].score - items[i].score || i - j);
  const kept: T[] = [];
  for (const i of order) {
    if (kept.length >= maxResults) break;
    const candidate = items[i];
    if (kept.every((k) => iou(k.box, candidate.box) <= iouThreshold)) kept.push(candidate);
  }
  return kept;
}
