/** Persons: creating, tidying, portraits and listings (SQLite). */
import type Database from 'better-sqlite3';
import type { NewPerson, PersonDetail, PersonSummary, PortraitUpdate, TidyResult } from '../repository.js';
import { faceFromRow, personFromRow, type Row } from '../row-mappers.js';
import {
  EMPTY_PERSON_CONDITION,
  FACES_OF_PERSON_SQL,
  GET_PERSON_SQL,
  LIST_PERSONS_SQL,
  STALE_PORTRAIT_CONDITION,
} from '../shared-queries.js';
import { nowIso, sql } from './sqlite-statements.js';
import { assertPersonFits, normalizePersons } from '../person-input.js';
import { generatedPersonName } from '../person-names.js';

type Db = Database.Database;

export function tidyPersons(db: Db, personIds: number[]): TidyResult {
  return db.transaction((): TidyResult => {
    const now = nowIso();
    const result: TidyResult = { portraitsCleared: 0, personsDeleted: 0 };
    for (const id of personIds) {
      result.portraitsCleared += sql(
        db,
        `UPDATE Persons SET PortraitFaceId = NULL, PortraitMediaFileId = NULL, ModifiedAt = @now
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
        'UPDATE Persons SET PortraitFaceId = ?, PortraitMediaFileId = ?, ModifiedAt = ? WHERE Id = ?',
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
