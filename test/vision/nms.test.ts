import { describe, expect, it } from 'vitest';
import { containment, iou, nonMaxSuppression } from '../../src/vision/detect/nms.js';
import type { Box } from '../../src/vision/types.js';

describe('iou', () => {
  it('is 1 for identical boxes, 0 for disjoint or touching ones', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
    expect(iou([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
  });

  it('is intersection over union for partial overlap', () => {
    // 5x10 overlap = 50; union = 100 + 100 - 50
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150, 12);
  });

  it('is 0 for a degenerate box', () => {
    expect(iou([5, 5, 5, 5], [0, 0, 10, 10])).toBe(0);
  });
});

describe('containment', () => {
  it('is the share of the smaller box inside the intersection', () => {
    expect(containment([0, 0, 10, 10], [2, 2, 6, 6])).toBe(1);
    expect(containment([2, 2, 6, 6], [0, 0, 10, 10])).toBe(1);
    expect(containment([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(0.5, 12);
    expect(containment([0, 0, 10, 10], [20, 0, 30, 10])).toBe(0);
  });
});

describe('nonMaxSuppression', () => {
  const d = (box: Box, score: number, id: string) => ({ box, score, id });

  it('keeps the best of overlapping boxes and every separate box, best first', () => {
    const items = [
      d([0, 0, 10, 10], 0.6, 'a'),
      d([1, 1, 11, 11], 0.9, 'b'),
      d([50, 50, 60, 60], 0.7, 'c'),
      d([0, 0, 10, 9], 0.5, 'e'),
    ];
    expect(nonMaxSuppression(items, { iou: 0.5 }).map((x) => x.id)).toEqual(['b', 'c']);
  });

  it('keeps overlapping boxes whose IoU is at or below the threshold', () => {
    const items = [d([0, 0, 10, 10], 0.9, 'a'), d([5, 0, 15, 10], 0.8, 'b')]; // IoU 1/3
    expect(nonMaxSuppression(items, { iou: 0.5 }).map((x) => x.id)).toEqual(['a', 'b']);
    expect(nonMaxSuppression(items, { iou: 0.3 }).map((x) => x.id)).toEqual(['a']);
  });

  it('compares only with kept boxes: a suppressed box does not suppress others', () => {
    // b overlaps a and c heavily, a and c barely overlap: a suppresses b, c survives.
    const items = [d([0, 0, 10, 10], 0.9, 'a'), d([3, 0, 13, 10], 0.8, 'b'), d([6, 0, 16, 10], 0.7, 'c')];
    expect(nonMaxSuppression(items, { iou: 0.5 }).map((x) => x.id)).toEqual(['a', 'c']);
  });

  it('with a containment threshold, also drops a box that holds a better one (or lies inside it)', () => {
    // A loose box around a face: IoU 1/3 keeps it under plain NMS; containment 1 drops it.
    const face = d([10, 10, 30, 30], 0.9, 'face');
    const loose = d([0, 0, 40, 30], 0.5, 'loose');
    const inner = d([12, 12, 20, 20], 0.4, 'inner');
    const other = d([50, 10, 70, 30], 0.8, 'other');
    expect(nonMaxSuppression([face, loose, inner, other], { iou: 0.5 }).map((x) => x.id)).toEqual([
      'face',
      'other',
      'loose',
      'inner',
    ]);
    expect(nonMaxSuppression([face, loose, inner, other], { iou: 0.5, containment: 0.9 }).map((x) => x.id)).toEqual([
      'face',
      'other',
    ]);
  });

  it('honours maxResults and breaks score ties by input order', () => {
    const items = [d([0, 0, 1, 1], 0.5, 'a'), d([5, 5, 6, 6], 0.5, 'b'), d([9, 9, 10, 10], 0.5, 'c')];
    expect(nonMaxSuppression(items, { iou: 0.5, maxResults: 2 }).map((x) => x.id)).toEqual(['a', 'b']);
  });

  it('returns nothing for no input and does not modify its input', () => {
    expect(nonMaxSuppression([], { iou: 0.5 })).toEqual([]);
    const items = [d([0, 0, 10, 10], 0.1, 'a'), d([0, 0, 10, 10], 0.9, 'b')];
    nonMaxSuppression(items, { iou: 0.5 });
    expect(items.map((x) => x.id)).toEqual(['a', 'b']);
  });
});
