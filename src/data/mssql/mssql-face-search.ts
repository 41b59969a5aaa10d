/**
 * Face search (T-SQL): HNSW candidates from the face index (face-index/face-index.ts, kept in
 * step with Faces through dbo.FrsFaceChanges, see mssql-face-log), ranked again exactly from the
 * candidates' stored embeddings, as on SQLite.
 *
 * Embeddings stay VARBINARY(MAX) float32 (the replaced system's format). SQL Server's VECTOR type
 * converts only from JSON text, and its vector index (VECTOR_SEARCH) is generally available only on
 * Azure SQL Database, in preview on SQL Server 2025: one index kept by FRS serves every server alike.
 */
import sql from 'mssql';
import { candidatesFor } from '../face-index/face-index.js';
import { decodeEmbedding } from '../embedding-codec.js';
import { rankCandidates } from '../nearest-ranking.js';
import type { FaceEmbedding, FaceSearchRefresh, NearestFace, NearestFacesOptions } from '../repository.js';
import { num } from '../row-mappers.js';
import { mssqlFaceIndex } from './mssql-face-log.js';
import type { MssqlScope } from './mssql-scope.js';

export async function faceEmbedding(scope: MssqlScope, faceId: number): Promise<FaceEmbedding | null> {
  const result = await scope.query('SELECT Id, Embedding, EmbeddingModel, IsRejected FROM Faces WHERE Id = @id', {
    id: [sql.Int, faceId],
  });
  const row = result.recordset[0];
  if (!row) return null;
  const embedded = row.Embedding instanceof Uint8Array && typeof row.EmbeddingModel === 'string';
  return {
    faceId: num(row.Id),
    model: embedded ? (row.EmbeddingModel as string) : null,
    embedding: embedded ? decodeEmbedding(row.Embedding as Uint8Array) : null,
    isRejected: Boolean(row.IsRejected),
  };
}

export async function nearestFaces(
  scope: MssqlScope,
  model: string,
  query: Float32Array,
  k: number,
  options: NearestFacesOptions = {},
): Promise<NearestFace[]> {
  const extra = options.excludeFaceId === undefined ? 0 : 1;
  const ids = await mssqlFaceIndex(scope).candidates(model, query, candidatesFor(k) + extra);
  if (ids.length === 0) return [];
  const result = await scope.query(
    `SELECT Id, PersonId, Embedding, EmbeddingModel, IsRejected FROM Faces
    WHERE Id IN (SELECT CAST(value AS INT) FROM OPENJSON(@ids))`,
    { ids: [sql.NVarChar(sql.MAX), JSON.stringify(ids)] },
  );
  const candidates = result.recordset.map((r) => ({
    faceId: num(r.Id),
    personId: r.PersonId === null ? null : num(r.PersonId),
    model: typeof r.EmbeddingModel === 'string' ? r.EmbeddingModel : null,
    embedding: r.Embedding instanceof Uint8Array ? decodeEmbedding(r.Embedding) : null,
    isRejected: Boolean(r.IsRejected),
  }));
  return rankCandidates(candidates, model, query, k, options.excludeFaceId);
}

export async function refreshFaceSearch(scope: MssqlScope, model: string): Promise<FaceSearchRefresh> {
  const refreshed = await mssqlFaceIndex(scope).refresh(model);
  return { indexed: refreshed?.size ?? 0, built: refreshed?.built ?? false };
}
