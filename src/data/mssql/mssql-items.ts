/** Media registration and the claim → complete / fail life cycle of a media item (T-SQL). */
import sql from 'mssql';
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
  bool,
  faceDetailFromRow,
  faceFromRow,
  ITEM_COLUMNS,
  itemFromRow,
  jsonOrNull,
  num,
  numOrNull,
  strOrNull,
} from '../row-mappers.js';
import { assertFits, assertRegistrationFits } from '../legacy-limits.js';
import { FACES_OF_ITEM_SQL, FACES_OF_PHOTO_SQL, PHOTO_COLUMNS, PHOTO_FROM } from '../shared-queries.js';
import { planFaceReplacement } from '../face-replacement.js';
import { archiveEmbeddingsSql } from './mssql-old-embeddings.js';
import { chunk, type Column, valuesList } from './mssql-batch.js';
import { exactly } from './mssql-collation.js';
import type { MssqlScope } from './mssql-scope.js';

const TEXT = sql.NVarChar(sql.MAX);
const LEASE_IS_CALLERS = exactly('LeaseOwner', '@owner');
const PATH_HASH = `CAST(HASHBYTES('SHA2_256', CAST(@path AS NVARCHAR(MAX))) AS BINARY(32))`;

export async function registerMediaFile(
  scope: MssqlScope,
  input: RegisterMediaFileInput,
): Promise<RegisteredMediaFile> {
  assertRegistrationFits(input);
  // UPDLOCK + HOLDLOCK range-lock the looked-up path, so a concurrent registration of the
  // same path waits and then finds this row instead of inserting a second one.
  const result = await scope.query(
    `SET XACT_ABORT ON;
    BEGIN TRAN;
    DECLARE @fileId INT, @itemId INT, @created BIT = 0;
    SELECT TOP (1) @fileId = Id FROM MediaFile WITH (UPDLOCK, HOLDLOCK)
      WHERE FilePathHash = ${PATH_HASH} AND FilePath = @path ORDER BY Id;
    IF @fileId IS NULL
    BEGIN
      INSERT INTO MediaFile (FilePath, FileName, Extensions, Extension, ContentHash, FileSize, FileModifiedMs, CreatedAt, ModifiedAt)
        VALUES (@path, @name, @ext, @ext, @hash, @size, @mtime, SYSUTCDATETIME(), SYSUTCDATETIME());
      SET @fileId = CAST(SCOPE_IDENTITY() AS INT);
      SET @created = 1;
    END
    ELSE IF @hash IS NOT NULL
      UPDATE MediaFile SET ContentHash = @hash, ModifiedAt = SYSUTCDATETIME() WHERE Id = @fileId AND ContentHash IS NULL;
    SELECT TOP (1) @itemId = Id FROM MediaItems WITH (UPDLOCK, HOLDLOCK) WHERE MediaFileId = @fileId ORDER BY Id;
    IF @itemId IS NULL
    BEGIN
      -- A copy is done from the start: its faces are those of the item it duplicates.
      INSERT INTO MediaItems (MediaFileId, Name, IsFacesExtracted, FacesExtractedOn, Status, Attempts, DuplicateOfItemId)
        VALUES (@fileId, @name, CASE WHEN @copyOf IS NULL THEN 0 ELSE 1 END,
          CASE WHEN @copyOf IS NULL THEN NULL ELSE SYSUTCDATETIME() END,
          CASE WHEN @copyOf IS NULL THEN N'pending' ELSE N'done' END, 0, @copyOf);
      SET @itemId = CAST(SCOPE_IDENTITY() AS INT);
    END
    COMMIT;
    SELECT @fileId AS MediaFileId, @itemId AS MediaItemId, @created AS Created;`,
    {
      path: [TEXT, input.filePath],
      name: [TEXT, input.fileName],
      ext: [sql.NVarChar(50), input.extension],
      hash: [sql.NVarChar(128), input.contentHash ?? null],
      size: [sql.BigInt, input.fileSize ?? null],
      mtime: [sql.BigInt, input.fileModifiedMs ?? null],
      copyOf: [sql.Int, input.duplicateOfItemId ?? null],
    },
  );
  const row = result.recordset[0];
  return { mediaFileId: num(row.MediaFileId), mediaItemId: num(row.MediaItemId), created: bool(row.Created) };
}

export async function getMediaItem(scope: MssqlScope, id: number): Promise<MediaItemState | null> {
  const result = await scope.query(`SELECT ${ITEM_COLUMNS} FROM MediaItems WHERE Id = @id`, { id: [sql.Int, id] });
  return result.recordset[0] ? itemFromRow(result.recordset[0]) : null;
}

