/**
 * Row → domain mapping shared by both adapters. Both select the same column names; the
 * drivers differ only in value types (SQL Server: Date, boolean; SQLite: text, 0/1), and
 * legacy rows may hold loosely formatted values, so every reader is tolerant.
 */
import { decodeEmbedding } from './embedding-codec.js';
import type {
  FaceToEmbed,
  KnownMediaFile,
  BoundingBox,
  FaceDetail,
  FaceRecord,
  FrsRequest,
  GroupingFace,
  LibraryActivity,
  MediaItemState,
  MediaItemStatus,
  Page,
  PersonSummary,
  Point,
  RepositoryStats,
  RequestStatus,
} from './repository.js';

export type Row = Record<string, unknown>;

export function num(value: unknown): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new TypeError(`expected a number, got ${String(value)}`);
  return n;
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

export function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** SQL Server gives Date objects; SQLite keeps whatever text was written (ISO from FRS). */
export function timeOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}

export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 1n;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

export function parseBox(text: unknown): BoundingBox | null {
  const value = parseJson(text);
  return isNumberArray(value) && value.length === 4 ? (value as BoundingBox) : null;
}

export function parseLandmarks(text: unknown): Point[] | null {
  const value = parseJson(text);
  return Array.isArray(value) && value.every((p) => isNumberArray(p) && p.length === 2) ? (value as Point[]) : null;
}

export function embeddingOf(value: unknown): Float32Array {
  if (!(value instanceof Uint8Array)) throw new TypeError('expected an embedding blob');
  return decodeEmbedding(value);
}

/** Columns every face query selects (alias f), in the names faceFromRow reads. */
export const FACE_COLUMNS = `f.Id, f.MediaItemId, f.PersonId, f.BoundingBox, f.DetectorScore, f.Landmarks, f.Name,
  f.ThumbnailPath, f.FrameNumber, f.Sharpness, f.Quality, f.EmbeddingModel, f.IsUserVerified, f.IsRejected,
  CASE WHEN f.Embedding IS NULL THEN 0 ELSE 1 END AS HasEmbedding`;

export function faceFromRow(r: Row): FaceRecord {
  return {
    id: num(r.Id),
    mediaItemId: num(r.MediaItemId),
    personId: numOrNull(r.PersonId),
    boundingBox: parseBox(r.BoundingBox),
    detectorScore: numOrNull(r.DetectorScore),
    landmarks: parseLandmarks(r.Landmarks),
    thumbnailName: strOrNull(r.Name),
    thumbnailPath: strOrNull(r.ThumbnailPath),
    frameNumber: numOrNull(r.FrameNumber),
    sharpness: numOrNull(r.Sharpness),
    quality: numOrNull(r.Quality),
    embeddingModel: strOrNull(r.EmbeddingModel),
    hasEmbedding: bool(r.HasEmbedding),
    isUserVerified: bool(r.IsUserVerified),
    isRejected: bool(r.IsRejected),
  };
}

/** FACE_COLUMNS plus the photo and the person's name (FACE_DETAIL_FROM). */
export const FACE_DETAIL_COLUMNS = `${FACE_COLUMNS}, i.MediaFileId, m.FileName, m.FilePath, fp.Name AS PersonName`;

export function faceDetailFromRow(r: Row): FaceDetail {
  return {
    ...faceFromRow(r),
    mediaFileId: num(r.MediaFileId),
    fileName: strOrNull(r.FileName),
    filePath: String(r.FilePath),
    personName: strOrNull(r.PersonName),
  };
}

/** Rows of a page carry COUNT(*) OVER () as TotalRows; an empty page past the end asks `count`. */
export async function pageFromRows<T>(
  rows: Row[],
  map: (r: Row) => T,
  offset: number,
  count: () => number | Promise<number>,
): Promise<Page<T>> {
  if (rows.length > 0) return { items: rows.map(map), total: num(rows[0].TotalRows) };
  return { items: [], total: offset > 0 ? await count() : 0 };
}

/** A registered original as registration compares it with a file on disk or a blob. */
export function knownFromRow(r: Row): KnownMediaFile {
  return {
    mediaFileId: num(r.Id),
    mediaItemId: numOrNull(r.ItemId),
    filePath: String(r.FilePath),
    contentHash: strOrNull(r.ContentHash),
    fileSize: numOrNull(r.FileSize),
    fileModifiedMs: numOrNull(r.FileModifiedMs),
    duplicateOfItemId: numOrNull(r.CopyOf),
  };
}

