/** Faces: embeddings and the grouping bookkeeping of each face. */
import type { ActionLabels } from './action-labels.js';
import type { BoundingBox, Point } from './geometry.js';

export interface NewFace {
  boundingBox: BoundingBox;
  /** 0..1; the database rejects anything outside (CHECK constraint). */
  detectorScore: number;
  landmarks?: Point[] | null;
  /** Faces.Name in the legacy schema: the thumbnail's file name. */
  thumbnailName?: string | null;
  /** Where the thumbnail lives (local path or blob name). */
  thumbnailPath?: string | null;
  frameNumber?: number | null;
  sharpness?: number | null;
  embedding?: Float32Array | null;
  embeddingModel?: string | null;
}

export interface FaceRecord {
  id: number;
  mediaItemId: number;
  personId: number | null;
  boundingBox: BoundingBox | null;
  detectorScore: number | null;
  landmarks: Point[] | null;
  thumbnailName: string | null;
  thumbnailPath: string | null;
  frameNumber: number | null;
  sharpness: number | null;
  embeddingModel: string | null;
  hasEmbedding: boolean;
  isUserVerified: boolean;
  /** The user said this detection is not a face: in no person, never grouped again. */
  isRejected: boolean;
}

/** A face with its photo and person, as the people actions and listings show it. */
export interface FaceDetail extends FaceRecord {
  mediaFileId: number;
  fileName: string | null;
  filePath: string;
  personName: string | null;
}

/** A page of a listing: the rows asked for and how many there are in all. */
export interface Page<T> {
  items: T[];
  total: number;
}

export interface PageRequest {
  offset: number;
  limit: number;
}

/** A user's "not this person": the face never rejoins the person. */
export interface CannotLink {
  faceId: number;
  personId: number;
}

/** What the embedder needs to (re)compute one face's embedding. */
export interface FaceToEmbed {
  id: number;
  mediaItemId: number;
  mediaFileId: number;
  filePath: string;
  boundingBox: BoundingBox | null;
  landmarks: Point[] | null;
  thumbnailName: string | null;
  thumbnailPath: string | null;
  frameNumber: number | null;
}

export interface EmbeddingUpdate {
  faceId: number;
  embedding: Float32Array;
  model: string;
}

/** A face with an embedding from the grouping model, as the group stage reads it. */
export interface GroupingFace {
  id: number;
  /** The original the face is in; portraits point at it (Persons.PortraitMediaFileId). */
  mediaFileId: number;
  embedding: Float32Array;
  sharpness: number | null;
  score: number | null;
  personId: number | null;
  isUserVerified: boolean;
  /** False until a grouping run has seen the face with this embedding (Faces.GroupedAt). */
  grouped: boolean;
}

export interface FaceAssignment {
  faceId: number;
  /** null unassigns. */
  personId: number | null;
}

/** Where a face stood before a user's action: what undoing the action puts back. */
export interface FacePlacement {
  faceId: number;
  personId: number | null;
  isUserVerified: boolean;
  isRejected: boolean;
}

export interface ThumbnailUpdate {
  faceId: number;
  /** Where the thumbnail now lives (local path or blob name): Faces.ThumbnailPath. */
  thumbnailPath: string;
  /** Faces.Name, written only where it is empty (the replaced system's own names stay). */
  thumbnailName: string;
}

/** Embeddings kept from other models (FrsOldEmbeddings), per model. */
export interface OldEmbeddingCount {
  model: string;
  dimensions: number;
  faces: number;
}

