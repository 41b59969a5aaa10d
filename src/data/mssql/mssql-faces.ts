/** Embeddings, clustering inputs, face assignment (T-SQL). */
import sql from 'mssql';
import { encodeEmbedding } from '../embedding-codec.js';
import type {
  CannotLink,
  EmbeddingUpdate,
  FaceAssignment,
  FaceDetail,
  FacePlacement,
  FaceToEmbed,
  GroupingFace,
  Page,
  PageRequest,
} from '../repository.js';
import { faceDetailFromRow, groupingFaceFromRow, num, pageFromRows, faceToEmbedFromRow } from '../row-mappers.js';
import {
  CANNOT_LINKS_SQL,
  FACES_FOR_GROUPING_SQL,
  faceDetailsWhere,
  GROUPING_FINGERPRINT_SQL,
  NOT_EMBEDDED_BY_MODEL_IDS,
  UNASSIGNED_FACES_PAGE,
  UNGROUPED_FACES_CONDITION,
} from '../shared-queries.js';
import { chunk, type Column, forIds, ID_COLUMN, pagingParams, updateFromValues, valuesList } from './mssql-batch.js';
import { exactly } from './mssql-collation.js';
import { archiveEmbeddingsSql } from './mssql-old-embeddings.js';
import type { MssqlScope, Params } from './mssql-scope.js';

/** Model ids compare exactly, as in SQLite (see mssql-collation). */
const SAME_MODEL = exactly('EmbeddingModel', '@model');
const exactModel = (text: string) => text.replaceAll('EmbeddingModel = @model', SAME_MODEL);
const exactFaceModel = (text: string) =>
  text.replaceAll('f.EmbeddingModel = @model', exactly('f.EmbeddingModel', '@model'));
