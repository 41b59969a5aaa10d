/**
 * Exact ranking of search candidates, shared by both adapters: cosine similarity over the stored
 * float32 embeddings and a bounded "best k" list (most similar first, ties by face id), so an
 * indexed search and a full scan rank the same faces the same way.
 */
import { dotF32 } from '../clustering/cosine.js';
import { FrsError } from '../errors.js';
import type { NearestFace } from './aggregates/face-search.js';

/** A search vector must have a direction: non-empty, finite. */
export function checkQuery(query: Float32Array): void {
  if (query.length === 0 || !query.every(Number.isFinite))
    throw new FrsError('INVALID_INPUT', 'A search embedding must be a non-empty vector of finite numbers.');
}

/** Cosine similarity; 0 when either vector is all zeros (no direction to compare). */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  const norms = Math.sqrt(dotF32(a, 0, a, 0, a.length) * dotF32(b, 0, b, 0, b.length));
  return norms > 0 ? dotF32(a, 0, b, 0, a.length) / norms : 0;
}

const before = (a: NearestFace, b: NearestFace) =>
  a.similarity > b.similarity || (a.similarity === b.similarity && a.faceId < b.faceId);

/** The k best faces offered so far (k is small: at most a few hundred). */
export class BestFaces {
  private readonly best: NearestFace[] = [];

  constructor(private readonly k: number) {}

  offer(face: NearestFace): void {
    if (this.k <= 0 || Number.isNaN(face.similarity)) return;
    const full = this.best.length >= this.k;
    if (full && !before(face, this.best[this.best.length - 1])) return;
    let i = this.best.length;
    while (i > 0 && before(face, this.best[i - 1])) i--;
    this.best.splice(i, 0, face);
    if (this.best.length > this.k) this.best.pop();
  }

  /** Most similar first. */
  result(): NearestFace[] {
    return [...this.best];
  }
}

/** A candidate face as read from Faces. */
export interface CandidateFace {
  faceId: number;
  personId: number | null;
  model: string | null;
  embedding: Float32Array | null;
  isRejected: boolean;
}

/**
 * The k candidates most similar to `query`, exactly; faces of another model or dimension,
 * rejected faces and `excludeFaceId` are left out.
 */
export function rankCandidates(
  candidates: Iterable<CandidateFace>,
  model: string,
  query: Float32Array,
  k: number,
  excludeFaceId?: number,
): NearestFace[] {
  const best = new BestFaces(k);
  for (const c of candidates) {
    if (c.faceId === excludeFaceId || c.isRejected || c.model !== model || c.embedding?.length !== query.length)
      continue;
    best.offer({ faceId: c.faceId, personId: c.personId, similarity: cosineSimilarity(query, c.embedding) });
  }
  return best.result();
}
