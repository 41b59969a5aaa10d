/**
 * The JSON shapes of the people API, shared by the HTTP functions and `frs ... --json`, so both
 * answer the same fields. Thumbnails and originals are links into the API itself
 * (`/api/faces/{id}/thumbnail`, `/api/media/{id}/image`): private storage needs no SAS in a client.
 */
import type { BoundingBox, FaceDetail, PersonSummary, Photo } from '../data/repository.js';
import { roundBox } from '../vision/round-box.js';
import { displayName } from './person-fields.js';
import type { MergeOutcome, Paged, UnassignedFace } from './people-service.js';

export const thumbnailUrl = (faceId: number): string => `/api/faces/${faceId}/thumbnail`;
export const imageUrl = (itemId: number): string => `/api/media/${itemId}/image`;

export interface PersonView {
  id: number;
  name: string | null;
  /** True while `name` is the generated `Unknown-<id>` (src/data/person-names.ts): shown, but not a user's name. */
  nameIsGenerated: boolean;
  displayName: string;
  rank: string | null;
  appointment: string | null;
  type: string | null;
  hidden: boolean;
  faceCount: number;
  verifiedFaceCount: number;
  portraitFaceId: number | null;
  portraitUrl: string | null;
}

export function personView(p: PersonSummary): PersonView {
  return {
    id: p.id,
    name: p.name,
    nameIsGenerated: p.nameIsGenerated,
    displayName: displayName(p),
    rank: p.rank,
    appointment: p.appointment,
    type: p.type,
    hidden: p.hidden,
    faceCount: p.faceCount,
    verifiedFaceCount: p.verifiedFaceCount,
    portraitFaceId: p.portraitFaceId,
    portraitUrl: p.portraitFaceId === null ? null : thumbnailUrl(p.portraitFaceId),
  };
}

export interface FaceView {
  id: number;
  mediaItemId: number;
  fileName: string | null;
  filePath: string;
  box: BoundingBox | null;
  personId: number | null;
  isUserVerified: boolean;
  thumbnailUrl: string;
  /**
   * What FRS measured of the face: `score` 0..1 (src/vision/face-quality.ts; null when not
   * measured yet), `low` when it is below FRS_MIN_FACE_QUALITY (the face never starts or bridges
   * a person), and the detector score and chip sharpness it comes from.
   */
  quality?: { score: number | null; low: boolean; detectorScore: number | null; sharpness: number | null };
}

export function faceView(f: FaceDetail & { lowQuality?: boolean }): FaceView {
  const view: FaceView = {
    id: f.id,
    mediaItemId: f.mediaItemId,
    fileName: f.fileName,
    filePath: f.filePath,
    box: roundBox(f.boundingBox),
    personId: f.personId,
    isUserVerified: f.isUserVerified,
    thumbnailUrl: thumbnailUrl(f.id),
  };
  if (f.detectorScore !== null || f.sharpness !== null || f.quality !== null)
    view.quality = {
      score: f.quality,
      low: f.lowQuality ?? false,
      detectorScore: f.detectorScore,
      sharpness: f.sharpness,
    };
  return view;
}

export const pagedView = <T, V>(page: Paged<T>, view: (item: T) => V) => ({
  items: page.items.map(view),
  page: page.page,
  pageSize: page.pageSize,
  total: page.total,
});

export const unassignedFaceView = (f: UnassignedFace) => ({
  ...faceView(f),
  suggestions: f.suggestions.map((s) => ({ personId: s.personId, name: s.name, similarity: s.similarity })),
});

export const mergeView = (m: MergeOutcome) => ({
  person: personView(m.person),
  mergedPersonIds: m.mergedPersonIds,
  movedFaceIds: m.movedFaceIds,
});

export const photoView = (p: Photo) => ({
  id: p.itemId,
  fileName: p.fileName,
  filePath: p.filePath,
  imageUrl: imageUrl(p.itemId),
  faces: p.faces.map((f) => ({
    id: f.id,
    box: roundBox(f.boundingBox),
    personId: f.personId,
    personName: f.personName,
    isUserVerified: f.isUserVerified,
    thumbnailUrl: thumbnailUrl(f.id),
  })),
});
