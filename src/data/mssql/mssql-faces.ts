/** Embeddings, clustering inputs, face assignment and persons (T-SQL). */
import sql from 'mssql';
import { encodeEmbedding } from '../embedding-codec.js';
import { normalizePersons } from '../person-input.js';
import type {
  EmbeddingUpdate, FaceAssignment, FaceToEmbed, GroupingFace, NewPerson, PersonDetail, PersonSummary, PortraitUpdate, TidyResult,
} from '../repository.js';
import { faceFromRow, groupingFaceFromRow, num, numOrNull, parseBox, parseLandmarks, personFromRow, strOrNull } from '../row-mappers.js';
import {
  EMPTY_PERSON_CONDITION, FACES_FOR_GROUPING_SQL, GROUPING_FINGERPRINT_SQL, FACES_OF_PERSON_SQL, GET_PERSON_SQL, LIST_PERSONS_SQL, STALE_PORTRAIT_CONDITION, UNGROUPED_FACES_CONDITION,
} from '../shared-queries.js';
import { chunk, type Column, valuesList } from './mssql-batch.js';
import type { MssqlScope } from './mssql-scope.js';

const TEXT = sql.NVarChar(sql.MAX);

export async function facesWithoutEmbedding(scope: MssqlScope, model: string, limit: number): Promise<FaceToEmbed[]> {
  const result = await scope.query(
    `SELECT TOP (@limit) f.Id, f.MediaItemId, i.MediaFileId, m.FilePath, f.BoundingBox, f.Landmarks, f.Name, f.ThumbnailPath, f.FrameNumber
      FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId JOIN MediaFile m ON m.Id = i.MediaFileId
      WHERE f.Embedding IS NULL OR f.EmbeddingModel IS NULL OR f.EmbeddingModel <> @model
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

/** One UPDATE ... FROM (VALUES ...) per chunk, all chunks in one transaction; returns rows changed. */
async function updateFromValues<R>(scope: MssqlScope, rows: R[], columns: Column<R>[], statement: (values: string) => string): Promise<number> {
  if (rows.length === 0) return 0;
  return scope.atomic(async (tx) => {
    let changed = 0;
    for (const part of chunk(rows, columns.length)) {
      const values = valuesList(part, columns);
      const result = await tx.query(statement(values.text), values.params);
      changed += result.rowsAffected.reduce((a, b) => a + b, 0);
    }
    return changed;
  });
}

export function setEmbeddings(scope: MssqlScope, updates: EmbeddingUpdate[]): Promise<number> {
  const columns: Column<EmbeddingUpdate>[] = [
    { name: 'id', type: sql.Int, value: (u) => u.faceId },
    { name: 'emb', type: sql.VarBinary(sql.MAX), value: (u) => encodeEmbedding(u.embedding) },
    { name: 'model', type: sql.NVarChar(200), value: (u) => u.model },
  ];
  return updateFromValues(scope, updates, columns, (values) => `UPDATE f SET f.Embedding = v.emb, f.EmbeddingModel = v.model, f.GroupedAt = NULL, f.ModifiedAt = SYSUTCDATETIME()
    FROM Faces f JOIN (VALUES ${values}) AS v (id, emb, model) ON f.Id = v.id`);
}

const MODEL = sql.NVarChar(200);

export async function facesForGrouping(scope: MssqlScope, model: string): Promise<GroupingFace[]> {
  return (await scope.query(FACES_FOR_GROUPING_SQL, { model: [MODEL, model] })).recordset.map(groupingFaceFromRow);
}

export async function groupingFingerprint(scope: MssqlScope, model: string): Promise<string> {
  const result = await scope.query(GROUPING_FINGERPRINT_SQL, { model: [MODEL, model] });
  // BIGINT sums arrive as strings and DATETIME2 as Date: both serialise to stable text.
  return JSON.stringify(result.recordset[0]);
}

export async function hasUngroupedFaces(scope: MssqlScope, model: string): Promise<boolean> {
  const result = await scope.query(`SELECT CASE WHEN EXISTS (SELECT 1 FROM Faces WHERE ${UNGROUPED_FACES_CONDITION}) THEN 1 ELSE 0 END AS Found`, { model: [MODEL, model] });
  return num(result.recordset[0].Found) === 1;
}

const ID_COLUMN: Column<number>[] = [{ name: 'id', type: sql.Int, value: (id) => id }];

export function markFacesGrouped(scope: MssqlScope, faceIds: number[]): Promise<number> {
  return updateFromValues(scope, faceIds, ID_COLUMN, (values) => `UPDATE f SET f.GroupedAt = SYSUTCDATETIME()
    FROM Faces f JOIN (VALUES ${values}) AS v (id) ON f.Id = v.id`);
}

const ASSIGNMENT_COLUMNS: Column<FaceAssignment>[] = [
  { name: 'face', type: sql.Int, value: (a) => a.faceId },
  { name: 'person', type: sql.Int, value: (a) => a.personId },
];

export function assignFaces(scope: MssqlScope, assignments: FaceAssignment[]): Promise<number> {
  // EXISTS (x EXCEPT y) is a NULL-safe "x differs from y": unchanged rows are not counted.
  return updateFromValues(scope, assignments, ASSIGNMENT_COLUMNS, (values) => `UPDATE f SET f.PersonId = v.person, f.ModifiedAt = SYSUTCDATETIME()
    FROM Faces f JOIN (VALUES ${values}) AS v (face, person) ON f.Id = v.face
    WHERE COALESCE(f.IsUserVerified, 0) = 0 AND EXISTS (SELECT f.PersonId EXCEPT SELECT v.person)`);
}

export function verifyFaces(scope: MssqlScope, assignments: FaceAssignment[]): Promise<number> {
  return updateFromValues(scope, assignments, ASSIGNMENT_COLUMNS, (values) => `UPDATE f SET f.PersonId = v.person, f.IsUserVerified = 1, f.ModifiedAt = SYSUTCDATETIME()
    FROM Faces f JOIN (VALUES ${values}) AS v (face, person) ON f.Id = v.face`);
}

export async function tidyPersons(scope: MssqlScope, personIds: number[]): Promise<TidyResult> {
  if (personIds.length === 0) return { portraitsCleared: 0, personsDeleted: 0 };
  return scope.atomic(async (tx) => {
    const result: TidyResult = { portraitsCleared: 0, personsDeleted: 0 };
    for (const part of chunk(personIds, ID_COLUMN.length)) {
      const values = valuesList(part, ID_COLUMN);
      const ids = `SELECT v.id FROM (VALUES ${values.text}) AS v (id)`;
      const counts = await tx.query(
        `UPDATE Persons SET PortraitFaceId = NULL, PortraitMediaFileId = NULL, ModifiedAt = SYSUTCDATETIME()
          WHERE Id IN (${ids}) AND ${STALE_PORTRAIT_CONDITION};
        DECLARE @cleared INT = @@ROWCOUNT;
        DELETE FROM Persons WHERE Id IN (${ids}) AND ${EMPTY_PERSON_CONDITION};
        DECLARE @deleted INT = @@ROWCOUNT;
        SELECT @cleared AS PortraitsCleared, @deleted AS PersonsDeleted;`,
        values.params,
      );
      result.portraitsCleared += num(counts.recordset[0].PortraitsCleared);
      result.personsDeleted += num(counts.recordset[0].PersonsDeleted);
    }
    return result;
  });
}

export async function createPersons(scope: MssqlScope, persons: number | NewPerson[]): Promise<number[]> {
  const list = normalizePersons(persons);
  if (list.length === 0) return [];
  return scope.atomic(async (tx) => {
    const ids: number[] = [];
    // One INSERT per person, each with its own OUTPUT: recordsets come back in input order,
    // which a single multi-row INSERT ... OUTPUT does not promise.
    for (const part of chunk(list, 4)) {
      const params: Record<string, [ReturnType<typeof sql.NVarChar>, unknown]> = {};
      const statements = part.map((p, i) => {
        params[`n${i}`] = [TEXT, p.name ?? null];
        params[`r${i}`] = [TEXT, p.rank ?? null];
        params[`a${i}`] = [TEXT, p.appointment ?? null];
        params[`t${i}`] = [TEXT, p.type ?? null];
        return `INSERT INTO Persons (Name, Rank, Appointment, Type, CreatedAt, ModifiedAt) OUTPUT inserted.Id
          VALUES (@n${i}, @r${i}, @a${i}, @t${i}, SYSUTCDATETIME(), SYSUTCDATETIME());`;
      });
      const result = await tx.query(statements.join('\n'), params);
      for (const recordset of result.recordsets as unknown as { Id: number }[][]) ids.push(num(recordset[0].Id));
    }
    return ids;
  });
}

export function setPortraits(scope: MssqlScope, updates: PortraitUpdate[]): Promise<number> {
  const columns: Column<PortraitUpdate>[] = [
    { name: 'person', type: sql.Int, value: (u) => u.personId },
    { name: 'face', type: sql.Int, value: (u) => u.faceId },
    { name: 'mfile', type: sql.Int, value: (u) => u.mediaFileId },
  ];
  return updateFromValues(scope, updates, columns, (values) => `UPDATE p SET p.PortraitFaceId = v.face, p.PortraitMediaFileId = v.mfile, p.ModifiedAt = SYSUTCDATETIME()
    FROM Persons p JOIN (VALUES ${values}) AS v (person, face, mfile) ON p.Id = v.person`);
}

export async function listPersons(scope: MssqlScope): Promise<PersonSummary[]> {
  return (await scope.query(LIST_PERSONS_SQL)).recordset.map(personFromRow);
}

export async function getPerson(scope: MssqlScope, id: number): Promise<PersonDetail | null> {
  const result = await scope.query(`${GET_PERSON_SQL};\n${FACES_OF_PERSON_SQL};`, { id: [sql.Int, id] });
  const [persons, faces] = result.recordsets as unknown as Record<string, unknown>[][];
  if (!persons[0]) return null;
  return { ...personFromRow(persons[0]), faces: faces.map(faceFromRow) };
}
