/**
 * The face index's view of a SQL Server database (face-index/face-change-log.ts).
 *
 * `dbo.FrsFaceChanges` (migration 15) is filled by the trigger `dbo.TR_Faces_FaceIndexLog` on
 * every write to Faces, FRS's and the replaced system's procedures alike. Positions are the rows'
 * ROWVERSION, read as BIGINT. Row versions are handed out when a row is written, not when its
 * transaction commits, so a change may become visible after a later one; the settled position is
 * therefore MIN_ACTIVE_ROWVERSION() - 1: every version below the lowest one still in use by an
 * open transaction is committed or rolled back, under locking and snapshot reads alike.
 * `dbo.FrsFaceIndexState.PrunedUpTo` records how far the log was pruned (the database-wide row
 * version also moves for other tables, so an empty log does not tell it).
 */
import sql from 'mssql';
import type { FaceChangeLog, IndexedFaceRow } from '../face-index/face-change-log.js';
import { FaceIndexKeeper } from '../face-index/face-index.js';
import type { FaceIndexFiles } from '../face-index/face-index-files.js';
import { num, type Row } from '../row-mappers.js';
import { exactly } from './mssql-collation.js';
import type { MssqlDriver } from './mssql-driver.js';
import { type MssqlScope, PoolScope } from './mssql-scope.js';

export const FACE_LOG_BOUNDS_SQL = `SELECT CAST(MIN_ACTIVE_ROWVERSION() AS BIGINT) - 1 AS Last, s.PrunedUpTo AS Pruned
FROM dbo.FrsFaceIndexState s WHERE s.Id = 1`;

const toIndexed = (r: Row): IndexedFaceRow => ({
  id: num(r.Id),
  embedding: r.Embedding instanceof Uint8Array ? r.Embedding : null,
  model: typeof r.EmbeddingModel === 'string' ? r.EmbeddingModel : null,
  isRejected: Boolean(r.IsRejected),
});

export function mssqlFaceChangeLog(scope: MssqlScope): FaceChangeLog {
  return {
    async bounds() {
      const row = (await scope.query(FACE_LOG_BOUNDS_SQL)).recordset[0];
      // BIGINT arrives as a string; row versions stay far below 2^53.
      return { pruned: Number(row?.Pruned ?? 0), last: Number(row?.Last ?? 0) };
    },
    async changedFaces(after, upTo) {
      const result = await scope.query(
        `SELECT DISTINCT FaceId FROM dbo.FrsFaceChanges
        WHERE Position > CAST(@after AS BINARY(8)) AND Position <= CAST(@upTo AS BINARY(8))`,
        { after: [sql.BigInt, after], upTo: [sql.BigInt, upTo] },
      );
      return result.recordset.map((r) => num(r.FaceId));
    },
    async prune(upTo) {
      // The mark first, in the same transaction: a reader that sees the rows gone sees the mark.
      await scope.atomic((tx) =>
        tx.query(
          `UPDATE dbo.FrsFaceIndexState SET PrunedUpTo = @upTo WHERE Id = 1 AND PrunedUpTo < @upTo;
          DELETE FROM dbo.FrsFaceChanges WHERE Position <= CAST(@upTo AS BINARY(8));`,
          { upTo: [sql.BigInt, upTo] },
        ),
      );
    },
    async facesPage(model, afterId, limit) {
      const result = await scope.query(
        `SELECT TOP (@limit) Id, Embedding, EmbeddingModel, IsRejected FROM dbo.Faces
        WHERE Id > @after AND Embedding IS NOT NULL AND ${exactly('EmbeddingModel', '@model')}
          AND COALESCE(IsRejected, 0) = 0
        ORDER BY Id`,
        { limit: [sql.Int, limit], after: [sql.Int, afterId], model: [sql.NVarChar(200), model] },
      );
      return result.recordset.map(toIndexed);
    },
    async facesById(ids) {
      const result = await scope.query(
        `SELECT Id, Embedding, EmbeddingModel, IsRejected FROM dbo.Faces
        WHERE Id IN (SELECT CAST(value AS INT) FROM OPENJSON(@ids))`,
        { ids: [sql.NVarChar(sql.MAX), JSON.stringify(ids)] },
      );
      return result.recordset.map(toIndexed);
    },
    async embeddingBytes(model) {
      const result = await scope.query(
        `SELECT TOP (1) DATALENGTH(Embedding) AS Bytes FROM dbo.Faces
        WHERE Embedding IS NOT NULL AND ${exactly('EmbeddingModel', '@model')}`,
        { model: [sql.NVarChar(200), model] },
      );
      const row = result.recordset[0];
      return row ? num(row.Bytes) : null;
    },
  };
}

const keepers = new WeakMap<MssqlDriver, FaceIndexKeeper>();
const filesOf = new WeakMap<MssqlDriver, FaceIndexFiles>();

/** Where this pool's face index is saved (set by the repository; without it nothing is saved). */
export function setFaceIndexFiles(driver: MssqlDriver, files: FaceIndexFiles | null): void {
  if (files) filesOf.set(driver, files);
  else filesOf.delete(driver);
  keepers.delete(driver);
}

/** The face index of the repository `scope` belongs to, one per pool. */
export function mssqlFaceIndex(scope: MssqlScope): FaceIndexKeeper {
  let keeper = keepers.get(scope.driver);
  if (!keeper) {
    // The log reads on the pool (joining the caller's transaction, if any, as every operation does).
    keeper = new FaceIndexKeeper(mssqlFaceChangeLog(new PoolScope(scope.driver)), filesOf.get(scope.driver) ?? null);
    keepers.set(scope.driver, keeper);
  }
  return keeper;
}
