/** Face search: the faces nearest to an embedding (find-similar, identify). */
import type { ActionLabels } from './action-labels.js';

/** One face found by a search, with its exact cosine similarity to the query. */
export interface NearestFace {
  faceId: number;
  personId: number | null;
  similarity: number;
}

/** A face's own embedding, to search with it. */
export interface FaceEmbedding {
  faceId: number;
  /** null: no embedding, or one from no known model (the replaced system's). */
  model: string | null;
  embedding: Float32Array | null;
  isRejected: boolean;
}

export interface NearestFacesOptions {
  /** Leave this face out (the query face itself). */
  excludeFaceId?: number;
}

export interface FaceSearchOps {
  /** One face's embedding and model; null when there is no such face. */
  faceEmbedding(faceId: number): Promise<FaceEmbedding | null>;
  /**
   * The `k` faces whose embedding from `model` is most similar to `query` (cosine), most similar
   * first (ties by face id); rejected faces and embeddings of other dimensions are left out.
   * Similarities are exact; which faces come back may be approximate where the adapter uses an
   * approximate index (SQLite: HNSW, recall measured in bench/results/similar.md).
   */
  nearestFaces(model: string, query: Float32Array, k: number, options?: NearestFacesOptions): Promise<NearestFace[]>;
}

export const faceSearchActions: ActionLabels<FaceSearchOps> = {
  faceEmbedding: "reading a face's embedding",
  nearestFaces: 'searching for similar faces',
};