// A pending item's LeaseExpiresAt, when set, is the earliest retry time after a failure.
const CLAIMABLE = `((Status = N'pending' AND (LeaseExpiresAt IS NULL OR LeaseExpiresAt <= SYSUTCDATETIME())) OR (Status = N'processing' AND LeaseExpiresAt <= SYSUTCDATETIME()))`;

export async function claimPendingItems(
  scope: MssqlScope,
  owner: string,
  limit: number,
  leaseSeconds: number,
  maxAttempts: number,
  onlyItemId?: number,
): Promise<ClaimedItem[]> {
  // READPAST skips rows another claimer has locked, UPDLOCK keeps the rows we read ours
  // until the update: concurrent workers get disjoint items without waiting on each other.
  // First, items another application set back to IsFacesExtracted = 0 after they were done
  // (the replaced system's way to make an item run again) are queued again.
  const result = await scope.query(
    `SET XACT_ABORT ON;
    BEGIN TRAN;
    UPDATE r SET r.Status = N'pending', r.Attempts = 0, r.LastError = NULL, r.LeaseOwner = NULL, r.LeaseExpiresAt = NULL
      FROM dbo.MediaItems r WITH (READPAST, ROWLOCK)
      WHERE r.Status = N'done' AND r.IsFacesExtracted = 0;
    DECLARE @claimed TABLE (Id INT PRIMARY KEY, MediaFileId INT, Attempts INT);
    WITH picked AS (
      SELECT TOP (@limit) Id, MediaFileId, Status, Attempts, LeaseOwner, LeaseExpiresAt
      FROM MediaItems WITH (UPDLOCK, READPAST, ROWLOCK)
      WHERE ${CLAIMABLE} AND Attempts < @max AND (@only IS NULL OR Id = @only)
      ORDER BY Id)
    UPDATE picked SET Status = N'processing', LeaseOwner = @owner,
        LeaseExpiresAt = DATEADD(millisecond, @leaseMs, SYSUTCDATETIME())
      OUTPUT inserted.Id, inserted.MediaFileId, inserted.Attempts INTO @claimed;
    COMMIT;
    SELECT c.Id, c.MediaFileId, c.Attempts, m.FilePath, m.FileName
      FROM @claimed c JOIN MediaFile m ON m.Id = c.MediaFileId ORDER BY c.Id;`,
    {
      owner: [sql.NVarChar(200), owner],
      limit: [sql.Int, limit],
      max: [sql.Int, maxAttempts],
      leaseMs: [sql.Int, Math.round(leaseSeconds * 1000)],
      only: [sql.Int, onlyItemId ?? null],
    },
  );
  return result.recordset.map((r) => ({
    id: num(r.Id),
    mediaFileId: num(r.MediaFileId),
    filePath: String(r.FilePath),
    fileName: strOrNull(r.FileName),
    attempts: num(r.Attempts),
  }));
}

export async function startItem(
  scope: MssqlScope,
  itemId: number,
  owner: string,
  leaseSeconds: number,
): Promise<number | null> {
  // OUTPUT ... INTO a table variable (a bare OUTPUT fails with error 334 on a table with triggers);
  // the lease owner compared exactly (mssql-collation).
  const result = await scope.query(
    `DECLARE @started TABLE (Attempts INT);
    UPDATE MediaItems SET Attempts = Attempts + 1, LeaseExpiresAt = DATEADD(millisecond, @leaseMs, SYSUTCDATETIME())
      OUTPUT inserted.Attempts INTO @started
      WHERE Id = @id AND Status = N'processing' AND ${LEASE_IS_CALLERS};
    SELECT Attempts FROM @started;`,
    { id: [sql.Int, itemId], owner: [sql.NVarChar(200), owner], leaseMs: [sql.Int, Math.round(leaseSeconds * 1000)] },
  );
  return result.recordset[0] ? num(result.recordset[0].Attempts) : null;
}

export async function failAbandonedItems(scope: MssqlScope, maxAttempts: number): Promise<number> {
  const result = await scope.query(
    `UPDATE MediaItems WITH (READPAST, ROWLOCK)
      SET Status = N'failed', LeaseOwner = NULL, LeaseExpiresAt = NULL,
        LastError = CONCAT(N'gave up: the worker stopped (crash, out of memory or timeout) during each of ', Attempts, N' attempt(s)')
      WHERE Status = N'processing' AND LeaseExpiresAt <= SYSUTCDATETIME() AND Attempts >= @max`,
    { max: [sql.Int, maxAttempts] },
  );
  return result.rowsAffected[0] ?? 0;
}

