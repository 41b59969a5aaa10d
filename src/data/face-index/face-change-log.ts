/**
 * What the face index (face-index.ts) needs from a database: the faces it indexes, and a log of
 * the faces that changed since a position. Each adapter implements it over its own tables
 * (SQLite: `FrsFaceChanges` with an AUTOINCREMENT sequence; SQL Server: `dbo.FrsFaceChanges`
 * ordered by ROWVERSION), both filled by triggers on Faces, so changes made by any writer (FRS in
 * another process, the replaced system's procedures) reach every index.
 */

/** One face as the index sees it. */
export interface IndexedFaceRow {
  id: number;
  embedding: Uint8Array | null;
  model: string | null;
  isRejected: boolean;
}

export interface LogBounds {
  /** Changes at positions <= pruned may have been deleted: an index older than this reloads. */
  pruned: number;
  /** Every change at a position <= last is committed (or rolled back): none can appear below it. */
  last: number;
}

export interface FaceChangeLog {
  bounds(): Promise<LogBounds>;
  /** Ids of the faces changed at positions in (after, upTo], each once. */
  changedFaces(after: number, upTo: number): Promise<number[]>;
  /** Deletes the changes at positions <= upTo (housekeeping: may fail; the next save prunes). */
  prune(upTo: number): Promise<void>;
  /** Indexable faces of `model` (an embedding, not rejected) with id > afterId, by id, at most `limit`. */
  facesPage(model: string, afterId: number, limit: number): Promise<IndexedFaceRow[]>;
  /** These faces as they are now (missing ids: deleted). */
  facesById(ids: number[]): Promise<IndexedFaceRow[]>;
  /** Byte length of one stored embedding of `model`, or null when it has none. */
  embeddingBytes(model: string): Promise<number | null>;
}
