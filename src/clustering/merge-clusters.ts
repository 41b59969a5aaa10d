/**
 * Joins new clusters that are one person split by DBSCAN's fixed radius: two clusters whose
 * centroids are at least `threshold` similar become one (transitively; a pure function of the
 * clusters, so input order does not matter). Centroids average out pose and lighting, so they
 * can be compared at a far stricter threshold than single faces: on LFW, centroids of different
 * people sit below 0.97 where faces of different people often reach 0.95
 * (bench/results/quality.md).
 */
import { ConeTree } from './cone-tree.js';
import { centroid, type Embedding } from './cosine.js';
import { MinRootSets } from './min-root-sets.js';

/** Slack for rounding at the threshold, as in assign.ts. */
const QUERY_SLACK = 1e-9;

/** `clusters` as lists of indices into `embeddings`; returns the merged lists, each in the order its members came. */
export function mergeByCentroid(clusters: number[][], embeddings: readonly Embedding[], threshold: number): number[][] {
  if (clusters.length < 2) return clusters;
  const centroids = clusters.map((c) => centroid(c.map((i) => embeddings[i])));
  // The lower index stays the root, so the result does not depend on the walk's order.
  const sets = new MinRootSets(clusters.length);
  const tree = ConeTree.build(centroids);
  try {
    tree.forEachPairWithin(1 - threshold + QUERY_SLACK, (a, b, similarity) => {
      if (similarity >= threshold) sets.union(a, b);
    });
  } finally {
    tree.dispose();
  }
  const merged = new Map<number, number[]>();
  clusters.forEach((members, k) => {
    const root = sets.find(k);
    const list = merged.get(root);
    if (list) list.push(...members);
    else merged.set(root, [...members]);
  });
  return [...merged.values()];
}
