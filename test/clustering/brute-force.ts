/** All-pairs references the index and DBSCAN are checked against. */
import { dot, isWithin, type Embedding } from '../../src/clustering/cosine.js';

export function bruteForcePairs(points: readonly Embedding[], eps: number): string[] {
  const found: string[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) if (isWithin(dot(points[i], points[j]), eps)) found.push(`${i},${j}`);
  }
  return found;
}

export function bruteForceWithin(points: readonly Embedding[], query: Embedding, eps: number): number[] {
  return points.flatMap((p, i) => (isWithin(dot(query, p), eps) ? [i] : []));
}

/** The textbook sequential DBSCAN (Ester et al. 1996) over brute-force region queries. */
export function classicDbscan(points: readonly Embedding[], eps: number, minPts: number): number[] {
  const region = (i: number) => bruteForceWithin(points, points[i], eps);
  const labels = new Array<number>(points.length).fill(-2); // -2 unvisited, -1 noise
  let cluster = 0;
  for (let i = 0; i < points.length; i++) {
    if (labels[i] !== -2) continue;
    const seeds = region(i);
    if (seeds.length < minPts) {
      labels[i] = -1;
      continue;
    }
    labels[i] = cluster;
    const queue = seeds.filter((j) => j !== i);
    while (queue.length > 0) {
      const j = queue.shift()!;
      if (labels[j] === -1) labels[j] = cluster; // noise becomes border
      if (labels[j] !== -2) continue;
      labels[j] = cluster;
      const next = region(j);
      if (next.length >= minPts) queue.push(...next);
    }
    cluster++;
  }
  return labels;
}

export function pairsOf(visit: (cb: (i: number, j: number) => void) => void): string[] {
  const found: string[] = [];
  visit((i, j) => found.push(i < j ? `${i},${j}` : `${j},${i}`));
  return found;
}