/** A face with what the embedder and the thumbnail maker need to read it from its original. */
export function faceToEmbedFromRow(r: Row): FaceToEmbed {
  return {
    id: num(r.Id),
    mediaItemId: num(r.MediaItemId),
    mediaFileId: num(r.MediaFileId),
    filePath: String(r.FilePath),
    boundingBox: parseBox(r.BoundingBox),
    landmarks: parseLandmarks(r.Landmarks),
    thumbnailName: strOrNull(r.Name),
    thumbnailPath: strOrNull(r.ThumbnailPath),
    frameNumber: numOrNull(r.FrameNumber),
    detectorScore: numOrNull(r.DetectorScore),
  };
}

export function groupingFaceFromRow(r: Row): GroupingFace {
  return {
    id: num(r.Id),
    mediaFileId: num(r.MediaFileId),
    embedding: embeddingOf(r.Embedding),
    sharpness: numOrNull(r.Sharpness),
    score: numOrNull(r.DetectorScore),
    quality: numOrNull(r.Quality),
    personId: numOrNull(r.PersonId),
    isUserVerified: bool(r.IsUserVerified),
    grouped: bool(r.Grouped),
  };
}

export const ITEM_COLUMNS =
  'Id, MediaFileId, Status, Attempts, LastError, LeaseOwner, LeaseExpiresAt, FacesExtractedOn';

export function itemFromRow(r: Row): MediaItemState {
  return {
    id: num(r.Id),
    mediaFileId: num(r.MediaFileId),
    status: String(r.Status) as MediaItemStatus,
    attempts: num(r.Attempts),
    lastError: strOrNull(r.LastError),
    leaseOwner: strOrNull(r.LeaseOwner),
    leaseExpiresAt: timeOrNull(r.LeaseExpiresAt),
    facesExtractedOn: timeOrNull(r.FacesExtractedOn),
  };
}

export function personFromRow(r: Row): PersonSummary {
  return {
    id: num(r.Id),
    name: strOrNull(r.Name),
    nameIsGenerated: bool(r.NameIsGenerated),
    rank: strOrNull(r.Rank),
    appointment: strOrNull(r.Appointment),
    type: strOrNull(r.Type),
    faceCount: num(r.FaceCount ?? 0),
    verifiedFaceCount: num(r.VerifiedFaceCount ?? 0),
    portraitFaceId: numOrNull(r.PortraitFaceId),
    portraitMediaFileId: numOrNull(r.PortraitMediaFileId),
    portraitThumbnailName: strOrNull(r.PortraitThumbnailName),
    portraitThumbnailPath: strOrNull(r.PortraitThumbnailPath),
    hidden: bool(r.IsHidden),
    portraitChosen: bool(r.IsPortraitChosen),
  };
}

export function requestFromRow(r: Row): FrsRequest {
  return {
    id: num(r.Id),
    kind: String(r.Kind),
    status: String(r.Status) as RequestStatus,
    payload: parseJson(r.Payload),
    result: parseJson(r.Result),
    requestedAt: timeOrNull(r.RequestedAt),
    startedAt: timeOrNull(r.StartedAt),
    finishedAt: timeOrNull(r.FinishedAt),
  };
}

/** JSON text for a JSON column; undefined and null both store NULL. */
export function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** RepositoryStats from the STATS_SQL row and the ITEM_STATUS_COUNTS_SQL rows (both dialects). */
export function activityFromRows(totals: Row, lastRecluster: Row | undefined): LibraryActivity {
  return {
    lastProcessedAt: timeOrNull(totals.LastProcessedAt),
    lastRecluster: lastRecluster ? requestFromRow(lastRecluster) : null,
    queuedReclusters: num(totals.QueuedReclusters),
  };
}

export function statsFromRows(totals: Row, byStatus: Row[]): RepositoryStats {
  const items: Record<MediaItemStatus, number> = { pending: 0, processing: 0, done: 0, failed: 0 };
  for (const row of byStatus) items[row.Status as MediaItemStatus] = num(row.N);
  return {
    mediaFiles: num(totals.MediaFiles),
    items,
    faces: num(totals.Faces),
    facesWithEmbedding: num(totals.FacesWithEmbedding),
    unassignedFaces: num(totals.UnassignedFaces),
    verifiedFaces: num(totals.VerifiedFaces),
    persons: num(totals.Persons),
    queuedRequests: num(totals.QueuedRequests),
  };
}
