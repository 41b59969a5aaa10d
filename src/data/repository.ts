/**
 * The one data-access contract of FRS. Two adapters implement it: SQLite (embedded default)
 * and SQL Server / Azure SQL. Both work on the tables of the tool FRS replaces (MediaFile,
 * MediaItems, Faces, Persons) plus the columns and Frs* tables FRS adds by migration.
 * Every method is async and every failure surfaces as FrsError('DATABASE_ERROR').
 */

/** [x1, y1, x2, y2] in pixels of the original, stored as JSON in Faces.BoundingBox. */
export type BoundingBox = [number, number, number, number];
export type Point = [number, number];

export type MediaItemStatus = 'pending' | 'processing' | 'done' | 'failed';
export type RequestStatus = 'queued' | 'running' | 'done' | 'failed';

export interface RegisterMediaFileInput {
  filePath: string;
  fileName: string;
  /** Stored in MediaFile.Extensions, e.g. '.jpg'. */
  extension: string;
  contentHash?: string | null;
}

export interface RegisteredMediaFile {
  mediaFileId: number;
  mediaItemId: number;
  /** False when the path was already registered (the existing ids are returned). */
  created: boolean;
}

export interface ClaimedItem {
  id: number;
  mediaFileId: number;
  filePath: string;
  fileName: string | null;
  /** Claims so far, this one included. */
  attempts: number;
}

export interface MediaItemState {
  id: number;
  mediaFileId: number;
  status: MediaItemStatus;
  attempts: number;
  lastError: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  facesExtractedOn: string | null;
}

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

export interface NewPerson {
  name?: string | null;
  rank?: string | null;
  appointment?: string | null;
  type?: string | null;
}

export interface PortraitUpdate {
  personId: number;
  faceId: number | null;
  mediaFileId: number | null;
}

export interface PersonSummary {
  id: number;
  name: string | null;
  rank: string | null;
  appointment: string | null;
  type: string | null;
  faceCount: number;
  verifiedFaceCount: number;
  portraitFaceId: number | null;
  portraitMediaFileId: number | null;
  portraitThumbnailName: string | null;
  portraitThumbnailPath: string | null;
}

export interface PersonDetail extends PersonSummary {
  faces: FaceRecord[];
}

export interface TidyResult {
  portraitsCleared: number;
  personsDeleted: number;
}

export interface FrsRequest {
  id: number;
  kind: string;
  status: RequestStatus;
  payload: unknown;
  result: unknown;
  requestedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface EnqueueOptions {
  payload?: unknown;
  /** Return the id of an already queued request of the same kind instead of adding one. */
  dedupe?: boolean;
}

export interface RepositoryStats {
  mediaFiles: number;
  items: Record<MediaItemStatus, number>;
  faces: number;
  facesWithEmbedding: number;
  unassignedFaces: number;
  verifiedFaces: number;
  persons: number;
  queuedRequests: number;
}

/** Everything except lifecycle; what a transaction callback receives. */
export interface RepositoryOps {
  /** Idempotent by FilePath: the same path again returns the same ids and created=false. */
  registerMediaFile(input: RegisterMediaFileInput): Promise<RegisteredMediaFile>;
  getMediaItem(id: number): Promise<MediaItemState | null>;
  /**
   * Atomically leases up to `limit` items that are pending, or processing with an expired
   * lease, and have fewer than maxAttempts claims; each claim counts as an attempt. Items that
   * ran out of attempts in that state are marked failed. Two callers never get the same item.
   * With onlyItemId, claims that one item if it is claimable (the blob trigger's path).
   */
  claimPendingItems(owner: string, limit: number, leaseSeconds: number, maxAttempts: number, onlyItemId?: number): Promise<ClaimedItem[]>;
  /** Extends a lease still held by owner; false when it was lost. */
  renewLease(itemId: number, owner: string, leaseSeconds: number): Promise<boolean>;
  /**
   * All or nothing: replaces the item's unverified faces with `faces`, marks it done and
   * clears the lease. False (and nothing written) when owner no longer holds the lease.
   */
  completeItem(itemId: number, owner: string, faces: NewFace[]): Promise<boolean>;
  /**
   * Back to pending (claimable again after retryDelaySeconds), or failed for good once attempts
   * reached maxAttempts; null when not owned.
   */
  failItem(itemId: number, owner: string, error: string, maxAttempts: number, retryDelaySeconds?: number): Promise<'pending' | 'failed' | null>;
  /** Failed items back to pending with attempts reset; returns how many. */
  retryFailedItems(): Promise<number>;
  facesOfItem(itemId: number): Promise<FaceRecord[]>;

  /** Faces with no embedding from `model` (none at all, or one from another/unknown model). */
  facesWithoutEmbedding(model: string, limit: number): Promise<FaceToEmbed[]>;
  /** Stores embeddings; a face with a new embedding counts as not grouped yet. */
  setEmbeddings(updates: EmbeddingUpdate[]): Promise<number>;
  /** Every face with an embedding from `model`, verified or not, with its person; in id order. */
  facesForGrouping(model: string): Promise<GroupingFace[]>;
  /**
   * A value that changes whenever the input of a regroup changes (faces added, removed, moved,
   * verified, grouped or embedded; persons added or removed). Equal values: nothing a regroup reads changed.
   */
  groupingFingerprint(model: string): Promise<string>;
  /** True when an unverified face has an embedding from `model` that no grouping run has seen yet. */
  hasUngroupedFaces(model: string): Promise<boolean>;
  /** Records that a grouping run has seen these faces (sets Faces.GroupedAt). Returns faces changed. */
  markFacesGrouped(faceIds: number[]): Promise<number>;
  /** Sets PersonId; user-verified faces are never changed. Returns faces changed. */
  assignFaces(assignments: FaceAssignment[]): Promise<number>;
  /** A user's decision: sets PersonId and IsUserVerified = 1. */
  verifyFaces(assignments: FaceAssignment[]): Promise<number>;
  /**
   * After faces moved, among `personIds`: clears portraits that no longer show their person and
   * deletes persons left with no faces and no user-entered Name, Rank or Appointment.
   */
  tidyPersons(personIds: number[]): Promise<TidyResult>;
  /** Creates `n` unnamed persons, or one per entry; ids in input order. */
  createPersons(persons: number | NewPerson[]): Promise<number[]>;
  setPortraits(updates: PortraitUpdate[]): Promise<number>;
  /** Persons with face counts and portrait, most faces first. */
  listPersons(): Promise<PersonSummary[]>;
  getPerson(id: number): Promise<PersonDetail | null>;

  /** Takes a named lock if free, expired or already owner's (then renews it). */
  acquireLock(name: string, owner: string, ttlSeconds: number): Promise<boolean>;
  releaseLock(name: string, owner: string): Promise<boolean>;
  enqueueRequest(kind: string, options?: EnqueueOptions): Promise<number>;
  /** Atomically moves the oldest queued request of `kind` to running. */
  takeRequest(kind: string): Promise<FrsRequest | null>;
  finishRequest(id: number, status: 'done' | 'failed', result?: unknown): Promise<boolean>;
  getRequest(id: number): Promise<FrsRequest | null>;

  stats(): Promise<RepositoryStats>;
}

export interface Repository extends RepositoryOps {
  readonly kind: 'sqlite' | 'mssql';
  /**
   * Runs fn atomically: everything done through `tx` commits together or, when fn throws,
   * not at all. Keep fn short (compute first, then write): it holds the database's write lock.
   */
  transaction<T>(fn: (tx: RepositoryOps) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
