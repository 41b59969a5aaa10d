/** Persons: creating, tidying, portraits and listings (T-SQL). */
import sql from 'mssql';
import { assertPersonFits, mergedFields, normalizePersons, updateAssignments } from '../person-input.js';
import { generatedPersonName } from '../person-names.js';
import type {
  FaceDetail,
  MergeResult,
  NewPerson,
  Page,
  PageRequest,
  PersonDetail,
  PersonQuery,
  PersonSummary,
  PersonUpdate,
  PortraitUpdate,
  TidyResult,
} from '../repository.js';
import { faceDetailFromRow, faceFromRow, num, pageFromRows, personFromRow, type Row } from '../row-mappers.js';
import {
  EMPTY_PERSON_CONDITION,
  FACES_OF_PERSON_PAGE,
  FACES_OF_PERSON_SQL,
  GET_PERSON_SQL,
  KEPT_PORTRAIT_CONDITION,
  LIST_PERSONS_SQL,
  personsWhereIdIn,
  searchPersonsQuery,
  searchText,
  STALE_PORTRAIT_CONDITION,
} from '../shared-queries.js';
import { chunk, type Column, forIds, ID_COLUMN, pagingParams, updateFromValues, valuesList } from './mssql-batch.js';
import { isBlank } from './mssql-collation.js';
import type { MssqlScope, Params } from './mssql-scope.js';

const TEXT = sql.NVarChar(sql.MAX);
/** The counts come from the indexed view; NOEXPAND makes every edition read its index rather than expand it. */
const withCountsIndex = (text: string) => text.replaceAll('FrsPersonCounts c ', 'FrsPersonCounts c WITH (NOEXPAND) ');
const SEARCH_PERSONS = (({ page, count }) => ({ page: withCountsIndex(page), count }))(
  searchPersonsQuery('CHARINDEX(LOWER(@search), LOWER(p.Name)) > 0'),
);

/**
 * The shared EMPTY_PERSON_CONDITION with SQLite's meaning of empty: on SQL Server `'   ' = ''` is
 * true, so a name of spaces would count as no name and its person could be deleted.
 */
const EMPTY_PERSON = EMPTY_PERSON_CONDITION.replace(/COALESCE\((Persons\.\w+), ''\) = ''/g, (_m, column: string) =>
  isBlank(column),
);

