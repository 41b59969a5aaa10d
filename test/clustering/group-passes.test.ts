import { describe, expect, it } from 'vitest';
import { groupFaces, type GroupFace, type GroupOptions } from '../../src/clustering/group.js';
import { mergeByCentroid } from '../../src/clustering/merge-clusters.js';

const at = (angle: number) => Float32Array.from([Math.cos(angle), Math.sin(angle), 0]);
const faces = (angles: number[], low: number[] = []): GroupFace<number>[] =>
  angles.map((a, id) => ({ id, embedding: at(a), lowQuality: low.includes(id) }));
// DBSCAN links faces up to 0.1 rad apart (cos 0.1 = 0.995); the matching rule needs 0.05 rad of a centroid.
const base: GroupOptions = { threshold: 0.99875, mode: 'centroid', eps: 0.006, minPts: 2 };

describe('mergeByCentroid', () => {
  it('joins clusters whose centroids are close enough, transitively, whatever their order', () => {
    const e = [0, 0.02, 0.05, 0.07, 0.1, 0.12, 1, 1.02].map(at);
    const clusters = [
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
    ];
    // Neighbouring centroids are 0.05 rad apart (cos 0.99875); the last pair is far.
    const sort = (cs: number[][]) => cs.map((c) => [...c].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
    expect(sort(mergeByCentroid(clusters, e, 0.998))).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7],
    ]);
    expect(sort(mergeByCentroid([...clusters].reverse(), e, 0.998))).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7],
    ]);
    expect(sort(mergeByCentroid(clusters, e, 0.9999))).toEqual(clusters);
  });
});

describe('groupFaces: merging split clusters and a last pass over the leftovers', () => {
  it('merges two clusters of one person that DBSCAN left apart, in centroid mode only', () => {
    // Two tight pairs 0.15 rad apart: too far for DBSCAN (0.1 rad); centroids 0.2 rad apart (cos 0.980).
    const split = faces([0, 0.05, 0.2, 0.25]);
    expect(groupFaces<number, number>([], split, base).newClusters).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(groupFaces<number, number>([], split, { ...base, mergeThreshold: 0.975 }).newClusters).toEqual([
      [0, 1, 2, 3],
    ]);
    expect(groupFaces<number, number>([], split, { ...base, mergeThreshold: 0.985 }).newClusters).toHaveLength(2);
    const nearest = { ...base, mode: 'nearest-face' as const, mergeThreshold: 0.975 };
    expect(groupFaces<number, number>([], split, nearest).newClusters).toHaveLength(2);
  });

  it('clusters the faces no cluster took once more at the wider noise radius, good faces only', () => {
    // Pairs 0.15 rad apart (cos 0.9888): noise at eps 0.006, a cluster at noise eps 0.012.
    const loose = faces([0, 0.15, 1, 1.15], [2]);
    expect(groupFaces<number, number>([], loose, base)).toMatchObject({ newClusters: [], noise: [0, 1, 2, 3] });
    const d = groupFaces<number, number>([], loose, { ...base, noiseEps: 0.012 });
    // 2 is low quality: it may not start a cluster with 3, in the noise pass either.
    expect(d).toMatchObject({ newClusters: [[0, 1]], noise: [2, 3] });
    // A noise radius not above eps changes nothing.
    expect(groupFaces<number, number>([], loose, { ...base, noiseEps: 0.006 }).newClusters).toEqual([]);
  });
});
