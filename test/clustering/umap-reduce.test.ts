import { describe, expect, it } from 'vitest';
import { norm } from '../../src/clustering/cosine.js';
import { dbscan } from '../../src/clustering/dbscan.js';
import { evaluateClustering } from '../../src/clustering/metrics.js';
import { umapReduce } from '../../src/clustering/umap-reduce.js';
import { FrsError } from '../../src/errors.js';
import { syntheticFaces } from './synthetic.js';

describe('umapReduce', () => {
  const { embeddings, labels } = syntheticFaces({
    identities: 6,
    facesPerIdentity: 15,
    dim: 128,
    sigma: 0.05,
    seed: 31,
    shuffle: true,
  });

  it('returns unit vectors of the requested dimension, the same for the same seed', () => {
    const first = umapReduce(embeddings, { dimensions: 4, epochs: 100, seed: 7 });
    expect(first).toHaveLength(embeddings.length);
    for (const row of first) {
      expect(row).toHaveLength(4);
      expect(norm(row)).toBeCloseTo(1, 5);
    }
    expect(umapReduce(embeddings, { dimensions: 4, epochs: 100, seed: 7 })).toEqual(first);
    expect(umapReduce(embeddings, { dimensions: 4, epochs: 100, seed: 8 })).not.toEqual(first);
  });

  it('keeps identities apart so that DBSCAN still finds them', () => {
    const reduced = umapReduce(embeddings, { dimensions: 8, seed: 1 });
    const scores = evaluateClustering(labels, dbscan(reduced, 0.05, 3));
    expect(scores.bcubed.f1).toBeGreaterThan(0.95);
  });

  it('handles inputs smaller than the neighbourhood and refuses tiny or bad requests', () => {
    expect(umapReduce(embeddings.slice(0, 5), { dimensions: 2, seed: 3 })).toHaveLength(5);
    expect(() => umapReduce(embeddings.slice(0, 2), { dimensions: 2 })).toThrow(FrsError);
    expect(() => umapReduce(embeddings, { dimensions: 1 })).toThrow(/dimensions/);
  });
});
