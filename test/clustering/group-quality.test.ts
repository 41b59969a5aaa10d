import { describe, expect, it } from 'vitest';
import { groupFaces, type GroupFace, type GroupOptions } from '../../src/clustering/group.js';

const at = (angle: number) => Float32Array.from([Math.cos(angle), Math.sin(angle), 0]);
// DBSCAN links faces 0.1 rad apart (cos 0.1 = 0.995 >= 1 - eps); the matching rule accepts 0.2 rad (0.980).
const options: GroupOptions = { threshold: 0.975, mode: 'centroid', eps: 0.006, minPts: 2 };

describe('groupFaces with low-quality faces', () => {
  it('never lets low-quality faces start a cluster among themselves', () => {
    const faces: GroupFace<string>[] = [
      { id: 'x', embedding: at(0), lowQuality: true },
      { id: 'y', embedding: at(0.05), lowQuality: true },
      { id: 'z', embedding: at(0.1), lowQuality: true },
    ];
    expect(groupFaces<string, number>([], faces, options)).toEqual({
      assignments: [],
      newClusters: [],
      noise: ['x', 'y', 'z'],
      secondChance: [],
      noisePass: [],
    });
    // The same faces measured as good form one person.
    const good = faces.map((f) => ({ ...f, lowQuality: false }));
    expect(groupFaces<string, number>([], good, options).newClusters).toEqual([['x', 'y', 'z']]);
  });

  it('never lets a low-quality face bridge two clusters, but lets it join the one it matches', () => {
    // a1-a2 and b1-b2 are two people 0.2 rad apart; m sits between them, 0.1 rad from each.
    const faces: GroupFace<string>[] = [
      { id: 'a1', embedding: at(-0.15) },
      { id: 'a2', embedding: at(-0.1) },
      { id: 'm', embedding: at(0.005) },
      { id: 'b1', embedding: at(0.1) },
      { id: 'b2', embedding: at(0.15) },
    ];
    // As a good face m chains both people into one cluster (DBSCAN is single linkage).
    expect(groupFaces<string, number>([], faces, options).newClusters).toEqual([['a1', 'a2', 'm', 'b1', 'b2']]);
    // As a low-quality face it cannot; it joins the cluster whose centroid it matches best.
    const low = faces.map((f) => (f.id === 'm' ? { ...f, lowQuality: true } : f));
    expect(groupFaces<string, number>([], low, options).newClusters).toEqual([
      ['a1', 'a2'],
      ['m', 'b1', 'b2'],
    ]);
  });

  it('lets a low-quality face join a known person it matches, and leaves it alone when it matches nothing', () => {
    const known = [
      { personId: 7, embedding: at(1) },
      { personId: 7, embedding: at(1.02) },
    ];
    const faces: GroupFace<string>[] = [
      { id: 'near', embedding: at(1.05), lowQuality: true },
      { id: 'far', embedding: at(2), lowQuality: true },
    ];
    expect(groupFaces<string, number>(known, faces, options)).toEqual({
      assignments: [{ faceId: 'near', personId: 7 }],
      newClusters: [],
      noise: ['far'],
      secondChance: [],
      noisePass: [],
    });
  });

  it('asks a low-quality face for the stricter lowQualityThreshold', () => {
    const known = [{ personId: 7, embedding: at(1) }];
    // 0.1 rad from the person: similarity 0.995.
    const face = (lowQuality: boolean): GroupFace<string>[] => [{ id: 'f', embedding: at(1.1), lowQuality }];
    const strict = { ...options, threshold: 0.99, lowQualityThreshold: 0.998 };
    expect(groupFaces<string, number>(known, face(false), strict).assignments).toHaveLength(1);
    expect(groupFaces<string, number>(known, face(true), strict)).toMatchObject({ assignments: [], noise: ['f'] });
    // Never looser than the threshold for good faces.
    expect(
      groupFaces<string, number>(known, face(true), { ...strict, lowQualityThreshold: 0.5 }).assignments,
    ).toHaveLength(1);
  });

  it('decides the same partition whatever the input order', () => {
    // Good faces pair up (0.16-0.24, 0.40-0.48, ...); the low-quality ones between join a pair or stay out.
    const faces: GroupFace<number>[] = Array.from({ length: 12 }, (_, i) => ({
      id: i,
      embedding: at(i * 0.08),
      lowQuality: i % 3 === 1,
    }));
    const partition = (d: { newClusters: number[][]; noise: number[] }) => ({
      clusters: d.newClusters.map((c) => [...c].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]),
      noise: [...d.noise].sort((a, b) => a - b),
    });
    const forward = partition(groupFaces<number, number>([], faces, options));
    expect(forward.clusters.length).toBeGreaterThan(1);
    expect(partition(groupFaces<number, number>([], [...faces].reverse(), options))).toEqual(forward);
  });
});
