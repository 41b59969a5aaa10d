/** Media content (T-SQL): lookups by path and hash, moves, changed content, unreadable files. */
import sql from 'mssql';
import type { FileFacts, KnownMediaFile } from '../repository.js';
import { knownFromRow } from '../row-mappers.js';
import type { MssqlScope } from './mssql-scope.js';

const TEXT = sql.NVarChar(sql.MAX);
const HASH = sql.NVarChar(128);
const PATH_HASH = (param: string) => `CAST(HASHBYTES('SHA2_256', CAST(@${param} AS NVARCHAR(MAX))) AS BINARY(32))`;

const KNOWN_SELECT = `SELECT m.Id, m.FilePath, m.ContentHash, m.FileSize, m.FileModifiedMs, i.Id AS ItemId, i.DuplicateOfItemId AS CopyOf
FROM dbo.MediaFile m
OUTER APPLY (SELECT TOP (1) Id, DuplicateOfItemId FROM dbo.MediaItems WHERE MediaFileId = m.Id ORDER BY Id) i`;

const factParams = (facts: FileFacts) => ({
  hash: [HASH, facts.contentHash] as [typeof HASH, unknown],
  size: [sql.BigInt, facts.fileSize ?? null] as [typeof sql.BigInt, unknown],
  mtime: [sql.BigInt, facts.fileModifiedMs ?? null] as [typeof sql.BigInt, unknown],
});

export async function findMediaFileByPath(scope: MssqlScope, filePath: string): Promise<KnownMediaFile | null> {
  const result = await scope.query(
    `${KNOWN_SELECT} WHERE m.FilePathHash = ${PATH_HASH('path')} AND m.FilePath = @path ORDER BY m.Id OFFSET 0 ROWS FETCH NEXT 1 ROWS ONLY`,
    { path: [TEXT, filePath] },
  );
  return result.recordset[0] ? knownFromRow(result.recordset[0]) : null;
}

export async function findMediaFilesByContent(scope: MssqlScope, contentHash: string): Promise<KnownMediaFile[]> {
  const result = await scope.query(
    `${KNOWN_SELECT} WHERE m.ContentHash = @hash ORDER BY CASE WHEN i.DuplicateOfItemId IS NULL THEN 0 ELSE 1 END, m.Id`,
    { hash: [HASH, contentHash] },
  );
  return result.recordset.map(knownFromRow);
}

export async function moveMediaFile(
  scope: MssqlScope,
  mediaFileId: number,
  fromPath: string,
  toPath: string,
  fileName: string,
  facts: FileFacts,
): Promise<boolean> {
  // FilePathHash is computed from FilePath (migration 2), so it follows the new path.
  const result = await scope.query(
    `UPDATE dbo.MediaFile SET FilePath = @to, FileName = @name, ContentHash = @hash, FileSize = @size,
        FileModifiedMs = @mtime, ModifiedAt = SYSUTCDATETIME()
      WHERE Id = @id AND FilePathHash = ${PATH_HASH('from')} AND FilePath = @from`,
    {
      id: [sql.Int, mediaFileId],
      from: [TEXT, fromPath],
      to: [TEXT, toPath],
      name: [TEXT, fileName],
      ...factParams(facts),
    },
  );
  return result.rowsAffected[0] === 1;
}

export async function updateMediaFileContent(
  scope: MssqlScope,
  mediaFileId: number,
  facts: FileFacts,
): Promise<'unchanged' | 'changed'> {
  // No hash yet: a legacy row (its faces stand) or a file that could not be read (failed: try it now).
  const result = await scope.query(
    `SET XACT_ABORT ON;
    BEGIN TRAN;
    DECLARE @before NVARCHAR(128), @failed INT, @changed BIT = 0;
    SELECT @before = ContentHash FROM dbo.MediaFile WITH (UPDLOCK, ROWLOCK) WHERE Id = @id;
    SELECT @failed = COUNT(*) FROM dbo.MediaItems WHERE MediaFileId = @id AND Status = N'failed';
    IF (@before IS NULL AND @failed > 0) OR (@before IS NOT NULL AND @before <> @hash) SET @changed = 1;
    UPDATE dbo.MediaFile SET ContentHash = @hash, FileSize = @size, FileModifiedMs = @mtime, ModifiedAt = SYSUTCDATETIME()
      WHERE Id = @id;
    IF @changed = 1
      UPDATE dbo.MediaItems SET Status = N'pending', Attempts = 0, LastError = NULL, LeaseOwner = NULL, LeaseExpiresAt = NULL,
          DuplicateOfItemId = NULL, IsFacesExtracted = 0
        WHERE MediaFileId = @id OR DuplicateOfItemId IN (SELECT Id FROM dbo.MediaItems WHERE MediaFileId = @id);
    COMMIT;
    SELECT @changed AS Changed;`,
    { id: [sql.Int, mediaFileId], ...factParams(facts) },
  );
  return result.recordset[0].Changed ? 'changed' : 'unchanged';
}

export async function markItemFailed(scope: MssqlScope, itemId: number, error: string): Promise<void> {
  await scope.query(
    `UPDATE dbo.MediaItems SET Status = N'failed', LastError = @error, LeaseOwner = NULL, LeaseExpiresAt = NULL WHERE Id = @id`,
    { id: [sql.Int, itemId], error: [TEXT, error] },
  );
}

export async function unknownPaths(scope: MssqlScope, paths: string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  // One JSON parameter instead of one parameter per path (at most 2,100 per request).
  const result = await scope.query(
    `SELECT m.FilePath FROM OPENJSON(@paths) WITH (p NVARCHAR(MAX) '$') j
      JOIN dbo.MediaFile m ON m.FilePathHash = CAST(HASHBYTES('SHA2_256', j.p) AS BINARY(32)) AND m.FilePath = j.p`,
    { paths: [TEXT, JSON.stringify(paths)] },
  );
  const known = new Set(result.recordset.map((r) => String(r.FilePath)));
  return paths.filter((p) => !known.has(p));
}

export async function libraryId(scope: MssqlScope): Promise<string> {
  const result = await scope.query('SELECT LibraryId FROM dbo.FrsLibrary WHERE Id = 1');
  return String(result.recordset[0].LibraryId);
}
