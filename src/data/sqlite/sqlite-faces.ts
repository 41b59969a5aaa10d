/** Embeddings, clustering inputs, face assignment (SQLite). */
import type Database from 'better-sqlite3';
import { encodeEmbedding } from '../embedding-codec.js';
import type {
  CannotLink,
  EmbeddingUpdate,
  FaceAssignment,
  FaceDetail,
  FacePlacement,
  FaceToEmbed,
  GroupingFace,
  Page,
  PageRequest,
} from '../repository.js';
import {
  faceDetailFromRow,
  groupingFaceFromRow,
  num,
  pageFromRows,
  type Row,
  faceToEmbedFromRow,
} from '../row-mappers.js';
import {
  CANNOT_LINKS_SQL,
  FACES_FOR_GROUPING_SQL,
  faceDetailsWhere,
  GROUPING_FINGERPRINT_SQL,
  NOT_EMBEDDED_BY_MODEL_IDS,
  UNASSIGNED_FACES_PAGE,
  UNGROUPED_FACES_CONDITION,
} from '../shared-queries.js';
import { archiveEmbeddings } from './sqlite-old-embeddings.js';
import { JSON_BATCH, positionsById } from './sqlite-bulk.js';
import { nowIso, sql } from './sqlite-statements.js';

type Db = Database.Database;

export function facesWithoutEmbedding(db: Db, model: string, limit: number): FaceToEmbed[] {
  const rows = sql(
    db,
    `SELECT f.Id, f.MediaItemId, i.MediaFileId, m.FilePath, f.BoundingBox, f.Landmarks, f.Name, f.ThumbnailPath, f.FrameNumber, f.DetectorScore
    FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId JOIN MediaFile m ON m.Id = i.MediaFileId
    WHERE f.Id IN (${NOT_EMBEDDED_BY_MODEL_IDS})
      AND (f.EmbeddingFailedModel IS NULL OR f.EmbeddingFailedModel <> @model)
    ORDER BY f.Id LIMIT @limit`,
  ).all({ model, limit }) as Row[];
  return rows.map(faceToEmbedFromRow);
}

export function markEmbeddingFailed(db: Db, faceIds: number[], model: string, error: string): number {
  if (faceIds.length === 0) return 0;
  return sql(
    db,
    `UPDATE Faces SET EmbeddingFailedModel = @model, EmbeddingError = @error, ModifiedAt = @now
    WHERE Id IN (SELECT value FROM json_each(@ids))`,
  ).run({ model, error, now: nowIso(), ids: JSON.stringify(faceIds) }).changes;
}

export function setEmbeddings(db: Db, updates: EmbeddingUpdate[]): number {
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const u of updates) {
      archiveEmbeddings(db, 'Id = @id', { id: u.faceId }, u.model);
      changed += sql(
        db,
        `UPDATE Faces SET Embedding = @embedding, EmbeddingModel = @model, GroupedAt = NULL, ModifiedAt = @now,
          Sharpness = COALESCE(@sharpness, Sharpness), Quality = COALESCE(@quality, Quality)
        WHERE Id = @id`,
      ).run({
        embedding: encodeEmbedding(u.embedding),
        model: u.model,
        now,
        sharpness: u.sharpness ?? null,
        quality: u.quality ?? null,
        id: u.faceId,
      }).changes;
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

/** One UPDATE per batch of ids (sqlite-bulk.ts), in id order: a first recluster marks every face of the library. */
export function markFacesGrouped(db: Db, faceIds: number[]): number {
  return db.transaction((): number => {
    const now = nowIso();
    const sorted = Float64Array.from(faceIds).sort();
    let changed = 0;
    for (let at = 0; at < sorted.length; at += JSON_BATCH) {
      const ids = JSON.stringify(Array.from(sorted.subarray(at, at + JSON_BATCH)));
      changed += sql(db, 'UPDATE Faces SET GroupedAt = ? WHERE Id IN (SELECT value FROM json_each(?))').run(
        now,
        ids,
      ).changes;
    }
    return changed;
  })();
}

/**
 * One UPDATE per batch joined with its assignments as JSON, not one statement per face: a full
 * recluster of 100k faces assigns them all, and per-face statements took about twice as long
 * (the indexes on PersonId and the person-count trigger still run per row). Callers list each
 * face once; one listed twice takes its last assignment.
 */
export function assignFaces(db: Db, assignments: FaceAssignment[]): number {
  // In face-id order (sqlite-bulk.ts); of a face listed twice, the later listing is kept.
  const faceIds = Float64Array.from(assignments, (a) => a.faceId);
  const byFace = positionsById(faceIds);
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    const batch: [number, number | null][] = [];
    const flush = () => {
      changed += sql(
        db,
        `UPDATE Faces SET PersonId = j.PersonId, ModifiedAt = ?
        FROM (SELECT value ->> 0 AS FaceId, value ->> 1 AS PersonId FROM json_each(?)) AS j
        WHERE Faces.Id = j.FaceId AND COALESCE(Faces.IsUserVerified, 0) = 0 AND Faces.PersonId IS NOT j.PersonId`,
      ).run(now, JSON.stringify(batch)).changes;
      batch.length = 0;
    };
    for (let k = 0; k < byFace.length; k++) {
      const at = byFace[k];
      if (k + 1 < byFace.length && faceIds[byFace[k + 1]] === faceIds[at]) continue; // listed again later
      batch.push([faceIds[at], assignments[at].personId]);
      if (batch.length === JSON_BATCH) flush();
    }
    if (batch.length > 0) flush();
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

export function getFaces(db: Db, faceIds: number[]): FaceDetail[] {
  const found = new Map<number, FaceDetail>();
  for (const id of new Set(faceIds)) {
    const row = sql(db, faceDetailsWhere('f.Id = ?')).get(id) as Row | undefined;
    if (row) found.set(id, faceDetailFromRow(row));
  }
  return [...found.values()].sort((a, b) => a.id - b.id);
}

/** Runs `statement` once per face id in one transaction; returns rows changed. */
function perFace(db: Db, faceIds: number[], statement: (id: number, now: string) => number): number {
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const id of new Set(faceIds)) changed += statement(id, now);
    return changed;
  })();
}

