import { describe, expect, it } from 'vitest';
import { layoutPersonMap, personCentroids, scaleToUnit, type MapFace } from '../../src/clustering/person-map.js';
import { normalise } from '../../src/clustering/cosine.js';
import { gaussian, seededRandom } from '../../src/clustering/random.js';

/** `persons` identities in 32-D, `perPerson` noisy faces each; identities 0 and 1 nearly coincide. */
function synthetic(persons: number, perPerson: number): MapFace[] {
  const noise = gaussian(seededRandom(7));
  const centres = Array.from({ length: persons }, () => Array.from({ length: 32 }, noise));
  centres[1] = centres[0].map((v) => v + 0.05 * noise());
  const faces: MapFace[] = [];
  for (let p = 0; p < persons; p++)
    for (let f = 0; f < perPerson; f++)
      faces.push({ personId: p + 1, embedding: normalise(centres[p].map((v) => v + 0.1 * noise())) });
  faces.push({ personId: null, embedding: normalise(centres[0]) });
  return faces;
}

describe('person map', () => {
  it('keeps the largest persons, averages at most maxFacesPerPerson faces, skips unassigned faces', () => {
    const faces = synthetic(5, 4);
    faces.push({ personId: 5, embedding: faces[0].embedding });
    const centroids = personCentroids(faces, 3, 2);
    expect(centroids.map((c) => [c.personId, c.faceCount])).toEqual([
      [5, 5],
      [1, 4],
      [2, 4],
    ]);
    for (const c of centroids) expect(Math.hypot(...c.centroid)).toBeCloseTo(1, 5);
  });

  it('lays persons out in [0, 1]², the same each time, with near-identical persons side by side', () => {
    const centroids = personCentroids(synthetic(30, 3), 100, 10);
    const a = layoutPersonMap(centroids, { epochs: 100 });
    expect(layoutPersonMap(centroids, { epochs: 100 })).toEqual(a);
    for (const p of a) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(1);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(1);
    }
    const at = (id: number) => a.find((p) => p.personId === id)!;
    const dist = (p: number, q: number) => Math.hypot(at(p).x - at(q).x, at(p).y - at(q).y);
    const others = a.filter((p) => p.personId > 2).map((p) => dist(1, p.personId));
    const closer = others.filter((d) => d > dist(1, 2)).length;
    expect(closer / others.length).toBeGreaterThan(0.75); // UMAP keeps neighbours, not exact distances
  });

  it('places one or two persons without UMAP, and nothing for no persons', () => {
    expect(layoutPersonMap([])).toEqual([]);
    const two = layoutPersonMap(personCentroids(synthetic(2, 1), 10, 10));
    expect(two.map((p) => [p.x, p.y])).toEqual([
      [0, 0.5],
      [1, 0.5],
    ]);
    expect(scaleToUnit([[3, 3]])).toEqual([[0.5, 0.5]]);
  });
});
