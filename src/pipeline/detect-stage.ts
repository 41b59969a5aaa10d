/**
 * Detect: claim pending media items under a lease, find faces, embed them, write thumbnails,
 * then store faces and mark the item done in one transaction. An attempt is counted right
 * before the work on each item (startItem), so a crash costs only the item in hand. An item
 * that fails is put back (or marked failed once FRS_MAX_ATTEMPTS is reached) with its error;
 * the others go on. Items whose worker died during their last attempt are failed ("gave up")
 * and counted at the start of the next run, which also reports leases left stuck.
 */
import { asFrsError } from '../errors.js';
import { contentHash } from './register-stage.js';
import { faultPoint } from './fault-point.js';
import type { ClaimedItem, NewFace } from '../data/repository.js';
import { decodeImage } from '../vision/decode.js';
import { faceThumbnail } from '../vision/thumbnail.js';
import type { PipelineContext } from './context.js';

export interface DetectSummary {
  items: number;
  faces: number;
  /** Every item that ended failed in this run: failed attempts and items given up after crashes. */
  failed: number;
  /** Of `failed`: items whose worker stopped (crash, timeout) during each of their attempts. */
  gaveUp: number;
  /** Leases found expired at the start (their worker stopped); those items are taken again. */
  stuckLeases: number;
  oldestStuckSeconds: number | null;
  /** Items lost to another worker (lease expired while working). */
  lost: number;
  ms: number;
}

/**
 * Thumbnails live under the library's id (two databases sharing a folder or container never
 * overwrite each other's) and the item's id. The name comes from the content and the face
 * order, so a retry of the same content overwrites, never duplicates, while an edited photo's
 * thumbnails never overwrite those of faces kept from before (a user's verified faces).
 */
export function thumbnailFolder(libraryId: string, itemId: number): string {
  return `${libraryId}/faces/${itemId}/`;
}

export function thumbnailKey(libraryId: string, itemId: number, content: string, index: number): string {
  return `${thumbnailFolder(libraryId, itemId)}${content.slice(0, 12)}-${index}.jpg`;
}

const libraryIds = new WeakMap<object, Promise<string>>();

/** The library id, read once per repository. */
export function libraryIdOf(ctx: PipelineContext): Promise<string> {
  let id = libraryIds.get(ctx.repo);
  if (!id) libraryIds.set(ctx.repo, (id = ctx.repo.libraryId()));
  return id;
}

export async function detectItem(ctx: PipelineContext, item: ClaimedItem): Promise<NewFace[]> {
  const { settings, analyzer } = ctx;
  const bytes = await ctx.readOriginal(item.filePath);
  const library = await libraryIdOf(ctx);
  const content = contentHash(bytes);
  const image = await decodeImage(bytes, { maxPixels: settings.FRS_MAX_PIXELS });
  const detections = await analyzer.detect(image);
  const embedded = await analyzer.embed(image, detections);
  faultPoint('detect');
  const faces: NewFace[] = [];
  for (const [i, d] of detections.entries()) {
    const key = thumbnailKey(library, item.id, content, i);
    const jpeg = await faceThumbnail(image, d.box, {
      size: settings.FRS_THUMBNAIL_SIZE,
      margin: settings.FRS_THUMBNAIL_MARGIN,
    });
    await ctx.thumbnails.put(key, jpeg, 'image/jpeg');
    faultPoint('thumbnail');
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
  // Counts the attempt now, not at the claim; also renews the lease, which items later in a
  // batch may have waited close to.
  const attempt = await repo.startItem(item.id, workerId, settings.FRS_LEASE_SECONDS);
  if (attempt === null) {
    log.warn(`detect: item ${item.id} lease expired before it was started; another worker has it`);
    return { status: 'lost' };
  }
  faultPoint('start');
  try {
    const faces = await detectItem(ctx, item);
    if (!(await repo.completeItem(item.id, workerId, faces))) {
      log.warn(`detect: item ${item.id} lease was lost to another worker; its result was discarded`);
      return { status: 'lost' };
    }
    faultPoint('write');
    await removeStaleThumbnails(ctx, item.id);
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
      `detect: item ${item.id} (${item.filePath}) failed (attempt ${attempt}/${settings.FRS_MAX_ATTEMPTS}, now ${state ?? 'not ours'}): ${e.code}: ${e.message}`,
    );
    return { status: 'failed', error: `${e.code}: ${e.message}` };
  }
}

/**
 * Thumbnails of the item that no face row names any more (an edited photo's old faces). A
 * crash before this runs leaves them until the item is detected again; never a row without
 * its thumbnail.
 */
async function removeStaleThumbnails(ctx: PipelineContext, itemId: number): Promise<void> {
  const folder = thumbnailFolder(await libraryIdOf(ctx), itemId);
  const used = new Set((await ctx.repo.facesOfItem(itemId)).map((f) => f.thumbnailPath));
  try {
    for await (const key of ctx.thumbnails.list(folder)) if (!used.has(key)) await ctx.thumbnails.delete(key);
  } catch (err) {
    const e = asFrsError(err);
    ctx.log.warn(`detect: stale thumbnails of item ${itemId} not removed: ${e.code}: ${e.message}`);
  }
}

export async function runDetection(
  ctx: PipelineContext,
  opts: { dryRun?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<DetectSummary> {
  const { repo, settings, log, workerId } = ctx;
  const started = Date.now();
  const summary: DetectSummary = {
    items: 0,
    faces: 0,
    failed: 0,
    gaveUp: 0,
    stuckLeases: 0,
    oldestStuckSeconds: null,
    lost: 0,
    ms: 0,
  };
  const pending = await repo.countItems('pending');
  const leases = await repo.leaseReport();
  summary.stuckLeases = leases.stuck;
  summary.oldestStuckSeconds = leases.oldestStuckSeconds;
  if (leases.stuck > 0)
    log.warn(
      `detect: ${leases.stuck} item(s) held by a worker that stopped (lease expired ${formatAge(leases.oldestStuckSeconds ?? 0)} ago at the oldest); taking them again`,
    );
  if (opts.dryRun) {
    log.info(`detect (dry run): ${pending} pending item(s) would be processed; nothing changed`);
    return { ...summary, items: pending };
  }
  summary.gaveUp = await repo.failAbandonedItems(settings.FRS_MAX_ATTEMPTS);
  summary.failed += summary.gaveUp;
  if (summary.gaveUp > 0)
    log.warn(
      `detect: gave up on ${summary.gaveUp} item(s): the worker stopped during each of their ${settings.FRS_MAX_ATTEMPTS} attempt(s) (frs retry-failed puts them back)`,
    );
  for (;;) {
    const batch = await repo.claimPendingItems(
      workerId,
      settings.FRS_BATCH_SIZE,
      settings.FRS_LEASE_SECONDS,
      settings.FRS_MAX_ATTEMPTS,
    );
    if (batch.length === 0) break;
    faultPoint('claim');
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
    `detect: ${summary.items} item(s) done, ${summary.faces} face(s), ${summary.failed} failed` +
      `${summary.gaveUp ? ` (${summary.gaveUp} given up after crashes)` : ''}, ${summary.lost} lost, ${(summary.ms / 1000).toFixed(1)} s`,
  );
  return summary;
}

export function formatAge(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
