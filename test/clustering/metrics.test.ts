import { describe, expect, it } from 'vitest';
import { bcubedScores, evaluateClustering, pairwiseScores } from '../../src/clustering/metrics.js';
import { FrsError } from '../../src/errors.js';

describe('clustering metrics', () => {
  // Truth: A A A B B. Predicted: {0,1} {2,3} {4}.
  const truth = ['A', 'A', 'A', 'B', 'B'];
  const predicted = [0, 0, 1, 1, 2];

  it('pairwise: co-clustered pairs against same-identity pairs', () => {
    // Predicted pairs: (0,1) (2,3) -> 1 correct of 2. True pairs: 3 (A) + 1 (B) = 4.
    const s = pairwiseScores(truth, predicted);
    expect(s.precision).toBeCloseTo(1 / 2, 12);
    expect(s.recall).toBeCloseTo(1 / 4, 12);
    expect(s.f1).toBeCloseTo(1 / 3, 12);
  });

  it('BCubed: per-face shares, averaged', () => {
    // Precision per face: 1, 1, 1/2, 1/2, 1 -> 4/5. Recall: 2/3, 2/3, 1/3, 1/2, 1/2 -> 8/3 / 5 = 8/15.
    const s = bcubedScores(truth, predicted);
    expect(s.precision).toBeCloseTo(4 / 5, 12);
    expect(s.recall).toBeCloseTo(8 / 15, 12);
    expect(s.f1).toBeCloseTo((2 * (4 / 5) * (8 / 15)) / (4 / 5 + 8 / 15), 12);
  });

  it('counts each noise face as its own cluster, never as one shared cluster', () => {
    // Truth A A B; all noise: no pair claimed (precision 1), none found (recall 0).
    const s = evaluateClustering([1, 1, 2], [-1, -1, -1]);
    expect(s.pairwise).toEqual({ precision: 1, recall: 0, f1: 0 });
    expect(s.bcubed.precision).toBe(1);
    expect(s.bcubed.recall).toBeCloseTo((1 / 2 + 1 / 2 + 1) / 3, 12);
    expect(s.clusters).toBe(0);
    expect(s.noise).toBe(3);
    // The same faces put in one real cluster would be scored differently.
    expect(evaluateClustering([1, 1, 2], [0, 0, 0]).pairwise.precision).toBeCloseTo(1 / 3, 12);
  });

  it('scores a perfect clustering 1 whatever the label values', () => {
    const s = evaluateClustering([7, 7, 3, 3, 9], [1, 1, 0, 0, 5]);
    expect(s.pairwise.f1).toBe(1);
    expect(s.bcubed.f1).toBe(1);
    expect(s.clusters).toBe(3);
  });

  it('keeps string and number labels apart and refuses mismatched lengths', () => {
    expect(pairwiseScores(['1', 1], [0, 0]).precision).toBe(0);
    expect(() => bcubedScores([1, 2], [0])).toThrow(FrsError);
  });
});