export async function leaseReport(scope: MssqlScope): Promise<LeaseReport> {
  const result = await scope.query(
    `SELECT SUM(CASE WHEN LeaseExpiresAt > SYSUTCDATETIME() THEN 1 ELSE 0 END) AS Active,
        SUM(CASE WHEN LeaseExpiresAt <= SYSUTCDATETIME() THEN 1 ELSE 0 END) AS Stuck,
        MAX(CASE WHEN LeaseExpiresAt <= SYSUTCDATETIME() THEN DATEDIFF(second, LeaseExpiresAt, SYSUTCDATETIME()) END) AS Oldest
      FROM MediaItems WHERE Status = N'processing'`,
  );
  const row = result.recordset[0];
  return { active: num(row.Active ?? 0), stuck: num(row.Stuck ?? 0), oldestStuckSeconds: numOrNull(row.Oldest) };
}

export async function renewLease(
  scope: MssqlScope,
  itemId: number,
  owner: string,
  leaseSeconds: number,
): Promise<boolean> {
  const result = await scope.query(
    `UPDATE MediaItems SET LeaseExpiresAt = DATEADD(millisecond, @leaseMs, SYSUTCDATETIME())
      WHERE Id = @id AND Status = N'processing' AND ${LEASE_IS_CALLERS}`,
    { id: [sql.Int, itemId], owner: [sql.NVarChar(200), owner], leaseMs: [sql.Int, Math.round(leaseSeconds * 1000)] },
  );
  return result.rowsAffected[0] === 1;
}

async function ownsLease(scope: MssqlScope, itemId: number, owner: string): Promise<boolean> {
  const result = await scope.query(`SELECT Status, LeaseOwner FROM MediaItems WITH (UPDLOCK, ROWLOCK) WHERE Id = @id`, {
    id: [sql.Int, itemId],
  });
  const row = result.recordset[0];
  return row !== undefined && row.Status === 'processing' && row.LeaseOwner === owner;
}

const FACE_COLUMNS: Column<NewFace>[] = [
  { name: 'box', type: TEXT, value: (f) => JSON.stringify(f.boundingBox) },
  { name: 'emb', type: sql.VarBinary(sql.MAX), value: (f) => (f.embedding ? encodeEmbedding(f.embedding) : null) },
  { name: 'frame', type: sql.Int, value: (f) => f.frameNumber ?? null },
  { name: 'name', type: TEXT, value: (f) => f.thumbnailName ?? null },
  { name: 'score', type: sql.Float, value: (f) => f.detectorScore },
  { name: 'lm', type: TEXT, value: (f) => jsonOrNull(f.landmarks) },
  { name: 'tp', type: TEXT, value: (f) => f.thumbnailPath ?? null },
  { name: 'model', type: sql.NVarChar(200), value: (f) => (f.embedding ? (f.embeddingModel ?? null) : null) },
  { name: 'sharp', type: sql.Float, value: (f) => f.sharpness ?? null },
  { name: 'quality', type: sql.Float, value: (f) => f.quality ?? null },
];

/** The replaced system's column sizes, before anything is written. */
function assertFaceFits(face: NewFace): void {
  assertFits('Faces.BoundingBox', JSON.stringify(face.boundingBox));
  assertFits('Faces.Name', face.thumbnailName);
}

export async function insertFaces(scope: MssqlScope, itemId: number, faces: NewFace[]): Promise<void> {
  faces.forEach(assertFaceFits);
  for (const rows of chunk(faces, FACE_COLUMNS.length + 1)) {
    const values = valuesList(rows, FACE_COLUMNS);
    await scope.query(
      `INSERT INTO Faces (MediaItemId, PersonId, BoundingBox, Embedding, FrameNumber, Name, IsUserVerified, CreatedAt, ModifiedAt,
          DetectorScore, Landmarks, ThumbnailPath, EmbeddingModel, Sharpness, Quality)
        SELECT @item, NULL, v.box, v.emb, v.frame, v.name, 0, SYSUTCDATETIME(), SYSUTCDATETIME(), v.score, v.lm, v.tp, v.model, v.sharp, v.quality
        FROM (VALUES ${values.text}) AS v (box, emb, frame, name, score, lm, tp, model, sharp, quality)`,
      { ...values.params, item: [sql.Int, itemId] },
    );
  }
}

