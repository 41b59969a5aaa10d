/**
 * What "who could this be?" needs, read once per grouping state: each person's centroid and the
 * embeddings of faces in no person. Reading every embedding of a library is what costs (100,000
 * faces are hundreds of MB), so the unassigned list would pay it on every page; instead it is
 * cached per repository and model until the grouping fingerprint changes (a face added, moved,
 * embedded, verified or rejected; a person added, removed or hidden), as the persons map does.
 */
import type { Embedding } from '../clustering/cosine.js';
import type { Repository } from '../data/repository.js';
import { personCentroids } from './suggestions.js';

export interface SuggestionIndex {
  /** Every person with faces of the model (hidden ones too: the caller filters). */
  centroids: Map<number, Embedding>;
  /** Embeddings of faces in no person, by face id. */
  loose: Map<number, Embedding>;
}

const cache = new WeakMap<Repository, { key: string; index: Promise<SuggestionIndex> }>();

export async function suggestionIndex(repo: Repository, model: string): Promise<SuggestionIndex> {
  const key = `${model}|${await repo.groupingFingerprint(model)}`;
  const hit = cache.get(repo);
  if (hit?.key === key) return hit.index;
  const index = repo.facesForGrouping(model).then((faces) => ({
    centroids: personCentroids(faces),
    loose: new Map(faces.filter((f) => f.personId === null).map((f) => [f.id, f.embedding])),
  }));
  cache.set(repo, { key, index });
  index.catch(() => {
    if (cache.get(repo)?.index === index) cache.delete(repo);
  });
  return index;
}
