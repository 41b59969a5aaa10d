/** Persons: creating, tidying, portraits and listings (T-SQL). */
import sql from 'mssql';
import { normalizePersons } from '../person-input.js';
import type { NewPerson, PersonDetail, PersonSummary, PortraitUpdate, TidyResult } from '../repository.js';
import { faceFromRow, num, personFromRow } from '../row-mappers.js';
import {
  EMPTY_PERSON_CONDITION,
  FACES_OF_PERSON_SQL,
  GET_PERSON_SQL,
  LIST_PERSONS_SQL,
  STALE_PORTRAIT_CONDITION,
} from '../shared-queries.js';
import { chunk, type Column, ID_COLUMN, updateFromValues, valuesList } from './mssql-batch.js';
import { isBlank } from './mssql-collation.js';
import type { MssqlScope } from './mssql-scope.js';

const TEXT = sql.NVarChar(sql.MAX);

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
        `UPDATE Persons SET PortraitFaceId = NULL, PortraitMediaFileId = NULL, ModifiedAt = SYSUTCDATETIME()
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

export async function createPersons(scope: MssqlScope, persons: number | NewPerson[]): Promise<number[]> {
  const list = normalizePersons(persons);
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
    ) => `UPDATE p SET p.PortraitFaceId = v.face, p.PortraitMediaFileId = v.mfile, p.ModifiedAt = SYSUTCDATETIME()
    FROM Persons p JOIN (VALUES ${values}) AS v (person, face, mfile) ON p.Id = v.person`,
  );
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
