/** Embeddings of other models kept in FrsOldEmbeddings, and the thumbnails of faces that have none (T-SQL). */
import sql from 'mssql';
import type { FaceToEmbed, OldEmbeddingCount, ThumbnailUpdate } from '../repository.js';
import { assertFits } from '../legacy-limits.js';
import { num, faceToEmbedFromRow } from '../row-mappers.js';
import { facesNeedingThumbnailsWhere, UNKNOWN_MODEL_NAME } from '../shared-queries.js';
import { type Column, updateFromValues } from './mssql-batch.js';
import type { MssqlScope } from './mssql-scope.js';

const TEXT = sql.NVarChar(sql.MAX);

/**
 * A statement that copies the embeddings of the faces (alias f) matching `where` that did not
 * come from `model` (an expression; by default the NVARCHAR parameter @model, which may be NULL) into FrsOldEmbeddings, one row per face and model,
 * the first one kept. Part of the caller's batch, before the overwrite or delete.
 */
export function archiveEmbeddingsSql(where: string, model = '@model', from = 'dbo.Faces f'): string {
  return `INSERT INTO dbo.FrsOldEmbeddings (FaceId, MediaItemId, BoundingBox, Model, Dimensions, Embedding, SavedAt)
    SELECT f.Id, f.MediaItemId, f.BoundingBox, COALESCE(f.EmbeddingModel, N'${UNKNOWN_MODEL_NAME}'), DATALENGTH(f.Embedding) / 4, f.Embedding, SYSUTCDATETIME()
    FROM ${from}
    WHERE f.Embedding IS NOT NULL AND (f.EmbeddingModel IS NULL OR (${model} IS NOT NULL AND f.EmbeddingModel <> ${model}))
      AND ${where}
      AND NOT EXISTS (SELECT 1 FROM dbo.FrsOldEmbeddings o WHERE o.FaceId = f.Id AND o.Model = COALESCE(f.EmbeddingModel, N'${UNKNOWN_MODEL_NAME}'))`;
}

export async function facesNeedingThumbnails(
  scope: MssqlScope,
  onlyMissing: boolean,
  afterId: number,
  limit: number,
): Promise<FaceToEmbed[]> {
  const result = await scope.query(
    `SELECT TOP (@limit) f.Id, f.MediaItemId, i.MediaFileId, m.FilePath, f.BoundingBox, f.Landmarks, f.Name, f.ThumbnailPath, f.FrameNumber
      FROM dbo.Faces f JOIN dbo.MediaItems i ON i.Id = f.MediaItemId JOIN dbo.MediaFile m ON m.Id = i.MediaFileId
      WHERE ${facesNeedingThumbnailsWhere(onlyMissing)} ORDER BY f.Id`,
    { after: [sql.Int, afterId], limit: [sql.Int, limit] },
  );
  return result.recordset.map(faceToEmbedFromRow);
}

export function setThumbnails(scope: MssqlScope, updates: ThumbnailUpdate[]): Promise<number> {
  for (const u of updates) assertFits('Faces.Name', u.thumbnailName);
  const columns: Column<ThumbnailUpdate>[] = [
    { name: 'id', type: sql.Int, value: (u) => u.faceId },
    { name: 'tp', type: TEXT, value: (u) => u.thumbnailPath },
    { name: 'tn', type: sql.NVarChar(255), value: (u) => u.thumbnailName },
  ];
  return updateFromValues(
    scope,
    updates,
    columns,
    (
      values,
    ) => `UPDATE f SET f.ThumbnailPath = v.tp, f.Name = CASE WHEN COALESCE(f.Name, N'') = N'' THEN v.tn ELSE f.Name END,
      f.ModifiedAt = SYSUTCDATETIME()
    FROM dbo.Faces f JOIN (VALUES ${values}) AS v (id, tp, tn) ON f.Id = v.id`,
  );
}

export async function oldEmbeddingCounts(scope: MssqlScope): Promise<OldEmbeddingCount[]> {
  const result = await scope.query(
    `SELECT Model, Dimensions, COUNT(*) AS N FROM dbo.FrsOldEmbeddings GROUP BY Model, Dimensions ORDER BY Model, Dimensions`,
  );
  return result.recordset.map((r) => ({ model: String(r.Model), dimensions: num(r.Dimensions), faces: num(r.N) }));
}

export async function removeOldEmbeddings(scope: MssqlScope, model?: string): Promise<number> {
  const result = await scope.query(`DELETE FROM dbo.FrsOldEmbeddings WHERE @model IS NULL OR Model = @model`, {
    model: [sql.NVarChar(200), model ?? null],
  });
  return result.rowsAffected[0] ?? 0;
}
