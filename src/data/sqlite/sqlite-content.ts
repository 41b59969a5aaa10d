/** Media content (SQLite): lookups by path and hash, moves, changed content, unreadable files. */
import type Database from 'better-sqlite3';
import type { FileFacts, KnownMediaFile } from '../repository.js';
import { knownFromRow, num, strOrNull, type Row } from '../row-mappers.js';
import { nowIso, sql } from './sqlite-statements.js';

type Db = Database.Database;

const KNOWN_SELECT = `SELECT m.Id, m.FilePath, m.ContentHash, m.FileSize, m.FileModifiedMs,
  (SELECT i.Id FROM MediaItems i WHERE i.MediaFileId = m.Id ORDER BY i.Id LIMIT 1) AS ItemId,
  (SELECT i.DuplicateOfItemId FROM MediaItems i WHERE i.MediaFileId = m.Id ORDER BY i.Id LIMIT 1) AS CopyOf
FROM MediaFile m`;

export function findMediaFileByPath(db: Db, filePath: string): KnownMediaFile | null {
  const row = sql(db, `${KNOWN_SELECT} WHERE m.FilePath = ? ORDER BY m.Id LIMIT 1`).get(filePath) as Row | undefined;
  return row ? knownFromRow(row) : null;
}

export function findMediaFilesByContent(db: Db, contentHash: string): KnownMediaFile[] {
  const rows = sql(db, `SELECT * FROM (${KNOWN_SELECT} WHERE m.ContentHash = ?) ORDER BY CopyOf IS NOT NULL, Id`).all(
    contentHash,
  ) as Row[];
  return rows.map(knownFromRow);
}

export function moveMediaFile(
  db: Db,
  mediaFileId: number,
  fromPath: string,
  toPath: string,
  fileName: string,
  facts: FileFacts,
): boolean {
  return (
    sql(
      db,
      `UPDATE MediaFile SET FilePath = @to, FileName = @name, ContentHash = @hash, FileSize = @size, FileModifiedMs = @mtime, ModifiedAt = @now
      WHERE Id = @id AND FilePath = @from`,
    ).run({
      id: mediaFileId,
      from: fromPath,
      to: toPath,
      name: fileName,
      hash: facts.contentHash,
      size: facts.fileSize ?? null,
      mtime: facts.fileModifiedMs ?? null,
      now: nowIso(),
    }).changes === 1
  );
}

export function updateMediaFileContent(db: Db, mediaFileId: number, facts: FileFacts): 'unchanged' | 'changed' {
  return db
    .transaction((): 'unchanged' | 'changed' => {
      const now = nowIso();
      const row = sql(
        db,
        `SELECT m.ContentHash, (SELECT COUNT(*) FROM MediaItems i WHERE i.MediaFileId = m.Id AND i.Status = 'failed') AS Failed
        FROM MediaFile m WHERE m.Id = ?`,
      ).get(mediaFileId) as Row | undefined;
      const before = row ? strOrNull(row.ContentHash) : null;
      // No hash yet: a legacy row (its faces stand) or a file that could not be read (failed: try it now).
      const changed = row !== undefined && (before === null ? num(row.Failed) > 0 : before !== facts.contentHash);
      sql(
        db,
        'UPDATE MediaFile SET ContentHash = @hash, FileSize = @size, FileModifiedMs = @mtime, ModifiedAt = @now WHERE Id = @id',
      ).run({
        id: mediaFileId,
        hash: facts.contentHash,
        size: facts.fileSize ?? null,
        mtime: facts.fileModifiedMs ?? null,
        now,
      });
      if (!changed) return 'unchanged';
      // Detected again from scratch; a worker holding the old lease loses it (its result is discarded).
      const items = sql(db, 'SELECT Id FROM MediaItems WHERE MediaFileId = ?').all(mediaFileId) as Row[];
      for (const item of items) {
        sql(
          db,
          `UPDATE MediaItems SET Status = 'pending', Attempts = 0, LastError = NULL, LeaseOwner = NULL, LeaseExpiresAt = NULL,
            DuplicateOfItemId = NULL, IsFacesExtracted = 0 WHERE Id = @id OR DuplicateOfItemId = @id`,
        ).run({ id: num(item.Id) });
      }
      return 'changed';
    })
    .immediate();
}

export function markItemFailed(db: Db, itemId: number, error: string): void {
  sql(
    db,
    `UPDATE MediaItems SET Status = 'failed', LastError = ?, LeaseOwner = NULL, LeaseExpiresAt = NULL WHERE Id = ?`,
  ).run(error, itemId);
}

export function unknownPaths(db: Db, paths: string[]): string[] {
  if (paths.length === 0) return [];
  const known = new Set(
    (
      sql(db, 'SELECT FilePath FROM MediaFile WHERE FilePath IN (SELECT value FROM json_each(?))').all(
        JSON.stringify(paths),
      ) as Row[]
    ).map((r) => String(r.FilePath)),
  );
  return paths.filter((p) => !known.has(p));
}

export function libraryId(db: Db): string {
  return String((sql(db, 'SELECT LibraryId FROM FrsLibrary WHERE Id = 1').get() as Row).LibraryId);
}