const FACES_FOR_GROUPING = exactFaceModel(FACES_FOR_GROUPING_SQL);
const UNASSIGNED_FACES = {
  page: exactFaceModel(UNASSIGNED_FACES_PAGE.page),
  count: exactFaceModel(UNASSIGNED_FACES_PAGE.count),
};
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
      WHERE f.Id IN (${NOT_EMBEDDED_BY_MODEL_IDS}
          UNION ALL SELECT Id FROM Faces WHERE EmbeddingModel = @model AND NOT ${exactly('EmbeddingModel', '@model')})
        AND (f.EmbeddingFailedModel IS NULL OR NOT ${exactly('f.EmbeddingFailedModel', '@model')})
      ORDER BY f.Id`,
    { model: [sql.NVarChar(200), model], limit: [sql.Int, limit] },
  );
  return result.recordset.map(faceToEmbedFromRow);
}

export async function markEmbeddingFailed(
  scope: MssqlScope,
  faceIds: number[],
  model: string,
  error: string,
): Promise<number> {
  if (faceIds.length === 0) return 0;
  const result = await scope.query(
    `UPDATE Faces SET EmbeddingFailedModel = @model, EmbeddingError = @error, ModifiedAt = SYSUTCDATETIME()
      WHERE Id IN (SELECT CAST(value AS INT) FROM OPENJSON(@ids))`,
    {
      model: [sql.NVarChar(200), model],
      error: [sql.NVarChar(sql.MAX), error],
      ids: [sql.NVarChar(sql.MAX), JSON.stringify(faceIds)],
    },
  );
  return result.rowsAffected[0] ?? 0;
}

export async function setEmbeddings(scope: MssqlScope, updates: EmbeddingUpdate[]): Promise<number> {
  if (updates.length === 0) return 0;
  const archived: Column<EmbeddingUpdate>[] = [
    { name: 'id', type: sql.Int, value: (u) => u.faceId },
    { name: 'model', type: sql.NVarChar(200), value: (u) => u.model },
  ];
  const columns: Column<EmbeddingUpdate>[] = [
    { name: 'id', type: sql.Int, value: (u) => u.faceId },
    { name: 'emb', type: sql.VarBinary(sql.MAX), value: (u) => encodeEmbedding(u.embedding) },
    { name: 'model', type: sql.NVarChar(200), value: (u) => u.model },
  ];
  return scope.atomic(async (tx) => {
    // Embeddings of another model are kept before they are overwritten.
    await updateFromValues(tx, updates, archived, (values) =>
      archiveEmbeddingsSql('1 = 1', 'v.model', `dbo.Faces f JOIN (VALUES ${values}) AS v (id, model) ON f.Id = v.id`),
    );
    return setEmbeddingValues(tx, updates, columns);
  });
}

function setEmbeddingValues(scope: MssqlScope, updates: EmbeddingUpdate[], columns: Column<EmbeddingUpdate>[]) {
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

export async function getFaces(scope: MssqlScope, faceIds: number[]): Promise<FaceDetail[]> {
  const found: FaceDetail[] = [];
  for (const part of chunk([...new Set(faceIds)], ID_COLUMN.length)) {
    const values = valuesList(part, ID_COLUMN);
    const result = await scope.query(
      faceDetailsWhere(`f.Id IN (SELECT v.id FROM (VALUES ${values.text}) AS v (id))`),
      values.params,
    );
    found.push(...result.recordset.map(faceDetailFromRow));
  }
  return found.sort((a, b) => a.id - b.id);
}

export function moveFaces(scope: MssqlScope, faceIds: number[], personId: number): Promise<number> {
  return forIds(
    scope,
    faceIds,
    (
      values,
    ) => `DELETE c FROM FrsCannotLink c JOIN (VALUES ${values}) AS v (id) ON c.FaceId = v.id WHERE c.PersonId = @person;
    UPDATE f SET f.PersonId = @person, f.IsUserVerified = 1, f.IsRejected = 0, f.ModifiedAt = SYSUTCDATETIME()
    FROM Faces f JOIN (VALUES ${values}) AS v (id) ON f.Id = v.id;`,
    { person: [sql.Int, personId] },
  );
}

export function unassignFaces(scope: MssqlScope, faceIds: number[]): Promise<number> {
  return forIds(
    scope,
    faceIds,
    (values) => `INSERT INTO FrsCannotLink (FaceId, PersonId)
      SELECT f.Id, f.PersonId FROM Faces f JOIN (VALUES ${values}) AS v (id) ON f.Id = v.id
      WHERE f.PersonId IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM FrsCannotLink c WHERE c.FaceId = f.Id AND c.PersonId = f.PersonId);
    UPDATE f SET f.PersonId = NULL, f.IsUserVerified = 0, f.ModifiedAt = SYSUTCDATETIME()
    FROM Faces f JOIN (VALUES ${values}) AS v (id) ON f.Id = v.id WHERE f.PersonId IS NOT NULL;`,
  );
}

export function confirmFaces(scope: MssqlScope, faceIds: number[]): Promise<number> {
  return forIds(
    scope,
    faceIds,
    (values) => `UPDATE f SET f.IsUserVerified = 1, f.ModifiedAt = SYSUTCDATETIME()
    FROM Faces f JOIN (VALUES ${values}) AS v (id) ON f.Id = v.id
    WHERE f.PersonId IS NOT NULL AND COALESCE(f.IsUserVerified, 0) = 0;`,
  );
}

export function rejectFaces(scope: MssqlScope, faceIds: number[]): Promise<number> {
  return forIds(
    scope,
    faceIds,
    (values) => `UPDATE f SET f.PersonId = NULL, f.IsUserVerified = 1, f.IsRejected = 1, f.ModifiedAt = SYSUTCDATETIME()
    FROM Faces f JOIN (VALUES ${values}) AS v (id) ON f.Id = v.id WHERE COALESCE(f.IsRejected, 0) = 0;`,
  );
}

const PLACEMENT_COLUMNS: Column<FacePlacement>[] = [
  { name: 'face', type: sql.Int, value: (p) => p.faceId },
  { name: 'person', type: sql.Int, value: (p) => p.personId },
  { name: 'verified', type: sql.Bit, value: (p) => p.isUserVerified },
  { name: 'rejected', type: sql.Bit, value: (p) => p.isRejected },
];

export async function restoreFaces(scope: MssqlScope, placements: FacePlacement[]): Promise<number> {
  if (placements.length === 0) return 0;
  return scope.atomic(async (tx) => {
    let changed = 0;
    for (const part of chunk(placements, PLACEMENT_COLUMNS.length)) {
      const values = valuesList(part, PLACEMENT_COLUMNS);
      const v = `(VALUES ${values.text}) AS v (face, person, verified, rejected)`;
      const result = await tx.query(
        `DELETE c FROM FrsCannotLink c JOIN ${v} ON c.FaceId = v.face AND c.PersonId = v.person;
        UPDATE f SET f.PersonId = v.person, f.IsUserVerified = v.verified, f.IsRejected = v.rejected,
          f.ModifiedAt = SYSUTCDATETIME()
        FROM Faces f JOIN ${v} ON f.Id = v.face;`,
        values.params,
      );
      changed += result.rowsAffected.at(-1) ?? 0;
    }
    return changed;
  });
}

export async function cannotLinks(scope: MssqlScope): Promise<CannotLink[]> {
  return (await scope.query(CANNOT_LINKS_SQL)).recordset.map((r) => ({
    faceId: num(r.FaceId),
    personId: num(r.PersonId),
  }));
}

export async function unassignedFaces(scope: MssqlScope, model: string, page: PageRequest): Promise<Page<FaceDetail>> {
  const params: Params = { model: [MODEL, model], ...pagingParams(page) };
  const rows = (await scope.query(UNASSIGNED_FACES.page, params)).recordset;
  return pageFromRows(rows, faceDetailFromRow, page.offset, async () =>
    num((await scope.query(UNASSIGNED_FACES.count, params)).recordset[0].N),
  );
}
