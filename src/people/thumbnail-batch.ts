/**
 * Several face thumbnails in one answer, inlined as base64: the people grid's first screen
 * needs dozens of portraits at once, and one request for all of them beats dozens of round
 * trips over the six connections a browser opens to one host (bench/results/people-app.md).
 * The bytes come through the API like single thumbnails do, so the thumbnails store stays private.
 */
import { FrsError } from '../errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { PeopleService } from './people-service.js';

/** The most thumbnails one batch carries (a people page's cards; about 8 KB each at 160 px). */
export const MAX_THUMBNAIL_BATCH = 100;

export interface InlineThumbnail {
  faceId: number;
  contentType: string;
  /** The JPEG bytes, base64. */
  data: string;
}

export interface ThumbnailBatch {
  /** In the order asked for. */
  thumbnails: InlineThumbnail[];
  /** Ids with no thumbnail to send: unknown faces, faces without one yet, files gone. */
  missing: number[];
}

export async function thumbnailBatch(
  people: PeopleService,
  store: ObjectStore,
  faceIds: number[],
): Promise<ThumbnailBatch> {
  if (faceIds.length > MAX_THUMBNAIL_BATCH)
    throw new FrsError('INVALID_INPUT', `At most ${MAX_THUMBNAIL_BATCH} thumbnails at once (got ${faceIds.length}).`);
  const faces = new Map((await people.faces(faceIds)).map((f) => [f.id, f]));
  const wanted = [...new Set(faceIds)];
  const read = await Promise.all(
    wanted.map(async (faceId): Promise<InlineThumbnail | null> => {
      const path = faces.get(faceId)?.thumbnailPath;
      if (!path) return null;
      try {
        const bytes = await store.get(path);
        return { faceId, contentType: 'image/jpeg', data: Buffer.from(bytes).toString('base64') };
      } catch (err) {
        // A missing file is one missing thumbnail; a store that fails is the request's error.
        if (err instanceof FrsError && err.code === 'NOT_FOUND') return null;
        throw err;
      }
    }),
  );
  return {
    thumbnails: read.filter((t): t is InlineThumbnail => t !== null),
    missing: wanted.filter((_, i) => read[i] === null),
  };
}
