/** Media registration and the claim → complete / fail life cycle of a media item (SQLite). */
import type Database from 'better-sqlite3';
import { encodeEmbedding } from '../embedding-codec.js';
import type {
  ClaimedItem,
  FaceRecord,
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
import {
  CLEAR_ITEM_PORTRAITS_SQL,
  FACES_OF_ITEM_SQL,
  FACES_OF_PHOTO_SQL,
  PHOTO_COLUMNS,
  PHOTO_FROM,
} from '../shared-queries.js';
import { isoAfter, nowIso, sql } from './sqlite-statements.js';

type Db = Database.Database;

export function registerMediaFile(db: Db, input: RegisterMediaFileInput): RegisteredMediaFile {
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
          'INSERT INTO MediaFile (FilePath, FileName, Extensions, ContentHash, CreatedAt, ModifiedAt) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(input.filePath, input.fileName, input.extension, input.contentHash ?? null, now, now);
        mediaFileId = Number(inserted.lastInsertRowid);
      }
      const item = sql(db, 'SELECT Id FROM MediaItems WHERE MediaFileId = ? ORDER BY Id LIMIT 1').get(mediaFileId) as
        Row | undefined;
      if (item) return { mediaFileId, mediaItemId: num(item.Id), created: false };
      const insertedItem = sql(
        db,
        `INSERT INTO MediaItems (MediaFileId, Name, IsFacesExtracted, Status, Attempts) VALUES (?, ?, 0, 'pending', 0)`,
      ).run(mediaFileId, input.fileName);
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
      sql(
        db,
        `UPDATE MediaItems SET Status = 'failed', LeaseOwner = NULL, LeaseExpiresAt = NULL,
          LastError = COALESCE(LastError, 'gave up: lease expired after the last attempt')
        WHERE ${CLAIMABLE} AND Attempts >= @max`,
      ).run({ now, max: maxAttempts });
      const claimed = sql(
        db,
        `UPDATE MediaItems SET Status = 'processing', Attempts = Attempts + 1, LeaseOwner = @owner, LeaseExpiresAt = @expires
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
  DetectorScore, Landmarks, ThumbnailPath, EmbeddingModel, Sharpness)
  VALUES (@item, NULL, @box, @embedding, @frame, @name, 0, @now, @now, @score, @landmarks, @thumbnailPath, @model, @sharpness)`;

export function insertFace(db: Db, itemId: number, face: NewFace, now: string): void {
  sql(db, INSERT_FACE).run({
    item: itemId,
    box: JSON.stringify(face.boundingBox),
    embedding: face.embedding ? encodeEmbedding(face.embedding) : null,
    frame: face.frameNumber ?? null,
    name: face.thumbnailName ?? null,
    now,
    score: face.detectorScore,
    landmarks: jsonOrNull(face.landmarks),
    thumbnailPath: face.thumbnailPath ?? null,
    model: face.embedding ? (face.embeddingModel ?? null) : null,
    sharpness: face.sharpness ?? null,
  });
}

export function completeItem(db: Db, itemId: number, owner: string, faces: NewFace[]): boolean {
  return db
    .transaction((): boolean => {
      if (!ownsLease(db, itemId, owner)) return false;
      const now = nowIso();
      // Faces of an earlier, interrupted attempt go; a user's verified faces never do.
      sql(db, CLEAR_ITEM_PORTRAITS_SQL).run({ id: itemId });
      sql(db, 'DELETE FROM Faces WHERE MediaItemId = ? AND COALESCE(IsUserVerified, 0) = 0').run(itemId);
      for (const face of faces) insertFace(db, itemId, face, now);
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
  return sql(db, `UPDATE MediaItems SET Status = 'pending', Attempts = 0 WHERE Status = 'failed'`).run().changes;
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
