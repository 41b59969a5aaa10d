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

/** What refreshFaceSearch did. */
export interface FaceSearchRefresh {
  /** Faces of the model the face index holds now. */
  indexed: number;
  /** True when the index was built from Faces here (the first time, or after its file was lost). */
  built: boolean;
}

export interface FaceSearchOps {
  /** One face's embedding and model; null when there is no such face. */
  faceEmbedding(faceId: number): Promise<FaceEmbedding | null>;
  /**
   * The `k` faces whose embedding from `model` is most similar to `query` (cosine), most similar
   * first (ties by face id); rejected faces and embeddings of other dimensions are left out.
   * Similarities are exact; which faces come back is approximate: candidates come from an HNSW
   * index (recall measured in bench/results/similar.md), ranked again exactly.
   */
  nearestFaces(model: string, query: Float32Array, k: number, options?: NearestFacesOptions): Promise<NearestFace[]>;
  /**
   * Brings the adapter's face index of `model` up to date, building it when there is none, so that
   * the next search does not pay for it (the pipeline calls this after each run). Searches stay
   * correct without it: they catch up (or build) themselves.
   */
  refreshFaceSearch(model: string): Promise<FaceSearchRefresh>;
}

export const faceSearchActions: ActionLabels<FaceSearchOps> = {
  faceEmbedding: "reading a face's embedding",
  nearestFaces: 'searching for similar faces',
  refreshFaceSearch: 'bringing the face index up to date',
};
