/** Embeddings of other models kept in FrsOldEmbeddings, and the thumbnails of faces that have none (SQLite). */
import type Database from 'better-sqlite3';
import type { FaceToEmbed, OldEmbeddingCount, ThumbnailUpdate } from '../repository.js';
import { assertFits } from '../legacy-limits.js';
import { num, type Row, faceToEmbedFromRow } from '../row-mappers.js';
import { facesNeedingThumbnailsWhere, UNKNOWN_MODEL_NAME } from '../shared-queries.js';
import { nowIso, sql } from './sqlite-statements.js';

type Db = Database.Database;

/**
 * Copies the embeddings of the faces matching `where` (a condition on Faces with named
 * parameters) that did not come from `model` into FrsOldEmbeddings; one row per face and
 * model, the first one kept. Runs inside the caller's transaction, before the overwrite.
 */
export function archiveEmbeddings(db: Db, where: string, params: Record<string, unknown>, model: string | null): void {
  sql(
    db,
    `INSERT OR IGNORE INTO FrsOldEmbeddings (FaceId, MediaItemId, BoundingBox, Model, Dimensions, Embedding, SavedAt)
    SELECT Id, MediaItemId, BoundingBox, COALESCE(EmbeddingModel, '${UNKNOWN_MODEL_NAME}'), length(Embedding) / 4, Embedding, @savedAt
    FROM Faces WHERE Embedding IS NOT NULL AND (EmbeddingModel IS NULL OR (@model IS NOT NULL AND EmbeddingModel <> @model))
      AND ${where}`,
  ).run({ ...params, model, savedAt: nowIso() });
}

export function facesNeedingThumbnails(db: Db, onlyMissing: boolean, afterId: number, limit: number): FaceToEmbed[] {
  const rows = sql(
    db,
    `SELECT f.Id, f.MediaItemId, i.MediaFileId, m.FilePath, f.BoundingBox, f.Landmarks, f.Name, f.ThumbnailPath, f.FrameNumber
    FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId JOIN MediaFile m ON m.Id = i.MediaFileId
    WHERE ${facesNeedingThumbnailsWhere(onlyMissing)} ORDER BY f.Id LIMIT @limit`,
  ).all({ after: afterId, limit }) as Row[];
  return rows.map(faceToEmbedFromRow);
}

export function setThumbnails(db: Db, updates: ThumbnailUpdate[]): number {
  for (const u of updates) assertFits('Faces.Name', u.thumbnailName);
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const u of updates) {
      changed += sql(
        db,
        `UPDATE Faces SET ThumbnailPath = @path, Name = CASE WHEN COALESCE(Name, '') = '' THEN @name ELSE Name END, ModifiedAt = @now
        WHERE Id = @id`,
      ).run({ id: u.faceId, path: u.thumbnailPath, name: u.thumbnailName, now }).changes;
    }
    return changed;
  })();
}

export function oldEmbeddingCounts(db: Db): OldEmbeddingCount[] {
  const rows = sql(
    db,
    'SELECT Model, Dimensions, COUNT(*) AS N FROM FrsOldEmbeddings GROUP BY Model, Dimensions ORDER BY Model, Dimensions',
  ).all() as Row[];
  return rows.map((r) => ({ model: String(r.Model), dimensions: num(r.Dimensions), faces: num(r.N) }));
}

export function removeOldEmbeddings(db: Db, model?: string): number {
  return sql(db, 'DELETE FROM FrsOldEmbeddings WHERE @model IS NULL OR Model = @model').run({ model: model ?? null })
    .changes;
}