export function moveFaces(db: Db, faceIds: number[], personId: number): number {
  return perFace(db, faceIds, (id, now) => {
    sql(db, 'DELETE FROM FrsCannotLink WHERE FaceId = ? AND PersonId = ?').run(id, personId);
    return sql(
      db,
      'UPDATE Faces SET PersonId = ?, IsUserVerified = 1, IsRejected = 0, ModifiedAt = ? WHERE Id = ?',
    ).run(personId, now, id).changes;
  });
}

export function unassignFaces(db: Db, faceIds: number[]): number {
  return perFace(db, faceIds, (id, now) => {
    sql(
      db,
      `INSERT OR IGNORE INTO FrsCannotLink (FaceId, PersonId, CreatedAt)
      SELECT Id, PersonId, ? FROM Faces WHERE Id = ? AND PersonId IS NOT NULL`,
    ).run(now, id);
    return sql(
      db,
      'UPDATE Faces SET PersonId = NULL, IsUserVerified = 0, ModifiedAt = ? WHERE Id = ? AND PersonId IS NOT NULL',
    ).run(now, id).changes;
  });
}

export function confirmFaces(db: Db, faceIds: number[]): number {
  return perFace(
    db,
    faceIds,
    (id, now) =>
      sql(
        db,
        `UPDATE Faces SET IsUserVerified = 1, ModifiedAt = ?
        WHERE Id = ? AND PersonId IS NOT NULL AND COALESCE(IsUserVerified, 0) = 0`,
      ).run(now, id).changes,
  );
}

export function rejectFaces(db: Db, faceIds: number[]): number {
  return perFace(
    db,
    faceIds,
    (id, now) =>
      sql(
        db,
        `UPDATE Faces SET PersonId = NULL, IsUserVerified = 1, IsRejected = 1, ModifiedAt = ?
        WHERE Id = ? AND COALESCE(IsRejected, 0) = 0`,
      ).run(now, id).changes,
  );
}

export function restoreFaces(db: Db, placements: FacePlacement[]): number {
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const p of placements) {
      if (p.personId !== null)
        sql(db, 'DELETE FROM FrsCannotLink WHERE FaceId = ? AND PersonId = ?').run(p.faceId, p.personId);
      changed += sql(
        db,
        'UPDATE Faces SET PersonId = ?, IsUserVerified = ?, IsRejected = ?, ModifiedAt = ? WHERE Id = ?',
      ).run(p.personId, p.isUserVerified ? 1 : 0, p.isRejected ? 1 : 0, now, p.faceId).changes;
    }
    return changed;
  })();
}

export function cannotLinks(db: Db): CannotLink[] {
  return (sql(db, CANNOT_LINKS_SQL).all() as Row[]).map((r) => ({ faceId: num(r.FaceId), personId: num(r.PersonId) }));
}

export function unassignedFaces(db: Db, model: string, page: PageRequest): Promise<Page<FaceDetail>> {
  const params = { model, offset: page.offset, limit: page.limit };
  const rows = sql(db, UNASSIGNED_FACES_PAGE.page).all(params) as Row[];
  return pageFromRows(rows, faceDetailFromRow, page.offset, () =>
    num((sql(db, UNASSIGNED_FACES_PAGE.count).get(params) as Row).N),
  );
}
