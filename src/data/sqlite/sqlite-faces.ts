/** Embeddings, clustering inputs, face assignment (SQLite). */
import type Database from 'better-sqlite3';
import { encodeEmbedding } from '../embedding-codec.js';
import type { EmbeddingUpdate, FaceAssignment, FaceToEmbed, GroupingFace } from '../repository.js';
import { groupingFaceFromRow, num, numOrNull, parseBox, parseLandmarks, strOrNull, type Row } from '../row-mappers.js';
import { FACES_FOR_GROUPING_SQL, GROUPING_FINGERPRINT_SQL, UNGROUPED_FACES_CONDITION } from '../shared-queries.js';
import { nowIso, sql } from './sqlite-statements.js';

type Db = Database.Database;

export function facesWithoutEmbedding(db: Db, model: string, limit: number): FaceToEmbed[] {
  const rows = sql(
    db,
    `SELECT f.Id, f.MediaItemId, i.MediaFileId, m.FilePath, f.BoundingBox, f.Landmarks, f.Name, f.ThumbnailPath, f.FrameNumber
    FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId JOIN MediaFile m ON m.Id = i.MediaFileId
    WHERE f.Embedding IS NULL OR f.EmbeddingModel IS NULL OR f.EmbeddingModel <> @model
    ORDER BY f.Id LIMIT @limit`,
  ).all({ model, limit }) as Row[];
  return rows.map((r) => ({
    id: num(r.Id),
    mediaItemId: num(r.MediaItemId),
    mediaFileId: num(r.MediaFileId),
    filePath: String(r.FilePath),
    boundingBox: parseBox(r.BoundingBox),
    landmarks: parseLandmarks(r.Landmarks),
    thumbnailName: strOrNull(r.Name),
    thumbnailPath: strOrNull(r.ThumbnailPath),
    frameNumber: numOrNull(r.FrameNumber),
  }));
}

export function setEmbeddings(db: Db, updates: EmbeddingUpdate[]): number {
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const u of updates) {
      changed += sql(
        db,
        'UPDATE Faces SET Embedding = ?, EmbeddingModel = ?, GroupedAt = NULL, ModifiedAt = ? WHERE Id = ?',
      ).run(encodeEmbedding(u.embedding), u.model, now, u.faceId).changes;
    }
    return changed;
  })();
}

export function facesForGrouping(db: Db, model: string): GroupingFace[] {
  return (sql(db, FACES_FOR_GROUPING_SQL).all({ model }) as Row[]).map(groupingFaceFromRow);
}

/** holdForWrite needs nothing here: a transaction is BEGIN IMMEDIATE, which already keeps other writers out. */
export function groupingFingerprint(db: Db, model: string, _options?: { holdForWrite?: boolean }): string {
  return JSON.stringify(sql(db, GROUPING_FINGERPRINT_SQL).get({ model }));
}

export function hasUngroupedFaces(db: Db, model: string): boolean {
  return sql(db, `SELECT 1 FROM Faces WHERE ${UNGROUPED_FACES_CONDITION} LIMIT 1`).get({ model }) !== undefined;
}

export function markFacesGrouped(db: Db, faceIds: number[]): number {
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const id of faceIds) changed += sql(db, 'UPDATE Faces SET GroupedAt = ? WHERE Id = ?').run(now, id).changes;
    return changed;
  })();
}

export function assignFaces(db: Db, assignments: FaceAssignment[]): number {
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const a of assignments) {
      changed += sql(
        db,
        `UPDATE Faces SET PersonId = ?, ModifiedAt = ?
        WHERE Id = ? AND COALESCE(IsUserVerified, 0) = 0 AND PersonId IS NOT ?`,
      ).run(a.personId, now, a.faceId, a.personId).changes;
    }
    return changed;
  })();
}

export function verifyFaces(db: Db, assignments: FaceAssignment[]): number {
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const a of assignments) {
      changed += sql(db, 'UPDATE Faces SET PersonId = ?, IsUserVerified = 1, ModifiedAt = ? WHERE Id = ?').run(
        a.personId,
        now,
        a.faceId,
      ).changes;
    }
    return changed;
  })();
}
