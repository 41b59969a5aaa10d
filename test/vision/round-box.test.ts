/** Boxes shown to people (CLI listings, API face views) are whole pixels. */
import { describe, expect, it } from 'vitest';
import type { FaceDetail } from '../../src/data/repository.js';
import { faceView } from '../../src/people/people-view.js';
import { roundBox } from '../../src/vision/round-box.js';

describe('roundBox', () => {
  it('rounds each coordinate and keeps null', () => {
    expect(roundBox([1478.2412345678, 218.5, 1674.49, 436.5000001])).toEqual([1478, 219, 1674, 437]);
    expect(roundBox(null)).toBeNull();
  });

  it('is what the API face view shows', () => {
    const face = { id: 1, mediaItemId: 2, boundingBox: [10.123456789, 20.987654321, 30.5, 40.4] } as FaceDetail;
    expect(faceView(face).box).toEqual([10, 21, 31, 40]);
  });
});
