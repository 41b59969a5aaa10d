/** Media registration and the claim → complete / fail life cycle of a media item (SQLite). */
import type Database from 'better-sqlite3';
import { encodeEmbedding } from '../embedding-codec.js';
import type {
  ClaimedItem,
  FaceRecord,
  LeaseReport,
  MediaItemState,
  NewFace,
  Photo,
  RegisteredMediaFile,
  RegisterMediaFileInput,
} from '../repository.js';
import {
  faceDetailFromRow,
  faceFromRow,
  ITEM_COLUMNS,
  itemFromRow,
  jsonOrNull,
  num,
  strOrNull,
  type Row,
} from '../row-mappers.js';
import { assertFits, assertRegistrationFits } from '../legacy-limits.js';
import {
  FACES_OF_ITEM_SQL,
  FACES_OF_PHOTO_SQL,
  PHOTO_COLUMNS,
  PHOTO_FROM,
  REQUEUE_UNEXTRACTED_SQL,
} from '../shared-queries.js';
import { planFaceReplacement } from '../face-replacement.js';
import { archiveEmbeddings } from './sqlite-old-embeddings.js';
import { isoAfter, nowIso, sql } from './sqlite-statements.js';

type Db = Database.Database;

export function registerMediaFile(db: Db, input: RegisterMediaFileInput): RegisteredMediaFile {
  assertRegistrationFits(input);
  // IMMEDIATE: the lookup and the insert happen under the write lock, so the same path
  // registered by two processes at once still yields one row.
  return db
    .transaction((): RegisteredMediaFile => {
      const now = nowIso();
      const existing = sql(db, 'SELECT Id, ContentHash FROM MediaFile WHERE FilePath = ? ORDER BY Id LIMIT 1').get(
        input.filePath,
      ) as Row | undefined;
      let mediaFileId: number;
      if (existing) {
        mediaFileId = num(existing.Id);
        if ((existing.ContentHash === null || existing.ContentHash === undefined) && input.contentHash) {
          sql(db, 'UPDATE MediaFile SET ContentHash = ?, ModifiedAt = ? WHERE Id = ?').run(
            input.contentHash,
            now,
            mediaFileId,
          );
        }
      } else {
        const inserted = sql(
          db,
          `INSERT INTO MediaFile (FilePath, FileName, Extensions, Extension, ContentHash, FileSize, FileModifiedMs, CreatedAt, ModifiedAt)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          input.filePath,
          input.fileName,
          input.extension,
          input.extension,
          input.contentHash ?? null,
          input.fileSize ?? null,
          input.fileModifiedMs ?? null,
          now,
          now,
        );
        mediaFileId = Number(inserted.lastInsertRowid);
      }
      const item = sql(db, 'SELECT Id FROM MediaItems WHERE MediaFileId = ? ORDER BY Id LIMIT 1').get(mediaFileId) as
        Row | undefined;
      if (item) return { mediaFileId, mediaItemId: num(item.Id), created: false };
      // A copy is done from the start: its faces are those of the item it duplicates.
      const copyOf = input.duplicateOfItemId ?? null;
      const insertedItem = sql(
        db,
        `INSERT INTO MediaItems (MediaFileId, Name, IsFacesExtracted, FacesExtractedOn, Status, Attempts, DuplicateOfItemId)
        VALUES (@file, @name, @copy IS NOT NULL, CASE WHEN @copy IS NULL THEN NULL ELSE @now END,
          CASE WHEN @copy IS NULL THEN 'pending' ELSE 'done' END, 0, @copy)`,
      ).run({ file: mediaFileId, name: input.fileName, copy: copyOf, now });
      return { mediaFileId, mediaItemId: Number(insertedItem.lastInsertRowid), created: !existing };
    })
    .immediate();
}

export function getMediaItem(db: Db, id: number): MediaItemState | null {
  const row = sql(db, `SELECT ${ITEM_COLUMNS} FROM MediaItems WHERE Id = ?`).get(id) as Row | undefined;
  return row ? itemFromRow(row) : null;
}

// A pending item's LeaseExpiresAt, when set, is the earliest retry time after a failure.
const CLAIMABLE = `((Status = 'pending' AND (LeaseExpiresAt IS NULL OR LeaseExpiresAt <= @now)) OR (Status = 'processing' AND LeaseExpiresAt <= @now))`;

export function claimPendingItems(
  db: Db,
  owner: string,
  limit: number,
  leaseSeconds: number,
  maxAttempts: number,
  onlyItemId?: number,
): ClaimedItem[] {
  return db
    .transaction((): ClaimedItem[] => {
      const now = nowIso();
      // Another application set IsFacesExtracted back to 0 on a finished item: queue it again.
      sql(db, REQUEUE_UNEXTRACTED_SQL).run();
      const claimed = sql(
        db,
        `UPDATE MediaItems SET Status = 'processing', LeaseOwner = @owner, LeaseExpiresAt = @expires
        WHERE Id IN (SELECT Id FROM MediaItems WHERE ${CLAIMABLE} AND Attempts < @max AND (@only IS NULL OR Id = @only) ORDER BY Id LIMIT @limit)
        RETURNING Id`,
      ).all({
        now,
        max: maxAttempts,
        owner,
        expires: isoAfter(leaseSeconds),
        limit,
        only: onlyItemId ?? null,
      }) as Row[];
      if (claimed.length === 0) return [];
      const ids = JSON.stringify(claimed.map((r) => num(r.Id)));
      const rows = sql(
        db,
        `SELECT i.Id, i.MediaFileId, i.Attempts, m.FilePath, m.FileName
        FROM MediaItems i JOIN MediaFile m ON m.Id = i.MediaFileId
        WHERE i.Id IN (SELECT value FROM json_each(?)) ORDER BY i.Id`,
      ).all(ids) as Row[];
      return rows.map((r) => ({
        id: num(r.Id),
        mediaFileId: num(r.MediaFileId),
        filePath: String(r.FilePath),
        fileName: strOrNull(r.FileName),
        attempts: num(r.Attempts),
      }));
    })
    .immediate();
}

export function startItem(db: Db, itemId: number, owner: string, leaseSeconds: number): number | null {
  const row = sql(
    db,
    `UPDATE MediaItems SET Attempts = Attempts + 1, LeaseExpiresAt = ?
    WHERE Id = ? AND Status = 'processing' AND LeaseOwner = ? RETURNING Attempts`,
  ).get(isoAfter(leaseSeconds), itemId, owner) as Row | undefined;
  return row ? num(row.Attempts) : null;
}

export function failAbandonedItems(db: Db, maxAttempts: number): number {
  return sql(
    db,
    `UPDATE MediaItems SET Status = 'failed', LeaseOwner = NULL, LeaseExpiresAt = NULL,
      LastError = 'gave up: the worker stopped (crash, out of memory or timeout) during each of ' || Attempts || ' attempt(s)'
    WHERE Status = 'processing' AND LeaseExpiresAt <= @now AND Attempts >= @max`,
  ).run({ now: nowIso(), max: maxAttempts }).changes;
}

export function leaseReport(db: Db): LeaseReport {
  const now = nowIso();
  const row = sql(
    db,
    `SELECT SUM(CASE WHEN LeaseExpiresAt > @now THEN 1 ELSE 0 END) AS Active,
      SUM(CASE WHEN LeaseExpiresAt <= @now THEN 1 ELSE 0 END) AS Stuck,
      MIN(CASE WHEN LeaseExpiresAt <= @now THEN LeaseExpiresAt END) AS Oldest
    FROM MediaItems WHERE Status = 'processing'`,
  ).get({ now }) as Row;
  const oldest = strOrNull(row.Oldest);
  return {
    active: num(row.Active ?? 0),
    stuck: num(row.Stuck ?? 0),
    oldestStuckSeconds: oldest ? Math.max(0, Math.round((Date.parse(now) - Date.parse(oldest)) / 1000)) : null,
  };
}

export function renewLease(db: Db, itemId: number, owner: string, leaseSeconds: number): boolean {
  const result = sql(
    db,
    `UPDATE MediaItems SET LeaseExpiresAt = ? WHERE Id = ? AND Status = 'processing' AND LeaseOwner = ?`,
  ).run(isoAfter(leaseSeconds), itemId, owner);
  return result.changes === 1;
}

function ownsLease(db: Db, itemId: number, owner: string): boolean {
  const row = sql(db, 'SELECT Status, LeaseOwner FROM MediaItems WHERE Id = ?').get(itemId) as Row | undefined;
  return row !== undefined && row.Status === 'processing' && row.LeaseOwner === owner;
}

const INSERT_FACE = `INSERT INTO Faces (MediaItemId, PersonId, BoundingBox, Embedding, FrameNumber, Name, IsUserVerified, CreatedAt, ModifiedAt,
  DetectorScore, Landmarks, ThumbnailPath, EmbeddingModel, Sharpness, Quality)
  VALUES (@item, NULL, @box, @embedding, @frame, @name, 0, @now, @now, @score, @landmarks, @thumbnailPath, @model, @sharpness, @quality)`;

export function insertFace(db: Db, itemId: number, face: NewFace, now: string): void {
  sql(db, INSERT_FACE).run({ ...faceParams(face), item: itemId, now });
}

function faceParams(face: NewFace) {
  const box = JSON.stringify(face.boundingBox);
  assertFits('Faces.BoundingBox', box);
  assertFits('Faces.Name', face.thumbnailName);
  return {
    box,
    embedding: face.embedding ? encodeEmbedding(face.embedding) : null,
    frame: face.frameNumber ?? null,
    name: face.thumbnailName ?? null,
    score: face.detectorScore,
    landmarks: jsonOrNull(face.landmarks),
    thumbnailPath: face.thumbnailPath ?? null,
    model: face.embedding ? (face.embeddingModel ?? null) : null,
    sharpness: face.sharpness ?? null,
    quality: face.quality ?? null,
  };
}

/** The same face seen again: new geometry, thumbnail and embedding; person and verification kept. */
function updateFace(db: Db, faceId: number, face: NewFace, now: string): void {
  sql(
    db,
    `UPDATE Faces SET BoundingBox = @box, Embedding = @embedding, FrameNumber = @frame, Name = @name, ModifiedAt = @now,
      DetectorScore = @score, Landmarks = @landmarks, ThumbnailPath = @thumbnailPath, EmbeddingModel = @model,
      Sharpness = @sharpness, Quality = @quality, GroupedAt = NULL, EmbeddingFailedModel = NULL, EmbeddingError = NULL
    WHERE Id = @id`,
  ).run({ ...faceParams(face), now, id: faceId });
}

export function completeItem(db: Db, itemId: number, owner: string, faces: NewFace[]): boolean {
  return db
    .transaction((): boolean => {
      if (!ownsLease(db, itemId, owner)) return false;
      const now = nowIso();
      const plan = planFaceReplacement(facesOfItem(db, itemId), faces);
      // Embeddings of another model than the new faces' are kept before faces go or are overwritten.
      const model = faces.find((f) => f.embedding && f.embeddingModel)?.embeddingModel ?? null;
      const replaced = [...plan.deletes, ...plan.updates.values()];
      archiveEmbeddings(db, 'Id IN (SELECT value FROM json_each(@ids))', { ids: JSON.stringify(replaced) }, model);
      for (const id of plan.deletes) {
        sql(
          db,
          'UPDATE Persons SET PortraitFaceId = NULL, PortraitMediaFileId = NULL, IsPortraitChosen = 0 WHERE PortraitFaceId = ?',
        ).run(id);
        // The component the face was in must be regrouped without it (grouping index, migration 11).
        sql(
          db,
          'INSERT OR IGNORE INTO FrsGroupingDirty (FaceId) SELECT FaceId FROM FrsGroupingMembers WHERE FaceId = ?',
        ).run(id);
        sql(db, 'DELETE FROM Faces WHERE Id = ?').run(id);
      }
      for (const [i, face] of faces.entries()) {
        const same = plan.updates.get(i);
        if (same === undefined) insertFace(db, itemId, face, now);
        else updateFace(db, same, face, now);
      }
      sql(
        db,
        `UPDATE MediaItems SET Status = 'done', IsFacesExtracted = 1, FacesExtractedOn = ?, LeaseOwner = NULL, LeaseExpiresAt = NULL, LastError = NULL
        WHERE Id = ?`,
      ).run(now, itemId);
      return true;
    })
    .immediate();
}

export function failItem(
  db: Db,
  itemId: number,
  owner: string,
  error: string,
  maxAttempts: number,
  retryDelaySeconds = 0,
): 'pending' | 'failed' | null {
  return db
    .transaction((): 'pending' | 'failed' | null => {
      if (!ownsLease(db, itemId, owner)) return null;
      const row = sql(
        db,
        `UPDATE MediaItems SET Status = CASE WHEN Attempts >= @max THEN 'failed' ELSE 'pending' END,
          LastError = @error, LeaseOwner = NULL,
          LeaseExpiresAt = CASE WHEN Attempts >= @max OR @delay <= 0 THEN NULL ELSE @retryAt END
        WHERE Id = @id RETURNING Status`,
      ).get({
        max: maxAttempts,
        error,
        id: itemId,
        delay: retryDelaySeconds,
        retryAt: isoAfter(retryDelaySeconds),
      }) as Row;
      return row.Status as 'pending' | 'failed';
    })
    .immediate();
}

export function retryFailedItems(db: Db): number {
  return db
    .transaction((): number => {
      sql(
        db,
        'UPDATE Faces SET EmbeddingFailedModel = NULL, EmbeddingError = NULL WHERE EmbeddingFailedModel IS NOT NULL',
      ).run();
      return sql(
        db,
        `UPDATE MediaItems SET Status = 'pending', Attempts = 0, LeaseOwner = NULL, LeaseExpiresAt = NULL WHERE Status = 'failed'`,
      ).run().changes;
    })
    .immediate();
}

export function facesOfItem(db: Db, itemId: number): FaceRecord[] {
  return (sql(db, FACES_OF_ITEM_SQL).all({ id: itemId }) as Row[]).map(faceFromRow);
}

export function photo(db: Db, ref: { itemId: number } | { filePath: string }): Photo | null {
  const row = (
    'itemId' in ref
      ? sql(db, `SELECT ${PHOTO_COLUMNS} ${PHOTO_FROM} WHERE i.Id = ?`).get(ref.itemId)
      : sql(db, `SELECT ${PHOTO_COLUMNS} ${PHOTO_FROM} WHERE m.FilePath = ? ORDER BY i.Id LIMIT 1`).get(ref.filePath)
  ) as Row | undefined;
  if (!row) return null;
  const itemId = num(row.ItemId);
  return {
    itemId,
    mediaFileId: num(row.MediaFileId),
    fileName: strOrNull(row.FileName),
    filePath: String(row.FilePath),
    faces: (sql(db, FACES_OF_PHOTO_SQL).all({ id: itemId }) as Row[]).map(faceDetailFromRow),
  };
}

/** Not while another worker holds a live lease on it. */
const REQUEUEABLE = `NOT (Status = 'processing' AND LeaseExpiresAt > @now)`;
const REQUEUE_SET = `Status = 'pending', Attempts = 0, IsFacesExtracted = 0, LastError = NULL, LeaseOwner = NULL, LeaseExpiresAt = NULL`;

export function requeueItems(db: Db, itemIds: number[], filePaths: string[]): number[] {
  const rows = sql(
    db,
    `UPDATE MediaItems SET ${REQUEUE_SET}
    WHERE ${REQUEUEABLE} AND (Id IN (SELECT value FROM json_each(@ids))
      OR MediaFileId IN (SELECT Id FROM MediaFile WHERE FilePath IN (SELECT value FROM json_each(@paths))))
    RETURNING Id`,
  ).all({ now: nowIso(), ids: JSON.stringify(itemIds), paths: JSON.stringify(filePaths) }) as Row[];
  return rows.map((r) => num(r.Id)).sort((a, b) => a - b);
}

export function requeueItemsWithoutFaces(db: Db): number[] {
  const rows = sql(
    db,
    `UPDATE MediaItems SET ${REQUEUE_SET}
    WHERE (Status = 'done' OR IsFacesExtracted = 1) AND ${REQUEUEABLE}
      AND NOT EXISTS (SELECT 1 FROM Faces f WHERE f.MediaItemId = MediaItems.Id)
    RETURNING Id`,
  ).all({ now: nowIso() }) as Row[];
  return rows.map((r) => num(r.Id)).sort((a, b) => a - b);
}