export async function tidyPersons(scope: MssqlScope, personIds: number[]): Promise<TidyResult> {
  if (personIds.length === 0) return { portraitsCleared: 0, personsDeleted: 0 };
  return scope.atomic(async (tx) => {
    const result: TidyResult = { portraitsCleared: 0, personsDeleted: 0 };
    for (const part of chunk(personIds, ID_COLUMN.length)) {
      const values = valuesList(part, ID_COLUMN);
      const ids = `SELECT v.id FROM (VALUES ${values.text}) AS v (id)`;
      const counts = await tx.query(
        `UPDATE Persons SET PortraitFaceId = NULL, PortraitMediaFileId = NULL, IsPortraitChosen = 0, ModifiedAt = SYSUTCDATETIME()
          WHERE Id IN (${ids}) AND ${STALE_PORTRAIT_CONDITION};
        DECLARE @cleared INT = @@ROWCOUNT;
        DELETE FROM Persons WHERE Id IN (${ids}) AND ${EMPTY_PERSON};
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

const GENERATED_NAME_COLUMNS: Column<number>[] = [
  { name: 'id', type: sql.Int, value: (id) => id },
  { name: 'name', type: sql.NVarChar(255), value: (id) => generatedPersonName(id) },
];

export async function createPersons(scope: MssqlScope, persons: number | NewPerson[]): Promise<number[]> {
  const list = normalizePersons(persons);
  list.forEach(assertPersonFits);
  if (list.length === 0) return [];
  return scope.atomic(async (tx) => {
    const ids: number[] = [];
    // One INSERT per person, its id OUTPUT INTO a table variable (a bare OUTPUT clause fails with
    // error 334 on a table with triggers). Single-row INSERTs run one after another, so the
    // IDENTITY ids grow in input order, which a multi-row INSERT ... OUTPUT would not promise.
    for (const part of chunk(list, 4)) {
      const params: Record<string, [ReturnType<typeof sql.NVarChar>, unknown]> = {};
      const statements = part.map((p, i) => {
        params[`n${i}`] = [TEXT, p.name ?? null];
        params[`r${i}`] = [TEXT, p.rank ?? null];
        params[`a${i}`] = [TEXT, p.appointment ?? null];
        params[`t${i}`] = [TEXT, p.type ?? null];
        return `INSERT INTO Persons (Name, Rank, Appointment, Type, CreatedAt, ModifiedAt) OUTPUT inserted.Id INTO @ids
          VALUES (@n${i}, @r${i}, @a${i}, @t${i}, SYSUTCDATETIME(), SYSUTCDATETIME());`;
      });
      const result = await tx.query(
        `DECLARE @ids TABLE (Id INT NOT NULL PRIMARY KEY);
        ${statements.join('\n')}
        SELECT Id FROM @ids ORDER BY Id;`,
        params,
      );
      for (const row of result.recordset) ids.push(num(row.Id));
    }
    // Persons created without a name get the display name Unknown-<id>, marked as generated.
    const unnamed = ids.filter((_, i) => !list[i].name);
    await updateFromValues(
      tx,
      unnamed,
      GENERATED_NAME_COLUMNS,
      (values) => `UPDATE p SET p.Name = v.name, p.GeneratedName = v.name
      FROM dbo.Persons p JOIN (VALUES ${values}) AS v (id, name) ON p.Id = v.id`,
    );
    return ids;
  });
}

export function setPortraits(scope: MssqlScope, updates: PortraitUpdate[]): Promise<number> {
  const columns: Column<PortraitUpdate>[] = [
    { name: 'person', type: sql.Int, value: (u) => u.personId },
    { name: 'face', type: sql.Int, value: (u) => u.faceId },
    { name: 'mfile', type: sql.Int, value: (u) => u.mediaFileId },
  ];
  return updateFromValues(
    scope,
    updates,
    columns,
    (
      values,
    ) => `UPDATE Persons SET PortraitFaceId = v.face, PortraitMediaFileId = v.mfile, IsPortraitChosen = 0, ModifiedAt = SYSUTCDATETIME()
    FROM Persons JOIN (VALUES ${values}) AS v (person, face, mfile) ON Persons.Id = v.person
    WHERE NOT (${KEPT_PORTRAIT_CONDITION})`,
  );
}

export async function listPersons(scope: MssqlScope): Promise<PersonSummary[]> {
  return (await scope.query(withCountsIndex(LIST_PERSONS_SQL))).recordset.map(personFromRow);
}

export async function getPerson(scope: MssqlScope, id: number): Promise<PersonDetail | null> {
  const result = await scope.query(`${withCountsIndex(GET_PERSON_SQL)};\n${FACES_OF_PERSON_SQL};`, {
    id: [sql.Int, id],
  });
  const [persons, faces] = result.recordsets as unknown as Record<string, unknown>[][];
  if (!persons[0]) return null;
  return { ...personFromRow(persons[0]), faces: faces.map(faceFromRow) };
}

export async function searchPersons(scope: MssqlScope, query: PersonQuery): Promise<Page<PersonSummary>> {
  const hidden = query.hidden ?? false;
  const params: Params = {
    search: [TEXT, searchText(query.search)],
    hidden: [sql.Bit, hidden === 'all' ? null : hidden],
    ...pagingParams(query),
  };
  const rows = (await scope.query(SEARCH_PERSONS.page, params)).recordset;
  return pageFromRows(rows, personFromRow, query.offset, async () =>
    num((await scope.query(SEARCH_PERSONS.count, params)).recordset[0].N),
  );
}

export async function personFaces(scope: MssqlScope, personId: number, page: PageRequest): Promise<Page<FaceDetail>> {
  const params: Params = { id: [sql.Int, personId], ...pagingParams(page) };
  const rows = (await scope.query(FACES_OF_PERSON_PAGE.page, params)).recordset;
  return pageFromRows(rows, faceDetailFromRow, page.offset, async () =>
    num((await scope.query(FACES_OF_PERSON_PAGE.count, params)).recordset[0].N),
  );
}

export async function updatePerson(scope: MssqlScope, id: number, update: PersonUpdate): Promise<boolean> {
  const sets = updateAssignments(update);
  const params: Params = { id: [sql.Int, id] };
  for (const s of sets) params[s.param] = [typeof s.value === 'boolean' ? sql.Bit : TEXT, s.value];
  const text =
    sets.length === 0
      ? 'SELECT Id FROM Persons WHERE Id = @id'
      : `UPDATE Persons SET ${sets.map((s) => `${s.column} = @${s.param}`).join(', ')}, ModifiedAt = SYSUTCDATETIME() WHERE Id = @id`;
  const result = await scope.query(text, params);
  return (sets.length === 0 ? result.recordset.length : (result.rowsAffected[0] ?? 0)) > 0;
}

export async function mergePersons(scope: MssqlScope, targetId: number, sourceIds: number[]): Promise<MergeResult> {
  const sources = [...new Set(sourceIds)].filter((id) => id !== targetId);
  if (sources.length === 0) return { movedFaceIds: [], personsDeleted: 0 };
  return scope.atomic(async (tx) => {
    const ids = [targetId, ...sources];
    const values = valuesList(ids, ID_COLUMN);
    // UPDLOCK: the rows read here are the rows changed below, with no writer in between.
    const read = await tx.query(
      `SELECT Id, Name, GeneratedName, Rank, Appointment, Type FROM Persons WITH (UPDLOCK, HOLDLOCK)
      WHERE Id IN (SELECT v.id FROM (VALUES ${values.text}) AS v (id))`,
      values.params,
    );
    const byId = new Map(read.recordset.map((r) => [num(r.Id), r]));
    const fields = mergedFields(ids.map((id) => byId.get(id) ?? ({} as Row)));
    await tx.query(
      'UPDATE Persons SET Name = @n, Rank = @r, Appointment = @a, Type = @t, ModifiedAt = SYSUTCDATETIME() WHERE Id = @id',
      {
        id: [sql.Int, targetId],
        n: [TEXT, fields.Name],
        r: [TEXT, fields.Rank],
        a: [TEXT, fields.Appointment],
        t: [TEXT, fields.Type],
      },
    );
    const source = `SELECT v.id FROM (VALUES ${valuesList(sources, ID_COLUMN).text}) AS v (id)`;
    const sourceParams = valuesList(sources, ID_COLUMN).params;
    const moved = await tx.query(
      `SELECT Id FROM Faces WHERE PersonId IN (${source}) ORDER BY Id;
      UPDATE Faces SET PersonId = @target, ModifiedAt = SYSUTCDATETIME() WHERE PersonId IN (${source});
      INSERT INTO FrsCannotLink (FaceId, PersonId)
        SELECT DISTINCT c.FaceId, @target FROM FrsCannotLink c
        WHERE c.PersonId IN (${source})
          AND NOT EXISTS (SELECT 1 FROM FrsCannotLink t WHERE t.FaceId = c.FaceId AND t.PersonId = @target);
      DELETE FROM FrsCannotLink WHERE PersonId IN (${source});
      DELETE FROM Persons WHERE Id IN (${source});
      DECLARE @deleted INT = @@ROWCOUNT;
      UPDATE Faces SET IsUserVerified = 1, ModifiedAt = SYSUTCDATETIME()
        WHERE PersonId = @target AND COALESCE(IsUserVerified, 0) = 0;
      DELETE FROM FrsCannotLink WHERE PersonId = @target AND FaceId IN (SELECT Id FROM Faces WHERE PersonId = @target);
      SELECT @deleted AS Deleted;`,
      { ...sourceParams, target: [sql.Int, targetId] },
    );
    const [faces, deleted] = moved.recordsets as unknown as Row[][];
    return { movedFaceIds: faces.map((r) => num(r.Id)), personsDeleted: num(deleted[0].Deleted) };
  });
}

export async function choosePortrait(scope: MssqlScope, personId: number, faceId: number): Promise<boolean> {
  const result = await scope.query(
    `UPDATE p SET p.PortraitFaceId = f.Id, p.PortraitMediaFileId = i.MediaFileId, p.IsPortraitChosen = 1,
      p.ModifiedAt = SYSUTCDATETIME()
    FROM Persons p JOIN Faces f ON f.PersonId = p.Id JOIN MediaItems i ON i.Id = f.MediaItemId
    WHERE p.Id = @person AND f.Id = @face`,
    { person: [sql.Int, personId], face: [sql.Int, faceId] },
  );
  return (result.rowsAffected[0] ?? 0) > 0;
}

export async function deletePerson(scope: MssqlScope, id: number): Promise<number | null> {
  const result = await scope.query(
    `SET XACT_ABORT ON;
    BEGIN TRAN;
    DECLARE @found INT = (SELECT COUNT(*) FROM Persons WITH (UPDLOCK, HOLDLOCK) WHERE Id = @id);
    UPDATE Faces SET PersonId = NULL, IsUserVerified = 0, GroupedAt = NULL, ModifiedAt = SYSUTCDATETIME()
      WHERE PersonId = @id AND @found > 0;
    DECLARE @faces INT = @@ROWCOUNT;
    DELETE FROM FrsCannotLink WHERE PersonId = @id;
    DELETE FROM Persons WHERE Id = @id;
    COMMIT;
    SELECT @found AS Found, @faces AS Faces;`,
    { id: [sql.Int, id] },
  );
  const row = result.recordset[0];
  return num(row.Found) > 0 ? num(row.Faces) : null;
}

export function fillPortraits(scope: MssqlScope, personIds: number[]): Promise<number> {
  return forIds(
    scope,
    personIds,
    (
      values,
    ) => `UPDATE p SET p.PortraitFaceId = best.Id, p.PortraitMediaFileId = best.MediaFileId, p.IsPortraitChosen = 0,
      p.ModifiedAt = SYSUTCDATETIME()
    FROM Persons p JOIN (VALUES ${values}) AS v (id) ON p.Id = v.id
    CROSS APPLY (SELECT TOP (1) f.Id, i.MediaFileId FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId
      WHERE f.PersonId = p.Id ORDER BY COALESCE(f.DetectorScore, 0) DESC, f.Id) best
    WHERE p.PortraitFaceId IS NULL;`,
  );
}

export async function personSummaries(scope: MssqlScope, ids: number[]): Promise<PersonSummary[]> {
  const found: PersonSummary[] = [];
  for (const part of chunk([...new Set(ids)], ID_COLUMN.length)) {
    const values = valuesList(part, ID_COLUMN);
    const result = await scope.query(
      personsWhereIdIn(`SELECT v.id FROM (VALUES ${values.text}) AS v (id)`),
      values.params,
    );
    found.push(...result.recordset.map(personFromRow));
  }
  return found.sort((a, b) => a.id - b.id);
}
