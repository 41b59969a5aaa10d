/**
 * Face search (T-SQL): an exact scan of the model's embeddings in keyset pages, ranked in the app.
 *
 * Embeddings are VARBINARY(MAX) float32 (the replaced system's format). SQL Server's VECTOR type
 * converts only from JSON text, not from VARBINARY, so VECTOR_DISTANCE would need a VECTOR(n) copy
 * of every embedding that FRS writes beside it and backfills; that copy is not built yet (see
 * README, "Find similar and identify"), so every server, with or without VECTOR, takes this scan.
 * Its cost grows with the library: it reads every embedding of the model once per search.
 */
import sql from 'mssql';
import { decodeEmbedding } from '../embedding-codec.js';
import { BestFaces, checkQuery, cosineSimilarity } from '../nearest-ranking.js';
import type { FaceEmbedding, FaceSearchRefresh, NearestFace, NearestFacesOptions } from '../repository.js';
import { num, type Row } from '../row-mappers.js';
import { exactly } from './mssql-collation.js';
import type { MssqlScope } from './mssql-scope.js';

/** Rows per page of the scan: about 1 MB of 128-d embeddings. */
const SCAN_PAGE = 2000;

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
  checkQuery(query);
  const best = new BestFaces(k);
  if (k <= 0) return [];
  const exclude = options.excludeFaceId ?? 0;
  for (let after = 0; ;) {
    const result = await scope.query(
      `SELECT TOP (@page) Id, PersonId, Embedding FROM Faces
        WHERE Id > @after AND Embedding IS NOT NULL AND ${exactly('EmbeddingModel', '@model')}
          AND COALESCE(IsRejected, 0) = 0
        ORDER BY Id`,
      { page: [sql.Int, SCAN_PAGE], after: [sql.Int, after], model: [sql.NVarChar(200), model] },
    );
    const rows: Row[] = result.recordset;
    for (const row of rows) {
      const id = num(row.Id);
      const embedding = decodeEmbedding(row.Embedding as Uint8Array);
      if (id === exclude || embedding.length !== query.length) continue;
      const personId = row.PersonId === null ? null : num(row.PersonId);
      best.offer({ faceId: id, personId, similarity: cosineSimilarity(query, embedding) });
    }
    if (rows.length < SCAN_PAGE) return best.result();
    after = num(rows[rows.length - 1].Id);
  }
}

/** Nothing to keep: each search scans Faces. */
export function refreshFaceSearch(): Promise<FaceSearchRefresh> {
  return Promise.resolve({ indexed: null, built: false });
}