export interface FaceOps {
  /**
   * Faces with no embedding from `model` (none at all, or one from another/unknown model),
   * except those whose embedding with `model` failed (markEmbeddingFailed).
   */
  facesWithoutEmbedding(model: string, limit: number): Promise<FaceToEmbed[]>;
  /** Records that these faces cannot be embedded with `model`, so later runs move past them. */
  markEmbeddingFailed(faceIds: number[], model: string, error: string): Promise<number>;
  /**
   * Stores embeddings; a face with a new embedding counts as not grouped yet. An embedding it
   * replaces that came from another model (or from no known model: the replaced system's) is
   * kept in FrsOldEmbeddings with its model name, until removeOldEmbeddings.
   */
  setEmbeddings(updates: EmbeddingUpdate[]): Promise<number>;
  /** Every face with an embedding from `model`, verified or not, with its person, rejected ones excepted; in id order. */
  facesForGrouping(model: string): Promise<GroupingFace[]>;
  /**
   * A value that changes whenever the input of a regroup changes (faces added, removed, moved,
   * verified, grouped or embedded; persons added or removed). Equal values: nothing a regroup reads changed.
   * With `holdForWrite` inside a transaction, no other writer can change Faces or Persons until it
   * ends, so "check the fingerprint, then write" is atomic (SQLite: BEGIN IMMEDIATE already does
   * that; SQL Server: exclusive table locks held to the end of the transaction).
   */
  groupingFingerprint(model: string, options?: { holdForWrite?: boolean }): Promise<string>;
  /** True when an unverified face has an embedding from `model` that no grouping run has seen yet. */
  hasUngroupedFaces(model: string): Promise<boolean>;
  /** Records that a grouping run has seen these faces (sets Faces.GroupedAt). Returns faces changed. */
  markFacesGrouped(faceIds: number[]): Promise<number>;
  /** Sets PersonId; user-verified faces are never changed. Returns faces changed. */
  assignFaces(assignments: FaceAssignment[]): Promise<number>;
  /** A user's decision: sets PersonId and IsUserVerified = 1. */
  verifyFaces(assignments: FaceAssignment[]): Promise<number>;

  /** Faces by id with photo and person (unknown ids are left out), in id order. */
  getFaces(faceIds: number[]): Promise<FaceDetail[]>;
  /**
   * The user put these faces into `personId`: verified, no longer rejected, and a cannot-link to
   * that person is lifted. Returns faces changed.
   */
  moveFaces(faceIds: number[], personId: number): Promise<number>;
  /** "Not this person": unassigns the faces, unverified, each recorded as cannot-link to the person it left. */
  unassignFaces(faceIds: number[]): Promise<number>;
  /** Confirms the faces in the person they are in now (IsUserVerified = 1); unassigned faces are left alone. */
  confirmFaces(faceIds: number[]): Promise<number>;
  /** Not a face: leaves its person and grouping for good (IsRejected = 1, verified as such). */
  rejectFaces(faceIds: number[]): Promise<number>;
  /**
   * Undo: puts faces back where they stood (person, verified, rejected); a cannot-link between a
   * face and the person it returns to is lifted. Returns faces changed.
   */
  restoreFaces(placements: FacePlacement[]): Promise<number>;
  /** Every cannot-link pair, for the regroup. */
  cannotLinks(): Promise<CannotLink[]>;
  /** Faces in no person and not rejected, with an embedding from `model`, in id order. */
  unassignedFaces(model: string, page: PageRequest): Promise<Page<FaceDetail>>;
  /** Faces with a box and (onlyMissing) no thumbnail, with Id > afterId, in id order. */
  facesNeedingThumbnails(onlyMissing: boolean, afterId: number, limit: number): Promise<FaceToEmbed[]>;
  setThumbnails(updates: ThumbnailUpdate[]): Promise<number>;
  oldEmbeddingCounts(): Promise<OldEmbeddingCount[]>;
  /** Deletes kept embeddings (of one model, or all); returns how many. */
  removeOldEmbeddings(model?: string): Promise<number>;
}

/** What each operation is doing, for DATABASE_ERROR messages ("Database error while ..."). */
export const faceActions: ActionLabels<FaceOps> = {
  facesWithoutEmbedding: 'listing faces to embed',
  markEmbeddingFailed: 'recording faces that could not be embedded',
  setEmbeddings: 'saving embeddings',
  facesForGrouping: 'reading faces to group',
  groupingFingerprint: 'reading the grouping fingerprint',
  hasUngroupedFaces: 'looking for faces not grouped yet',
  markFacesGrouped: 'marking faces grouped',
  assignFaces: 'assigning faces',
  verifyFaces: 'verifying faces',
  getFaces: 'reading faces',
  moveFaces: 'moving faces',
  unassignFaces: 'unassigning faces',
  confirmFaces: 'confirming faces',
  rejectFaces: 'rejecting faces',
  restoreFaces: 'putting faces back',
  cannotLinks: 'reading cannot-link pairs',
  unassignedFaces: 'listing unassigned faces',
  facesNeedingThumbnails: 'listing faces without thumbnails',
  setThumbnails: 'saving thumbnail paths',
  oldEmbeddingCounts: 'counting kept embeddings',
  removeOldEmbeddings: 'removing kept embeddings',
};
