/** Embeddings, clustering inputs, face assignment (T-SQL). */
import sql from 'mssql';
import { encodeEmbedding } from '../embedding-codec.js';
import type { EmbeddingUpdate, FaceAssignment, FaceToEmbed, GroupingFace } from '../repository.js';
import { groupingFaceFromRow, num, numOrNull, parseBox, parseLandmarks, strOrNull } from '../row-mappers.js';
import { FACES_FOR_GROUPING_SQL, GROUPING_FINGERPRINT_SQL, UNGROUPED_FACES_CONDITION } from '../shared-queries.js';
import { type Column, ID_COLUMN, updateFromValues } from './mssql-batch.js';
import { exactly } from './mssql-collation.js';
import type { MssqlScope } from './mssql-scope.js';

/** Model ids compare exactly, as in SQLite (see mssql-collation). */
const SAME_MODEL = exactly('EmbeddingModel', '@model');
const exactModel = (text: string) => text.replaceAll('EmbeddingModel = @model', SAME_MODEL);
const FACES_FOR_GROUPING = FACES_FOR_GROUPING_SQL.replaceAll(
  'f.EmbeddingModel = @model',
  exactly('f.EmbeddingModel', '@model'),
);
const FINGERPRINT = exactModel(GROUPING_FINGERPRINT_SQL);
/**
 * The fingerprint read that also keeps every other writer out of Faces and Persons until the
 * transaction ends (TABLOCKX: exclusive table locks, always held to the end of the transaction).
 * Readers under READ_COMMITTED_SNAPSHOT (Azure SQL's default) still read the last committed rows.
 */
const FINGERPRINT_HOLDING = FINGERPRINT.replace(/FROM Faces\)/, 'FROM Faces WITH (TABLOCKX, HOLDLOCK))').replace(
  /FROM Persons\)/,
  'FROM Persons WITH (TABLOCKX, HOLDLOCK))',
);
const UNGROUPED = exactModel(UNGROUPED_FACES_CONDITION);

export async function facesWithoutEmbedding(scope: MssqlScope, model: string, limit: number): Promise<FaceToEmbed[]> {
  const result = await scope.query(
    `SELECT TOP (@limit) f.Id, f.MediaItemId, i.MediaFileId, m.FilePath, f.BoundingBox, f.Landmarks, f.Name, f.ThumbnailPath, f.FrameNumber
      FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId JOIN MediaFile m ON m.Id = i.MediaFileId
      WHERE f.Embedding IS NULL OR f.EmbeddingModel IS NULL OR NOT ${exactly('f.EmbeddingModel', '@model')}
      ORDER BY f.Id`,
    { model: [sql.NVarChar(200), model], limit: [sql.Int, limit] },
  );
  return result.recordset.map((r) => ({
    id: num(r.Id),
    mediaItemId: num(r.MediaItemId),
    mediaFileId: num(r.MediaFileId),
    filePath: String(r.FilePath),
    boundingBox: parseBox(r.BoundingBox),
    landmarks: parseLandmarks(r.Landmarks),
    thumbnailName: strOrNull(r.Name),
    thumbnailPath: strOrNull(r.ThumbnailPath),
    frameNumber: numOrNull(r.FrameNumber),
  }));
}

export function setEmbeddings(scope: MssqlScope, updates: EmbeddingUpdate[]): Promise<number> {
  const columns: Column<EmbeddingUpdate>[] = [
    { name: 'id', type: sql.Int, value: (u) => u.faceId },
    { name: 'emb', type: sql.VarBinary(sql.MAX), value: (u) => encodeEmbedding(u.embedding) },
    { name: 'model', type: sql.NVarChar(200), value: (u) => u.model },
  ];
  return updateFromValues(
    scope,
    updates,
    columns,
    (
      values,
    ) => `UPDATE f SET f.Embedding = v.emb, f.EmbeddingModel = v.model, f.GroupedAt = NULL, f.ModifiedAt = SYSUTCDATETIME()
    FROM Faces f JOIN (VALUES ${values}) AS v (id, emb, model) ON f.Id = v.id`,
  );
}

const MODEL = sql.NVarChar(200);

export async function facesForGrouping(scope: MssqlScope, model: string): Promise<GroupingFace[]> {
  return (await scope.query(FACES_FOR_GROUPING, { model: [MODEL, model] })).recordset.map(groupingFaceFromRow);
}

export async function groupingFingerprint(
  scope: MssqlScope,
  model: string,
  options: { holdForWrite?: boolean } = {},
): Promise<string> {
  const hold = options.holdForWrite === true && scope.inTransaction;
  const result = await scope.query(hold ? FINGERPRINT_HOLDING : FINGERPRINT, { model: [MODEL, model] });
  // BIGINT sums arrive as strings and DATETIME2 as Date: both serialise to stable text.
  return JSON.stringify(result.recordset[0]);
}

export async function hasUngroupedFaces(scope: MssqlScope, model: string): Promise<boolean> {
  const result = await scope.query(
    `SELECT CASE WHEN EXISTS (SELECT 1 FROM Faces WHERE ${UNGROUPED}) THEN 1 ELSE 0 END AS Found`,
    { model: [MODEL, model] },
  );
  return num(result.recordset[0].Found) === 1;
}

export function markFacesGrouped(scope: MssqlScope, faceIds: number[]): Promise<number> {
  return updateFromValues(
    scope,
    faceIds,
    ID_COLUMN,
    (values) => `UPDATE f SET f.GroupedAt = SYSUTCDATETIME()
    FROM Faces f JOIN (VALUES ${values}) AS v (id) ON f.Id = v.id`,
  );
}

const ASSIGNMENT_COLUMNS: Column<FaceAssignment>[] = [
  { name: 'face', type: sql.Int, value: (a) => a.faceId },
  { name: 'person', type: sql.Int, value: (a) => a.personId },
];

export function assignFaces(scope: MssqlScope, assignments: FaceAssignment[]): Promise<number> {
  // Only rows whose person really changes (NULL-safe), so unchanged rows are not counted.
  return updateFromValues(
    scope,
    assignments,
    ASSIGNMENT_COLUMNS,
    (values) => `UPDATE f SET f.PersonId = v.person, f.ModifiedAt = SYSUTCDATETIME()
    FROM Faces f JOIN (VALUES ${values}) AS v (face, person) ON f.Id = v.face
    WHERE COALESCE(f.IsUserVerified, 0) = 0
      AND (f.PersonId <> v.person OR (f.PersonId IS NULL AND v.person IS NOT NULL) OR (f.PersonId IS NOT NULL AND v.person IS NULL))`,
  );
}

export function verifyFaces(scope: MssqlScope, assignments: FaceAssignment[]): Promise<number> {
  return updateFromValues(
    scope,
    assignments,
    ASSIGNMENT_COLUMNS,
    (values) => `UPDATE f SET f.PersonId = v.person, f.IsUserVerified = 1, f.ModifiedAt = SYSUTCDATETIME()
    FROM Faces f JOIN (VALUES ${values}) AS v (face, person) ON f.Id = v.face`,
  );
}
