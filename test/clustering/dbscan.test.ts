import { describe, expect, it } from 'vitest';
import { ConeTree } from '../../src/clustering/cone-tree.js';
import { clustersOf, dbscan, NOISE } from '../../src/clustering/dbscan.js';
import { evaluateClustering } from '../../src/clustering/metrics.js';
import { gaussian, seededRandom } from '../../src/clustering/random.js';
import { FrsError } from '../../src/errors.js';
import { classicDbscan } from './brute-force.js';
import { randomUnit, syntheticFaces } from './synthetic.js';

describe('dbscan', () => {
  it('recovers well-separated identities and leaves strangers as noise', () => {
    const { embeddings, labels } = syntheticFaces({
      identities: 40,
      facesPerIdentity: 15,
      dim: 128,
      sigma: 0.03,
      strangers: 25,
      seed: 21,
      shuffle: true,
    });
    const predicted = dbscan(embeddings, 0.2, 2);
    const scores = evaluateClustering(labels, predicted);
    expect(scores.clusters).toBe(40);
    expect(scores.noise).toBe(25);
    expect(scores.bcubed.f1).toBe(1);
    for (let i = 0; i < labels.length; i++) if (labels[i] >= 40) expect(predicted[i]).toBe(NOISE);
  });

  it('matches the textbook sequential algorithm, borders and noise included', () => {
    const normal = gaussian(seededRandom(8));
    const points = Array.from({ length: 400 }, () => randomUnit(3, normal));
    for (const [eps, minPts] of [
      [0.01, 4],
      [0.02, 6],
      [0.005, 3],
      [0.03, 1],
    ] as const) {
      expect(Array.from(dbscan(points, eps, minPts)), `eps ${eps} minPts ${minPts}`).toEqual(
        classicDbscan(points, eps, minPts),
      );
    }
  });

  it('matches the textbook algorithm on noisy 128-d faces', () => {
    const { embeddings } = syntheticFaces({
      identities: 30,
      facesPerIdentity: 10,
      dim: 128,
      sigma: 0.05,
      hardShare: 0.2,
      hardFactor: 1.6,
      strangers: 20,
      seed: 4,
      shuffle: true,
    });
    for (const minPts of [2, 3, 5])
      expect(Array.from(dbscan(embeddings, 0.2, minPts))).toEqual(classicDbscan(embeddings, 0.2, minPts));
  });

  it('is deterministic, and repeating the walk instead of buffering pairs changes nothing', () => {
    const { embeddings } = syntheticFaces({
      identities: 25,
      facesPerIdentity: 8,
      dim: 32,
      sigma: 0.09,
      hardShare: 0.2,
      seed: 13,
      shuffle: true,
    });
    const first = dbscan(embeddings, 0.2, 3);
    expect(dbscan(embeddings, 0.2, 3)).toEqual(first);
    expect(dbscan(embeddings, 0.2, 3, { maxBufferedPairs: 0 })).toEqual(first);
    expect(dbscan(embeddings, 0.2, 3, { maxBufferedPairs: 10 })).toEqual(first);
    expect(dbscan(embeddings, 0.2, 3, { tree: ConeTree.build(embeddings, { leafSize: 4 }) })).toEqual(first);
  });

  it('numbers clusters by their first core face', () => {
    const normal = gaussian(seededRandom(1));
    const a = randomUnit(8, normal),
      b = randomUnit(8, normal);
    const labels = dbscan([b, a, b.slice(), a.slice(), randomUnit(8, normal)], 0.01, 2);
    expect(Array.from(labels)).toEqual([0, 1, 0, 1, NOISE]);
    expect(clustersOf(labels)).toEqual({
      clusters: [
        [0, 2],
        [1, 3],
      ],
      noise: [4],
    });
  });

  it('handles empty input and refuses bad parameters', () => {
    expect(dbscan([], 0.2, 2)).toEqual(new Int32Array(0));
    expect(() => dbscan([], -0.1, 2)).toThrow(FrsError);
    expect(() => dbscan([], 0.2, 0)).toThrow(/minPts/);
    const { embeddings } = syntheticFaces({ identities: 2, facesPerIdentity: 2, dim: 4, sigma: 0.01 });
    expect(() => dbscan(embeddings, 0.2, 2, { tree: ConeTree.build(embeddings.slice(1)) })).toThrow(/index holds/);
  });
});
