/** Embeddings, clustering inputs, face assignment and persons (SQLite). */
import type Database from 'better-sqlite3';
import { encodeEmbedding } from '../embedding-codec.js';
import type {
  EmbeddingUpdate, FaceAssignment, FaceToEmbed, NewPerson, PersonDetail, PersonFace, PersonSummary, PortraitUpdate, ResetResult, UnassignedFace,
} from '../repository.js';
import { bool, embeddingOf, faceFromRow, num, numOrNull, parseBox, parseLandmarks, personFromRow, strOrNull, type Row } from '../row-mappers.js';
import {
  CLEAR_STALE_PORTRAITS_SQL, DELETE_EMPTY_PERSONS_SQL, FACES_OF_PERSON_SQL, GET_PERSON_SQL, LIST_PERSONS_SQL,
} from '../shared-queries.js';
import { nowIso, sql } from './sqlite-statements.js';
import { normalizePersons } from '../person-input.js';

type Db = Database.Database;

export function facesWithoutEmbedding(db: Db, model: string, limit: number): FaceToEmbed[] {
  const rows = sql(db, `SELECT f.Id, f.MediaItemId, i.MediaFileId, m.FilePath, f.BoundingBox, f.Landmarks, f.Name, f.ThumbnailPath, f.FrameNumber
    FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId JOIN MediaFile m ON m.Id = i.MediaFileId
    WHERE f.Embedding IS NULL OR f.EmbeddingModel IS NULL OR f.EmbeddingModel <> @model
    ORDER BY f.Id LIMIT @limit`).all({ model, limit }) as Row[];
  return rows.map((r) => ({
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

export function setEmbeddings(db: Db, updates: EmbeddingUpdate[]): number {
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const u of updates) {
      changed += sql(db, 'UPDATE Faces SET Embedding = ?, EmbeddingModel = ?, ModifiedAt = ? WHERE Id = ?').run(
        encodeEmbedding(u.embedding), u.model, now, u.faceId).changes;
    }
    return changed;
  })();
}

export function unassignedFaces(db: Db, model: string): UnassignedFace[] {
  const rows = sql(db, `SELECT f.Id, i.MediaFileId, f.Embedding, f.Sharpness, f.DetectorScore FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId
    WHERE f.PersonId IS NULL AND COALESCE(f.IsUserVerified, 0) = 0 AND f.EmbeddingModel = ? AND f.Embedding IS NOT NULL
    ORDER BY f.Id`).all(model) as Row[];
  return rows.map((r) => ({ id: num(r.Id), mediaFileId: num(r.MediaFileId), embedding: embeddingOf(r.Embedding), sharpness: numOrNull(r.Sharpness), score: numOrNull(r.DetectorScore) }));
}

export function facesOfPersons(db: Db, model: string): PersonFace[] {
  const rows = sql(db, `SELECT f.Id, i.MediaFileId, f.PersonId, f.Embedding, f.Sharpness, f.DetectorScore, f.IsUserVerified FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId
    WHERE f.PersonId IS NOT NULL AND f.EmbeddingModel = ? AND f.Embedding IS NOT NULL
    ORDER BY f.PersonId, f.Id`).all(model) as Row[];
  return rows.map((r) => ({
    id: num(r.Id), mediaFileId: num(r.MediaFileId), personId: num(r.PersonId), embedding: embeddingOf(r.Embedding),
    sharpness: numOrNull(r.Sharpness), score: numOrNull(r.DetectorScore), isUserVerified: bool(r.IsUserVerified),
  }));
}

export function assignFaces(db: Db, assignments: FaceAssignment[]): number {
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const a of assignments) {
      changed += sql(db, `UPDATE Faces SET PersonId = ?, ModifiedAt = ?
        WHERE Id = ? AND COALESCE(IsUserVerified, 0) = 0 AND PersonId IS NOT ?`).run(a.personId, now, a.faceId, a.personId).changes;
    }
    return changed;
  })();
}

export function verifyFaces(db: Db, assignments: FaceAssignment[]): number {
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const a of assignments) {
      changed += sql(db, 'UPDATE Faces SET PersonId = ?, IsUserVerified = 1, ModifiedAt = ? WHERE Id = ?').run(a.personId, now, a.faceId).changes;
    }
    return changed;
  })();
}

export function resetAssignments(db: Db): ResetResult {
  return db.transaction((): ResetResult => {
    const facesUnassigned = sql(db, `UPDATE Faces SET PersonId = NULL, ModifiedAt = ?
      WHERE PersonId IS NOT NULL AND COALESCE(IsUserVerified, 0) = 0`).run(nowIso()).changes;
    sql(db, CLEAR_STALE_PORTRAITS_SQL).run();
    const personsDeleted = sql(db, DELETE_EMPTY_PERSONS_SQL).run().changes;
    return { facesUnassigned, personsDeleted };
  })();
}

export function createPersons(db: Db, persons: number | NewPerson[]): number[] {
  const list = normalizePersons(persons);
  return db.transaction((): number[] => {
    const now = nowIso();
    return list.map((p) => Number(sql(db, `INSERT INTO Persons (Name, Rank, Appointment, Type, CreatedAt, ModifiedAt) VALUES (?, ?, ?, ?, ?, ?)`).run(
      p.name ?? null, p.rank ?? null, p.appointment ?? null, p.type ?? null, now, now).lastInsertRowid));
  })();
}

export function setPortraits(db: Db, updates: PortraitUpdate[]): number {
  return db.transaction((): number => {
    const now = nowIso();
    let changed = 0;
    for (const u of updates) {
      changed += sql(db, 'UPDATE Persons SET PortraitFaceId = ?, PortraitMediaFileId = ?, ModifiedAt = ? WHERE Id = ?').run(
        u.faceId, u.mediaFileId, now, u.personId).changes;
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
