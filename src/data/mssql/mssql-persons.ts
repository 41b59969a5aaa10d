/** Persons: creating, tidying, portraits and listings (T-SQL). */
import sql from 'mssql';
import { assertPersonFits, normalizePersons } from '../person-input.js';
import { generatedPersonName } from '../person-names.js';
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
import type { MssqlScope } from './mssql-scope.js';

const TEXT = sql.NVarChar(sql.MAX);

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
