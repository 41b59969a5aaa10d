/**
 * A 2-D map of persons for the people app: one point per person at the UMAP layout of its
 * centroid (the normalised mean of its faces' embeddings), so groups that sit close together,
 * and may be one person, are seen side by side. Pure: embeddings in, coordinates in [0, 1] out.
 *
 * Bounded for big libraries: only the `maxPersons` largest persons are laid out (a person with
 * few faces is rarely the one worth merging by eye, and UMAP's cost grows with n), and each
 * centroid averages at most `maxFacesPerPerson` faces.
 */
import { UMAP } from 'umap-js';
import { normalise, type Embedding } from './cosine.js';
import { seededRandom } from './random.js';

export interface MapFace {
  personId: number | null;
  embedding: Embedding;
}

export interface PersonCentroid {
  personId: number;
  faceCount: number;
  centroid: Embedding;
}

export interface MapPoint {
  personId: number;
  faceCount: number;
  x: number;
  y: number;
}

export interface PersonMapOptions {
  maxPersons?: number;
  maxFacesPerPerson?: number;
  seed?: number;
  /** UMAP epochs; fewer is faster and rougher. */
  epochs?: number;
}

/** About 5 s for 1,000 persons on one busy core (UMAP cost grows faster than n); cached afterwards. */
export const MAP_DEFAULTS = { maxPersons: 1000, maxFacesPerPerson: 50, seed: 42, epochs: 150 } as const;

/** Centroids of the `maxPersons` persons with most faces, largest first (ties by id). */
export function personCentroids(
  faces: readonly MapFace[],
  maxPersons: number,
  maxFacesPerPerson: number,
): PersonCentroid[] {
  const byPerson = new Map<number, Embedding[]>();
  const counts = new Map<number, number>();
  for (const face of faces) {
    if (face.personId === null) continue;
    counts.set(face.personId, (counts.get(face.personId) ?? 0) + 1);
    let list = byPerson.get(face.personId);
    if (!list) byPerson.set(face.personId, (list = []));
    if (list.length < maxFacesPerPerson) list.push(face.embedding);
  }
  const chosen = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, maxPersons);
  return chosen.map(([personId, faceCount]) => {
    const embeddings = byPerson.get(personId)!;
    const sum = new Float64Array(embeddings[0].length);
    for (const e of embeddings) for (let k = 0; k < e.length; k++) sum[k] += e[k];
    return { personId, faceCount, centroid: normalise(sum) };
  });
}

/**
 * Lays the centroids out in 2-D, scaled into [0, 1] on both axes (aspect kept). Fewer than
 * three persons have no neighbours to lay out by, so they are placed on a line.
 */
export function layoutPersonMap(centroids: readonly PersonCentroid[], options: PersonMapOptions = {}): MapPoint[] {
  const { seed, epochs } = { ...MAP_DEFAULTS, ...options };
  if (centroids.length === 0) return [];
  let coords: number[][];
  if (centroids.length < 3) {
    coords = centroids.map((_, i) => [i, 0]);
  } else {
    const umap = new UMAP({
      nComponents: 2,
      nNeighbors: Math.max(2, Math.min(15, centroids.length - 1)),
      minDist: 0.1,
      nEpochs: epochs,
      random: seededRandom(seed),
    });
    coords = umap.fit(centroids.map((c) => Array.from(c.centroid)));
  }
  const scaled = scaleToUnit(coords);
  return centroids.map((c, i) => ({ personId: c.personId, faceCount: c.faceCount, x: scaled[i][0], y: scaled[i][1] }));
}

/** Maps points into [0, 1]² keeping their aspect, centred on the shorter axis. */
export function scaleToUnit(points: readonly number[][]): number[][] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const offX = (1 - (maxX - minX) / span) / 2;
  const offY = (1 - (maxY - minY) / span) / 2;
  return points.map(([x, y]) => [offX + (x - minX) / span, offY + (y - minY) / span]);
}
