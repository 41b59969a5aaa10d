/** Persons: creating, tidying, portraits and listings (SQLite). */
import type Database from 'better-sqlite3';
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
  PERSON_COLUMNS,
  personsFilter,
  searchText,
  STALE_PORTRAIT_CONDITION,
} from '../shared-queries.js';
import { nowIso, sql } from './sqlite-statements.js';
import { assertPersonFits, mergedFields, normalizePersons, updateAssignments } from '../person-input.js';
import { generatedPersonName } from '../person-names.js';

type Db = Database.Database;

export function tidyPersons(db: Db, personIds: number[]): TidyResult {
  return db.transaction((): TidyResult => {
    const now = nowIso();
    const result: TidyResult = { portraitsCleared: 0, personsDeleted: 0 };
    for (const id of personIds) {
      result.portraitsCleared += sql(
        db,
        `UPDATE Persons SET PortraitFaceId = NULL, PortraitMediaFileId = NULL, IsPortraitChosen = 0, ModifiedAt = @now
        WHERE Id = @id AND ${STALE_PORTRAIT_CONDITION}`,
      ).run({ id, now }).changes;
      result.personsDeleted += sql(db, `DELETE FROM Persons WHERE Id = @id AND ${EMPTY_PERSON_CONDITION}`).run({
        id,
      }).changes;
    }
    return result;
  })();
}

