/**
 * A canonical order for a set of embeddings: lexicographic by their values. Clustering
 * decisions that depend on input order (DBSCAN's labels and border faces, UMAP's seeded
 * start, centroid sums, tie-breaks) become a function of the set alone when the input is
 * put in this order first, whatever order the faces arrived or were numbered in.
 */
import type { Embedding } from './cosine.js';

function compareEmbeddings(a: Embedding, b: Embedding): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return a.length - b.length;
}

/** Input positions in canonical order; equal embeddings keep their input order (they behave alike anyway). */
export function canonicalOrder(embeddings: readonly Embedding[]): number[] {
  return embeddings.map((_, i) => i).sort((i, j) => compareEmbeddings(embeddings[i], embeddings[j]) || i - j);
}
