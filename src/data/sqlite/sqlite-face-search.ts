/** Face search (SQLite): HNSW candidates (face-index/face-index.ts), ranked again exactly from Faces. */
import type Database from 'better-sqlite3';
import { candidatesFor } from '../face-index/face-index.js';
import { decodeEmbedding } from '../embedding-codec.js';
import { rankCandidates } from '../nearest-ranking.js';
import type { FaceEmbedding, FaceSearchRefresh, NearestFace, NearestFacesOptions } from '../repository.js';
import { sqliteFaceIndex } from './sqlite-face-log.js';
import { sql } from './sqlite-statements.js';

type Db = Database.Database;

interface CandidateRow {
  Id: number;
  PersonId: number | null;
  Embedding: Uint8Array | null;
  EmbeddingModel: string | null;
  IsRejected: number | null;
}

export function faceEmbedding(db: Db, faceId: number): FaceEmbedding | null {
  const row = sql(db, 'SELECT Id, Embedding, EmbeddingModel, IsRejected FROM Faces WHERE Id = ?').get(faceId) as
    Omit<CandidateRow, 'PersonId'> | undefined;
  if (!row) return null;
  const embedded = row.Embedding !== null && row.EmbeddingModel !== null;
  return {
    faceId: row.Id,
    model: embedded ? row.EmbeddingModel : null,
    embedding: embedded ? decodeEmbedding(row.Embedding!) : null,
    isRejected: Boolean(row.IsRejected),
  };
}

export async function nearestFaces(
  db: Db,
  model: string,
  query: Float32Array,
  k: number,
  options: NearestFacesOptions = {},
): Promise<NearestFace[]> {
  const extra = options.excludeFaceId === undefined ? 0 : 1;
  const ids = await sqliteFaceIndex(db).candidates(model, query, candidatesFor(k) + extra);
  if (ids.length === 0) return [];
  const rows = sql(
    db,
    `SELECT Id, PersonId, Embedding, EmbeddingModel, IsRejected FROM Faces WHERE Id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(ids)) as CandidateRow[];
  const candidates = rows.map((r) => ({
    faceId: r.Id,
    personId: r.PersonId,
    model: r.EmbeddingModel,
    embedding: r.Embedding ? decodeEmbedding(r.Embedding) : null,
    isRejected: Boolean(r.IsRejected),
  }));
  return rankCandidates(candidates, model, query, k, options.excludeFaceId);
}

export async function refreshFaceSearch(db: Db, model: string): Promise<FaceSearchRefresh> {
  const refreshed = await sqliteFaceIndex(db).refresh(model);
  return { indexed: refreshed?.size ?? 0, built: refreshed?.built ?? false };
}
