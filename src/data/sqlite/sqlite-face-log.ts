/**
 * The face index's view of an SQLite database (face-index/face-change-log.ts): `FrsFaceChanges`
 * (migration 12), filled by triggers on Faces, positions are its AUTOINCREMENT Seq. SQLite has one
 * writer at a time, so every logged change is committed by the time a reader sees its Seq.
 */
import { basename, dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import type { FaceChangeLog, IndexedFaceRow } from '../face-index/face-change-log.js';
import { FaceIndexKeeper } from '../face-index/face-index.js';
import { folderIndexFiles } from '../face-index/face-index-files.js';
import { sql } from './sqlite-statements.js';

type Db = Database.Database;

interface Row {
  Id: number;
  Embedding: Uint8Array | null;
  EmbeddingModel: string | null;
  IsRejected: number | null;
}

const toIndexed = (r: Row): IndexedFaceRow => ({
  id: r.Id,
  embedding: r.Embedding,
  model: r.EmbeddingModel,
  isRejected: Boolean(r.IsRejected),
});

export function sqliteFaceChangeLog(db: Db): FaceChangeLog {
  return {
    bounds() {
      const last =
        (sql(db, "SELECT seq FROM sqlite_sequence WHERE name = 'FrsFaceChanges'").get() as { seq: number } | undefined)
          ?.seq ?? 0;
      const first = (sql(db, 'SELECT MIN(Seq) AS s FROM FrsFaceChanges').get() as { s: number | null }).s;
      return Promise.resolve({ pruned: first === null ? last : first - 1, last });
    },
    changedFaces(after, upTo) {
      const rows = sql(db, 'SELECT DISTINCT FaceId FROM FrsFaceChanges WHERE Seq > ? AND Seq <= ?').all(after, upTo);
      return Promise.resolve((rows as Array<{ FaceId: number }>).map((r) => r.FaceId));
    },
    prune(upTo) {
      // Housekeeping only: when another process holds the write lock, the next save prunes.
      sql(db, 'DELETE FROM FrsFaceChanges WHERE Seq <= ?').run(upTo);
      return Promise.resolve();
    },
    facesPage(model, afterId, limit) {
      const rows = sql(
        db,
        `SELECT Id, Embedding, EmbeddingModel, IsRejected FROM Faces
        WHERE EmbeddingModel = ? AND Embedding IS NOT NULL AND COALESCE(IsRejected, 0) = 0 AND Id > ?
        ORDER BY Id LIMIT ?`,
      ).all(model, afterId, limit) as Row[];
      return Promise.resolve(rows.map(toIndexed));
    },
    facesById(ids) {
      const rows = sql(
        db,
        'SELECT Id, Embedding, EmbeddingModel, IsRejected FROM Faces WHERE Id IN (SELECT value FROM json_each(?))',
      ).all(JSON.stringify(ids)) as Row[];
      return Promise.resolve(rows.map(toIndexed));
    },
    embeddingBytes(model) {
      const row = sql(
        db,
        'SELECT length(Embedding) AS Bytes FROM Faces WHERE EmbeddingModel = ? AND Embedding IS NOT NULL LIMIT 1',
      ).get(model) as { Bytes: number } | undefined;
      return Promise.resolve(row?.Bytes ?? null);
    },
  };
}

/** The index folder of a database file (`<database>.face-index`), for tools and tests. */
export function faceIndexFolder(databaseFile: string): string {
  return join(dirname(databaseFile), `${basename(databaseFile)}.face-index`);
}

const keepers = new WeakMap<Db, FaceIndexKeeper>();

/** The face index of this connection; an in-memory database saves nothing. */
export function sqliteFaceIndex(db: Db): FaceIndexKeeper {
  let keeper = keepers.get(db);
  if (!keeper) {
    keeper = new FaceIndexKeeper(
      sqliteFaceChangeLog(db),
      db.memory ? null : folderIndexFiles(faceIndexFolder(db.name)),
    );
    keepers.set(db, keeper);
  }
  return keeper;
}
