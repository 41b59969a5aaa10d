/**
 * "Who could this be?" for faces in no person: cosine similarity to each person's centroid
 * (the normalised mean of its faces' embeddings from the current model), best first.
 */
import { centroid, dot, type Embedding } from '../clustering/cosine.js';

export interface Suggestion {
  personId: number;
  similarity: number;
}

export function personCentroids(
  faces: readonly { personId: number | null; embedding: Embedding }[],
): Map<number, Embedding> {
  const members = new Map<number, Embedding[]>();
  for (const f of faces) {
    if (f.personId === null) continue;
    let list = members.get(f.personId);
    if (!list) members.set(f.personId, (list = []));
    list.push(f.embedding);
  }
  return new Map([...members].map(([personId, embeddings]) => [personId, centroid(embeddings)]));
}

/** The `k` persons most similar to `embedding`; ties to the lower person id. */
export function mostSimilar(embedding: Embedding, centroids: ReadonlyMap<number, Embedding>, k: number): Suggestion[] {
  const all: Suggestion[] = [];
  for (const [personId, c] of centroids) all.push({ personId, similarity: dot(embedding, c) });
  return all.sort((a, b) => b.similarity - a.similarity || a.personId - b.personId).slice(0, k);
}
