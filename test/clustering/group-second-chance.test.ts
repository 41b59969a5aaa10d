import { describe, expect, it } from 'vitest';
import { groupFaces } from '../../src/clustering/group.js';

const at = (angle: number) => Float32Array.from([Math.cos(angle), Math.sin(angle), 0]);

describe('groupFaces second chance for noise', () => {
  // a and b are DBSCAN neighbours (cos 0.1 = 0.995 >= 1 - eps); c is 0.15 rad from a: noise to DBSCAN,
  // but 0.2 rad (cos 0.980) from the a+b centroid.
  const faces = [
    { id: 'a', embedding: at(0) },
    { id: 'b', embedding: at(0.1) },
    { id: 'c', embedding: at(-0.15) },
    { id: 'far', embedding: at(1.5) },
  ];

  it('lets a noise face join a new cluster when it passes the match threshold', () => {
    const d = groupFaces<string, number>([], faces, { threshold: 0.97, mode: 'centroid', eps: 0.01, minPts: 2 });
    expect(d.newClusters).toEqual([['a', 'b', 'c']]);
    expect(d.noise).toEqual(['far']);
  });

  it('keeps it as noise when it does not', () => {
    const d = groupFaces<string, number>([], faces, { threshold: 0.99, mode: 'centroid', eps: 0.01, minPts: 2 });
    expect(d.newClusters).toEqual([['a', 'b']]);
    expect(d.noise).toEqual(['c', 'far']);
  });
});