export function createPersons(db: Db, persons: number | NewPerson[]): number[] {
  const list = normalizePersons(persons);
  list.forEach(assertPersonFits);
  return db.transaction((): number[] => {
    const now = nowIso();
    return list.map((p) => {
      const id = Number(
        sql(
          db,
          `INSERT INTO Persons (Name, Rank, Appointment, Type, CreatedAt, ModifiedAt) VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(p.name ?? null, p.rank ?? null, p.appointment ?? null, p.type ?? null, now, now).lastInsertRowid,
      );
      if (!p.name) {
        const generated = generatedPersonName(id);
        sql(db, 'UPDATE Persons SET Name = ?, GeneratedName = ? WHERE Id = ?').run(generated, generated, id);
      }
      return id;
    });
  })();
}

export function setPortraits(db: Db, updates: PortraitUpdate[]): number {
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const u of updates) {
      changed += sql(
        db,
        `UPDATE Persons SET PortraitFaceId = ?, PortraitMediaFileId = ?, IsPortraitChosen = 0, ModifiedAt = ?
        WHERE Id = ? AND NOT (${KEPT_PORTRAIT_CONDITION})`,
      ).run(u.faceId, u.mediaFileId, now, u.personId).changes;
    }
    return changed;
  })();
}

export function listPersons(db: Db): PersonSummary[] {
  return (sql(db, LIST_PERSONS_SQL).all() as Row[]).map(personFromRow);
}

export function getPerson(db: Db, id: number): PersonDetail | null {
  const row = sql(db, GET_PERSON_SQL).get({ id }) as Row | undefined;
  if (!row) return null;
  const faces = (sql(db, FACES_OF_PERSON_SQL).all({ id }) as Row[]).map(faceFromRow);
  return { ...personFromRow(row), faces };
}

const PERSONS_FILTER = personsFilter('instr(lower(p.Name), lower(@search)) > 0');

/**
 * A page of persons, largest first, in one statement: a walk of FrsPersonCounts' index in the
 * listing's order (every person has a row there, with its hidden flag; migration 12), LIMIT /
 * OFFSET, and the total counted in the same statement. Without a name search neither the walk
 * nor the total reads Persons, so a page costs its offset in index entries plus its own rows;
 * a name search filters the persons' names on the way.
 */
function personsPageSql(filter: 'visible-or-hidden' | 'all' | 'search'): { page: string; count: string } {
  const where = filter === 'search' ? PERSONS_FILTER : filter === 'all' ? '1 = 1' : 'c.Hidden = @hidden';
  const counted =
    filter === 'search'
      ? `SELECT COUNT(*) FROM Persons p WHERE ${PERSONS_FILTER}`
      : `SELECT COUNT(*) FROM FrsPersonCounts c WHERE ${where}`;
  // The page's ids first (the skipped rows touch only the index), then their details.
  const pageIds =
    filter === 'search'
      ? `SELECT c.PersonId FROM FrsPersonCounts c JOIN Persons p ON p.Id = c.PersonId WHERE ${where}`
      : `SELECT c.PersonId FROM FrsPersonCounts c WHERE ${where}`;
  return {
    page: `SELECT ${PERSON_COLUMNS}, (${counted}) AS TotalRows
    FROM (${pageIds} ORDER BY c.Total DESC, c.PersonId LIMIT @limit OFFSET @offset) pg
    JOIN FrsPersonCounts c ON c.PersonId = pg.PersonId
    JOIN Persons p ON p.Id = pg.PersonId
    LEFT JOIN Faces pf ON pf.Id = p.PortraitFaceId
    ORDER BY c.Total DESC, c.PersonId`,
    count: `SELECT (${counted}) AS N`,
  };
}
const PERSONS_PAGE = {
  'visible-or-hidden': personsPageSql('visible-or-hidden'),
  all: personsPageSql('all'),
  search: personsPageSql('search'),
};

export function searchPersons(db: Db, query: PersonQuery): Promise<Page<PersonSummary>> {
  const hidden = query.hidden ?? false;
  const search = searchText(query.search);
  const paging = { offset: query.offset, limit: query.limit };
  const hiddenParam = hidden === 'all' ? null : hidden ? 1 : 0;
  const [statements, params] =
    search !== null
      ? [PERSONS_PAGE.search, { ...paging, search, hidden: hiddenParam }]
      : hidden === 'all'
        ? [PERSONS_PAGE.all, paging]
        : [PERSONS_PAGE['visible-or-hidden'], { ...paging, hidden: hiddenParam }];
  const rows = sql(db, statements.page).all(params) as Row[];
  return pageFromRows(rows, personFromRow, query.offset, () => {
    const { offset: _offset, limit: _limit, ...countParams } = params as Record<string, unknown>;
    return num((sql(db, statements.count).get(countParams) as Row).N);
  });
}

export function personFaces(db: Db, personId: number, page: PageRequest): Promise<Page<FaceDetail>> {
  const params = { id: personId, offset: page.offset, limit: page.limit };
  const rows = sql(db, FACES_OF_PERSON_PAGE.page).all(params) as Row[];
  return pageFromRows(rows, faceDetailFromRow, page.offset, () =>
    num((sql(db, FACES_OF_PERSON_PAGE.count).get(params) as Row).N),
  );
}

export function updatePerson(db: Db, id: number, update: PersonUpdate): boolean {
  const sets = updateAssignments(update);
  if (sets.length === 0) return sql(db, 'SELECT 1 FROM Persons WHERE Id = ?').get(id) !== undefined;
  const params: Record<string, unknown> = { id, now: nowIso() };
  for (const s of sets) params[s.param] = typeof s.value === 'boolean' ? Number(s.value) : s.value;
  const text = `UPDATE Persons SET ${sets.map((s) => `${s.column} = @${s.param}`).join(', ')}, ModifiedAt = @now WHERE Id = @id`;
  return sql(db, text).run(params).changes > 0;
}

export function mergePersons(db: Db, targetId: number, sourceIds: number[]): MergeResult {
  const sources = [...new Set(sourceIds)].filter((id) => id !== targetId);
  if (sources.length === 0) return { movedFaceIds: [], personsDeleted: 0 };
  return db.transaction((): MergeResult => {
    const now = nowIso();
    const ids = [targetId, ...sources];
    const rows = ids.map(
      (id) => sql(db, 'SELECT Name, GeneratedName, Rank, Appointment, Type FROM Persons WHERE Id = ?').get(id) as Row,
    );
    const fields = mergedFields(rows.map((r) => r ?? {}));
    sql(
      db,
      'UPDATE Persons SET Name = @Name, Rank = @Rank, Appointment = @Appointment, Type = @Type, ModifiedAt = @now WHERE Id = @id',
    ).run({
      ...fields,
      now,
      id: targetId,
    });
    const movedFaceIds: number[] = [];
    let personsDeleted = 0;
    for (const source of sources) {
      for (const r of sql(db, 'SELECT Id FROM Faces WHERE PersonId = ? ORDER BY Id').all(source) as Row[])
        movedFaceIds.push(num(r.Id));
      sql(db, 'UPDATE Faces SET PersonId = ?, ModifiedAt = ? WHERE PersonId = ?').run(targetId, now, source);
      // A cannot-link to a source now means the target: the face left that person.
      sql(
        db,
        'INSERT OR IGNORE INTO FrsCannotLink (FaceId, PersonId, CreatedAt) SELECT FaceId, ?, ? FROM FrsCannotLink WHERE PersonId = ?',
      ).run(targetId, now, source);
      sql(db, 'DELETE FROM FrsCannotLink WHERE PersonId = ?').run(source);
      personsDeleted += sql(db, 'DELETE FROM Persons WHERE Id = ?').run(source).changes;
    }
    // Merged is decided: no regroup splits the person again.
    sql(
      db,
      'UPDATE Faces SET IsUserVerified = 1, ModifiedAt = ? WHERE PersonId = ? AND COALESCE(IsUserVerified, 0) = 0',
    ).run(now, targetId);
    // A cannot-link between the target and its own faces would contradict the merge.
    sql(db, 'DELETE FROM FrsCannotLink WHERE PersonId = ? AND FaceId IN (SELECT Id FROM Faces WHERE PersonId = ?)').run(
      targetId,
      targetId,
    );
    return { movedFaceIds: movedFaceIds.sort((a, b) => a - b), personsDeleted };
  })();
}

export function choosePortrait(db: Db, personId: number, faceId: number): boolean {
  return (
    sql(
      db,
      `UPDATE Persons SET PortraitFaceId = f.Id, PortraitMediaFileId = i.MediaFileId, IsPortraitChosen = 1, ModifiedAt = @now
      FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId
      WHERE Persons.Id = @personId AND f.Id = @faceId AND f.PersonId = Persons.Id`,
    ).run({ personId, faceId, now: nowIso() }).changes > 0
  );
}

export function deletePerson(db: Db, id: number): number | null {
  return db.transaction((): number | null => {
    const now = nowIso();
    if (sql(db, 'SELECT 1 FROM Persons WHERE Id = ?').get(id) === undefined) return null;
    const faces = sql(
      db,
      'UPDATE Faces SET PersonId = NULL, IsUserVerified = 0, GroupedAt = NULL, ModifiedAt = ? WHERE PersonId = ?',
    ).run(now, id).changes;
    sql(db, 'DELETE FROM FrsCannotLink WHERE PersonId = ?').run(id);
    sql(db, 'DELETE FROM Persons WHERE Id = ?').run(id);
    return faces;
  })();
}

export function fillPortraits(db: Db, personIds: number[]): number {
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const id of personIds) {
      const best = sql(
        db,
        `SELECT f.Id, i.MediaFileId FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId
        WHERE f.PersonId = ? ORDER BY COALESCE(f.DetectorScore, 0) DESC, f.Id LIMIT 1`,
      ).get(id) as Row | undefined;
      if (!best) continue;
      changed += sql(
        db,
        'UPDATE Persons SET PortraitFaceId = ?, PortraitMediaFileId = ?, IsPortraitChosen = 0, ModifiedAt = ? WHERE Id = ? AND PortraitFaceId IS NULL',
      ).run(best.Id, best.MediaFileId, now, id).changes;
    }
    return changed;
  })();
}

export function personSummaries(db: Db, ids: number[]): PersonSummary[] {
  return [...new Set(ids)]
    .sort((a, b) => a - b)
    .flatMap((id) => (sql(db, personsWhereIdIn('@id')).all({ id }) as Row[]).map(personFromRow));
}
