/**
 * Detect: claim pending media items under a lease, find faces, embed them, write thumbnails,
 * then store faces and mark the item done in one transaction. An item that fails is put back
 * (or marked failed once FRS_MAX_ATTEMPTS is reached) with its error; the others go on.
 */
import { asFrsError } from '../errors.js';
import type { ClaimedItem, NewFace } from '../data/repository.js';
import { decodeImage } from '../vision/decode.js';
import { faceThumbnail } from '../vision/thumbnail.js';
import type { PipelineContext } from './context.js';

export interface DetectSummary {
  items: number;
  faces: number;
  failed: number;
  /** Items lost to another worker (lease expired while working). */
  lost: number;
  ms: number;
}

/** Thumbnail names are derived from the item and face order, so a retry overwrites, never duplicates. */
export function thumbnailKey(itemId: number, index: number): string {
  return `faces/${itemId}/${index}.jpg`;
}

export async function detectItem(ctx: PipelineContext, item: ClaimedItem): Promise<NewFace[]> {
  const { settings, analyzer } = ctx;
  const bytes = await ctx.readOriginal(item.filePath);
  const image = await decodeImage(bytes, { maxPixels: settings.FRS_MAX_PIXELS });
  const detections = await analyzer.detect(image);
  const embedded = await analyzer.embed(image, detections);
  const faces: NewFace[] = [];
  for (const [i, d] of detections.entries()) {
    const key = thumbnailKey(item.id, i);
    const jpeg = await faceThumbnail(image, d.box, {
      size: settings.FRS_THUMBNAIL_SIZE,
      margin: settings.FRS_THUMBNAIL_MARGIN,
    });
    await ctx.thumbnails.put(key, jpeg, 'image/jpeg');
    faces.push({
      boundingBox: d.box,
      detectorScore: Math.min(1, Math.max(0, d.score)),
      landmarks: d.landmarks,
      thumbnailName: key.split('/').join('_'),
      thumbnailPath: key,
      sharpness: embedded[i].sharpness,
      embedding: embedded[i].embedding,
      embeddingModel: analyzer.embeddingModel,
    });
  }
  return faces;
}

export type ItemOutcome = { status: 'done'; faces: number } | { status: 'failed'; error: string } | { status: 'lost' };

/**
 * Detects one claimed item and records the result (done, or failed with its error). Logs a line
 * per photo unless `quiet` (a caller that reports progress instead); failures are always logged.
 */
export async function processClaimedItem(
  ctx: PipelineContext,
  item: ClaimedItem,
  opts: { quiet?: boolean } = {},
): Promise<ItemOutcome> {
  const { repo, settings, log, workerId } = ctx;
  const t = Date.now();
  // Items later in a batch may have waited close to the lease; renew before the work.
  if (!(await repo.renewLease(item.id, workerId, settings.FRS_LEASE_SECONDS))) {
    log.warn(`detect: item ${item.id} lease expired before it was started; another worker has it`);
    return { status: 'lost' };
  }
  try {
    const faces = await detectItem(ctx, item);
    if (!(await repo.completeItem(item.id, workerId, faces))) {
      log.warn(`detect: item ${item.id} lease was lost to another worker; its result was discarded`);
      return { status: 'lost' };
    }
    if (!opts.quiet)
      log.info(
        `detect: item ${item.id} (${item.fileName ?? item.filePath}): ${faces.length} face(s) in ${Date.now() - t} ms`,
      );
    return { status: 'done', faces: faces.length };
  } catch (err) {
    const e = asFrsError(err);
    // Retry later, not in this run: a flaky read gets time to recover, a bad file costs one try per lease period.
    const state = await repo.failItem(
      item.id,
      workerId,
      `${e.code}: ${e.message}`,
      settings.FRS_MAX_ATTEMPTS,
      settings.FRS_LEASE_SECONDS,
    );
    log.warn(
      `detect: item ${item.id} (${item.filePath}) failed (attempt ${item.attempts}/${settings.FRS_MAX_ATTEMPTS}, now ${state ?? 'not ours'}): ${e.code}: ${e.message}`,
    );
    return { status: 'failed', error: `${e.code}: ${e.message}` };
  }
}

export async function runDetection(
  ctx: PipelineContext,
  opts: { dryRun?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<DetectSummary> {
  const { repo, settings, log, workerId } = ctx;
  const started = Date.now();
  const summary: DetectSummary = { items: 0, faces: 0, failed: 0, lost: 0, ms: 0 };
  const stats = await repo.stats();
  const pending = stats.items.pending;
  if (opts.dryRun) {
    log.info(`detect (dry run): ${pending} pending item(s) would be processed; nothing changed`);
    return { ...summary, items: pending };
  }
  for (;;) {
    const batch = await repo.claimPendingItems(
      workerId,
      settings.FRS_BATCH_SIZE,
      settings.FRS_LEASE_SECONDS,
      settings.FRS_MAX_ATTEMPTS,
    );
    if (batch.length === 0) break;
    for (const item of batch) {
      const outcome = await processClaimedItem(ctx, item, { quiet: opts.onProgress !== undefined });
      if (outcome.status === 'done') {
        summary.items++;
        summary.faces += outcome.faces;
      } else if (outcome.status === 'failed') summary.failed++;
      else summary.lost++;
      opts.onProgress?.(
        summary.items + summary.failed + summary.lost,
        Math.max(pending, summary.items + summary.failed + summary.lost),
      );
    }
  }
  summary.ms = Date.now() - started;
  log.info(
    `detect: ${summary.items} item(s) done, ${summary.faces} face(s), ${summary.failed} failed, ${summary.lost} lost, ${(summary.ms / 1000).toFixed(1)} s`,
  );
  return summary;
}