/** The same face seen again: new geometry, thumbnail and embedding; person and verification kept. */
async function updateFace(scope: MssqlScope, faceId: number, face: NewFace): Promise<void> {
  const params = Object.fromEntries(FACE_COLUMNS.map((c) => [c.name, [c.type, c.value(face)]]));
  await scope.query(
    `UPDATE Faces SET BoundingBox = @box, Embedding = @emb, FrameNumber = @frame, Name = @name, ModifiedAt = SYSUTCDATETIME(),
        DetectorScore = @score, Landmarks = @lm, ThumbnailPath = @tp, EmbeddingModel = @model, Sharpness = @sharp,
        Quality = @quality, GroupedAt = NULL, EmbeddingFailedModel = NULL, EmbeddingError = NULL
      WHERE Id = @faceId`,
    { ...params, faceId: [sql.Int, faceId] },
  );
}

export function completeItem(scope: MssqlScope, itemId: number, owner: string, faces: NewFace[]): Promise<boolean> {
  return scope.atomic(async (tx) => {
    if (!(await ownsLease(tx, itemId, owner))) return false;
    const id: [typeof sql.Int, number] = [sql.Int, itemId];
    const old = (await tx.query(FACES_OF_ITEM_SQL, { id })).recordset.map(faceFromRow);
    const plan = planFaceReplacement(old, faces);
    faces.forEach(assertFaceFits);
    // Embeddings of another model than the new faces' are kept before faces go or are overwritten.
    const replaced = [...plan.deletes, ...plan.updates.values()];
    if (replaced.length > 0)
      await tx.query(archiveEmbeddingsSql('f.Id IN (SELECT CAST(value AS INT) FROM OPENJSON(@replaced))'), {
        replaced: [TEXT, JSON.stringify(replaced)],
        model: [sql.NVarChar(200), faces.find((f) => f.embedding && f.embeddingModel)?.embeddingModel ?? null],
      });
    if (plan.deletes.length > 0) {
      const ids: [typeof TEXT, string] = [TEXT, JSON.stringify(plan.deletes)];
      await tx.query(
        `UPDATE Persons SET PortraitFaceId = NULL, PortraitMediaFileId = NULL, IsPortraitChosen = 0
          WHERE PortraitFaceId IN (SELECT CAST(value AS INT) FROM OPENJSON(@ids));
        INSERT INTO FrsGroupingDirty (FaceId) SELECT gm.FaceId FROM FrsGroupingMembers gm
          WHERE gm.FaceId IN (SELECT CAST(value AS INT) FROM OPENJSON(@ids))
            AND NOT EXISTS (SELECT 1 FROM FrsGroupingDirty d WITH (UPDLOCK, HOLDLOCK) WHERE d.FaceId = gm.FaceId);
        DELETE FROM Faces WHERE Id IN (SELECT CAST(value AS INT) FROM OPENJSON(@ids));`,
        { ids },
      );
    }
    for (const [i, faceId] of plan.updates) await updateFace(tx, faceId, faces[i]);
    await insertFaces(
      tx,
      itemId,
      faces.filter((_, i) => !plan.updates.has(i)),
    );
    await tx.query(
      `UPDATE MediaItems SET Status = N'done', IsFacesExtracted = 1, FacesExtractedOn = SYSUTCDATETIME(),
        LeaseOwner = NULL, LeaseExpiresAt = NULL, LastError = NULL WHERE Id = @id`,
      { id },
    );
    return true;
  });
}

export async function failItem(
  scope: MssqlScope,
  itemId: number,
  owner: string,
  error: string,
  maxAttempts: number,
  retryDelaySeconds = 0,
): Promise<'pending' | 'failed' | null> {
  // The new status is read back inside the same transaction (the UPDATE keeps the row locked)
  // rather than with a bare OUTPUT clause, which fails (error 334) on a table with triggers.
  const result = await scope.query(
    `SET XACT_ABORT ON;
    BEGIN TRAN;
    UPDATE MediaItems SET Status = CASE WHEN Attempts >= @max THEN N'failed' ELSE N'pending' END,
        LastError = @error, LeaseOwner = NULL,
        LeaseExpiresAt = CASE WHEN Attempts >= @max OR @delay <= 0 THEN NULL ELSE DATEADD(SECOND, @delay, SYSUTCDATETIME()) END
      WHERE Id = @id AND Status = N'processing' AND ${LEASE_IS_CALLERS};
    IF @@ROWCOUNT = 1 SELECT Status FROM MediaItems WHERE Id = @id;
    COMMIT;`,
    {
      id: [sql.Int, itemId],
      owner: [sql.NVarChar(200), owner],
      error: [TEXT, error],
      max: [sql.Int, maxAttempts],
      delay: [sql.Int, retryDelaySeconds],
    },
  );
  const row = result.recordset?.[0];
  return row ? (row.Status as 'pending' | 'failed') : null;
}

