/**
 * Thumbnails for faces that have none (rows the replaced system left: it regenerated missing
 * ones from Faces.BoundingBox on each full run), made from their boxes. Runs in every full
 * pipeline run (only missing ones) and on demand (`frs thumbnails [--missing]`). The original
 * is decoded once per file; a file that cannot be read skips its faces with a warning.
 */
import { basename, extname } from 'node:path';
import { asFrsError } from '../errors.js';
import type { FaceToEmbed, ThumbnailUpdate } from '../data/repository.js';
import { decodeImage } from '../vision/decode.js';
import { faceThumbnail } from '../vision/thumbnail.js';
import type { PipelineContext } from './context.js';

export interface ThumbnailSummary {
  faces: number;
  skipped: number;
}

/** Key of a thumbnail made for an existing face: by face id, never colliding with detection's faces/<item>/<n>.jpg. */
export function existingFaceThumbnailKey(face: FaceToEmbed): string {
  return `faces/${face.mediaItemId}/face-${face.id}.jpg`;
}

/** Faces.Name as the replaced system named thumbnails: `<photo>_TN<n>`. */
function thumbnailName(face: FaceToEmbed): string {
  return `${basename(face.filePath.replace(/\\/g, '/'), extname(face.filePath))}_TN${face.id}.jpg`;
}

export async function runThumbnails(
  ctx: PipelineContext,
  opts: { onlyMissing?: boolean; dryRun?: boolean } = {},
): Promise<ThumbnailSummary> {
  const onlyMissing = opts.onlyMissing ?? true;
  const summary: ThumbnailSummary = { faces: 0, skipped: 0 };
  let after = 0;
  for (;;) {
    const batch = await ctx.repo.facesNeedingThumbnails(onlyMissing, after, ctx.settings.FRS_BATCH_SIZE * 4);
    if (batch.length === 0) break;
    after = batch[batch.length - 1].id;
    if (opts.dryRun) {
      summary.faces += batch.length;
      continue;
    }
    const updates: ThumbnailUpdate[] = [];
    for (const faces of groupByFile(batch)) {
      try {
        updates.push(...(await thumbnailsOfOneFile(ctx, faces)));
      } catch (err) {
        const e = asFrsError(err);
        summary.skipped += faces.length;
        ctx.log.warn(`thumbnails: ${faces.length} face(s) of ${faces[0].filePath} skipped: ${e.code}: ${e.message}`);
      }
    }
    summary.faces += await ctx.repo.setThumbnails(updates);
  }
  if (summary.faces || summary.skipped)
    ctx.log.info(
      `thumbnails: ${summary.faces} face(s) ${opts.dryRun ? 'would get' : 'got'} a thumbnail from their box, ${summary.skipped} skipped`,
    );
  return summary;
}

async function thumbnailsOfOneFile(ctx: PipelineContext, faces: FaceToEmbed[]): Promise<ThumbnailUpdate[]> {
  const image = await decodeImage(await ctx.readOriginal(faces[0].filePath), {
    maxPixels: ctx.settings.FRS_MAX_PIXELS,
  });
  const updates: ThumbnailUpdate[] = [];
  for (const face of faces) {
    if (!face.boundingBox) continue;
    const key = face.thumbnailPath || existingFaceThumbnailKey(face);
    const jpeg = await faceThumbnail(image, face.boundingBox, {
      size: ctx.settings.FRS_THUMBNAIL_SIZE,
      margin: ctx.settings.FRS_THUMBNAIL_MARGIN,
    });
    await ctx.thumbnails.put(key, jpeg, 'image/jpeg');
    updates.push({ faceId: face.id, thumbnailPath: key, thumbnailName: thumbnailName(face) });
  }
  return updates;
}

function groupByFile(faces: FaceToEmbed[]): FaceToEmbed[][] {
  const byFile = new Map<string, FaceToEmbed[]>();
  for (const f of faces) byFile.set(f.filePath, [...(byFile.get(f.filePath) ?? []), f]);
  return [...byFile.values()];
}
