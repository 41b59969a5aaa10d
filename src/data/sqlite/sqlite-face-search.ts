/** Face search (SQLite): HNSW candidates (sqlite-vector-index.ts), ranked again exactly from Faces. */
import type Database from 'better-sqlite3';
import { decodeEmbedding } from '../embedding-codec.js';
import { BestFaces, cosineSimilarity } from '../nearest-ranking.js';
import type { FaceEmbedding, FaceSearchRefresh, NearestFace, NearestFacesOptions } from '../repository.js';
import { candidates, candidatesFor, refreshFaceIndex } from './sqlite-vector-index.js';
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

export function nearestFaces(
  db: Db,
  model: string,
  query: Float32Array,
  k: number,
  options: NearestFacesOptions = {},
): NearestFace[] {
  const ids = candidates(db, model, query, candidatesFor(k) + (options.excludeFaceId === undefined ? 0 : 1));
  if (ids.length === 0) return [];
  const rows = sql(
    db,
    `SELECT Id, PersonId, Embedding, EmbeddingModel, IsRejected FROM Faces WHERE Id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(ids)) as CandidateRow[];
  const best = new BestFaces(k);
  for (const row of rows) {
    if (row.Id === options.excludeFaceId || row.IsRejected || row.EmbeddingModel !== model || !row.Embedding) continue;
    const embedding = decodeEmbedding(row.Embedding);
    if (embedding.length !== query.length) continue;
    best.offer({ faceId: row.Id, personId: row.PersonId, similarity: cosineSimilarity(query, embedding) });
  }
  return best.result();
}

export function refreshFaceSearch(db: Db, model: string): FaceSearchRefresh {
  const refreshed = refreshFaceIndex(db, model);
  return { indexed: refreshed?.size ?? 0, built: refreshed?.built ?? false };
}
