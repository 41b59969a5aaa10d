/**
 * Embed: faces that have no embedding from the current model (stored by the tool FRS
 * replaces, or by another model) get one. The original is decoded once per media file;
 * faces stored without landmarks get them from the landmarks model first. A face that cannot
 * be embedded (its original moved, no box or landmarks) is recorded as failed for this model,
 * so the next batch, and the next run, move past it (`frs retry-failed` tries them again).
 */
import { asFrsError } from '../errors.js';
import type { EmbeddingUpdate, FaceToEmbed } from '../data/repository.js';
import { decodeImage } from '../vision/decode.js';
import { faceQuality, qualityOptions } from '../vision/face-quality.js';
import { faultPoint } from './fault-point.js';
import type { Point } from '../vision/types.js';
import type { PipelineContext } from './context.js';

export interface EmbedSummary {
  faces: number;
  failed: number;
}

export async function runEmbedding(ctx: PipelineContext, opts: { dryRun?: boolean } = {}): Promise<EmbedSummary> {
  const { repo, analyzer, settings, log } = ctx;
  const model = analyzer.embeddingModel;
  const summary: EmbedSummary = { faces: 0, failed: 0 };
  const skipped = new Set<number>();
  const recordFailures = async (faces: FaceToEmbed[], error: string) => {
    if (faces.length === 0) return;
    for (const f of faces) skipped.add(f.id);
    summary.failed += faces.length;
    await repo.markEmbeddingFailed(
      faces.map((f) => f.id),
      model,
      error,
    );
  };
  for (;;) {
    const todo = (await repo.facesWithoutEmbedding(model, settings.FRS_BATCH_SIZE * 4)).filter(
      (f) => !skipped.has(f.id),
    );
    if (todo.length === 0) break;
    if (opts.dryRun) {
      log.info(`embed (dry run): at least ${todo.length} face(s) would get a ${model} embedding`);
      return { faces: todo.length, failed: 0 };
    }
    const updates: EmbeddingUpdate[] = [];
    for (const faces of groupBy(todo, (f) => f.filePath).values()) {
      try {
        const done = await embedFacesOfOneFile(ctx, faces);
        updates.push(...done);
        const unusable = faces.filter((f) => !done.some((u) => u.faceId === f.id));
        await recordFailures(unusable, 'INVALID_INPUT: the face has neither a bounding box nor 5 landmarks');
      } catch (err) {
        const e = asFrsError(err);
        await recordFailures(faces, `${e.code}: ${e.message}`);
        log.warn(`embed: ${faces.length} face(s) of ${faces[0].filePath} skipped: ${e.code}: ${e.message}`);
      }
    }
    summary.faces += await repo.setEmbeddings(updates);
    faultPoint('embed');
  }
  if (summary.faces || summary.failed)
    log.info(`embed: ${summary.faces} face(s) embedded with ${model}, ${summary.failed} skipped`);
  return summary;
}

async function embedFacesOfOneFile(ctx: PipelineContext, faces: FaceToEmbed[]): Promise<EmbeddingUpdate[]> {
  const image = await decodeImage(await ctx.readOriginal(faces[0].filePath), {
    maxPixels: ctx.settings.FRS_MAX_PIXELS,
  });
  const usable = faces.filter((f) => f.landmarks?.length === 5 || f.boundingBox);
  const needLandmarks = usable.filter((f) => f.landmarks?.length !== 5);
  const located = await ctx.analyzer.landmarksFor(
    image,
    needLandmarks.map((f) => f.boundingBox!),
  );
  const landmarks = new Map<number, Point[]>(needLandmarks.map((f, i) => [f.id, located[i]]));
  const points = usable.map((f) => (f.landmarks as Point[] | null) ?? landmarks.get(f.id)!);
  const embedded = await ctx.analyzer.embed(
    image,
    points.map((p) => ({ landmarks: p })),
  );
  // Quality is measured again on the new chip; a face stored without a box keeps what it had.
  const options = qualityOptions(ctx.settings);
  return usable.map((f, i) => ({
    faceId: f.id,
    embedding: embedded[i].embedding,
    model: ctx.analyzer.embeddingModel,
    sharpness: embedded[i].sharpness,
    quality: f.boundingBox
      ? faceQuality(
          { box: f.boundingBox, score: f.detectorScore, landmarks: points[i], sharpness: embedded[i].sharpness },
          options,
        )
      : null,
  }));
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    map.set(k, [...(map.get(k) ?? []), item]);
  }
  return map;
}