export async function retryFailedItems(scope: MssqlScope): Promise<number> {
  const result = await scope.query(
    `SET XACT_ABORT ON;
    BEGIN TRAN;
    UPDATE Faces SET EmbeddingFailedModel = NULL, EmbeddingError = NULL WHERE EmbeddingFailedModel IS NOT NULL;
    UPDATE MediaItems SET Status = N'pending', Attempts = 0, LeaseOwner = NULL, LeaseExpiresAt = NULL WHERE Status = N'failed';
    DECLARE @n INT = @@ROWCOUNT;
    COMMIT;
    SELECT @n AS N;`,
  );
  return num(result.recordset[0].N);
}

export async function facesOfItem(scope: MssqlScope, itemId: number): Promise<FaceRecord[]> {
  const result = await scope.query(FACES_OF_ITEM_SQL, { id: [sql.Int, itemId] });
  return result.recordset.map(faceFromRow);
}

export async function photo(scope: MssqlScope, ref: { itemId: number } | { filePath: string }): Promise<Photo | null> {
  const found =
    'itemId' in ref
      ? await scope.query(`SELECT ${PHOTO_COLUMNS} ${PHOTO_FROM} WHERE i.Id = @id`, { id: [sql.Int, ref.itemId] })
      : await scope.query(
          `SELECT TOP (1) ${PHOTO_COLUMNS} ${PHOTO_FROM}
          WHERE m.FilePathHash = ${PATH_HASH} AND m.FilePath = @path ORDER BY i.Id`,
          { path: [TEXT, ref.filePath] },
        );
  const row = found.recordset[0];
  if (!row) return null;
  const itemId = num(row.ItemId);
  const faces = await scope.query(FACES_OF_PHOTO_SQL, { id: [sql.Int, itemId] });
  return {
    itemId,
    mediaFileId: num(row.MediaFileId),
    fileName: strOrNull(row.FileName),
    filePath: String(row.FilePath),
    faces: faces.recordset.map(faceDetailFromRow),
  };
}

/** Not while another worker holds a live lease on it. */
const REQUEUEABLE = `NOT (i.Status = N'processing' AND i.LeaseExpiresAt > SYSUTCDATETIME())`;
const REQUEUE_SET = `i.Status = N'pending', i.Attempts = 0, i.IsFacesExtracted = 0, i.LastError = NULL, i.LeaseOwner = NULL, i.LeaseExpiresAt = NULL`;

export async function requeueItems(scope: MssqlScope, itemIds: number[], filePaths: string[]): Promise<number[]> {
  // Ids and paths travel as JSON arrays (OPENJSON), so any number of them is one statement.
  const result = await scope.query(
    `DECLARE @requeued TABLE (Id INT);
    UPDATE i SET ${REQUEUE_SET}
      OUTPUT inserted.Id INTO @requeued
      FROM dbo.MediaItems i
      WHERE ${REQUEUEABLE} AND (i.Id IN (SELECT CAST(value AS INT) FROM OPENJSON(@ids))
        OR i.MediaFileId IN (SELECT m.Id FROM dbo.MediaFile m
          WHERE m.FilePath IN (SELECT CAST(value AS NVARCHAR(4000)) FROM OPENJSON(@paths))));
    SELECT Id FROM @requeued;`,
    { ids: [TEXT, JSON.stringify(itemIds)], paths: [TEXT, JSON.stringify(filePaths)] },
  );
  return result.recordset.map((r) => num(r.Id)).sort((a, b) => a - b);
}

export async function requeueItemsWithoutFaces(scope: MssqlScope): Promise<number[]> {
  const result = await scope.query(
    `DECLARE @requeued TABLE (Id INT);
    UPDATE i SET ${REQUEUE_SET}
      OUTPUT inserted.Id INTO @requeued
      FROM dbo.MediaItems i
      WHERE (i.Status = N'done' OR i.IsFacesExtracted = 1) AND ${REQUEUEABLE}
        AND NOT EXISTS (SELECT 1 FROM dbo.Faces f WHERE f.MediaItemId = i.Id);
    SELECT Id FROM @requeued;`,
  );
  return result.recordset.map((r) => num(r.Id)).sort((a, b) => a - b);
}
