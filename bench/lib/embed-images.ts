/**
 * Runs FRS's analyzer over image files and keeps, per image, the embedding of the face nearest
 * the image centre (the LFW protocol's rule). Detections (box + landmarks) are cached on disk
 * per detector configuration, since detection dominates the cost; alignment and embedding are
 * recomputed each run, so template or embedder changes are measured without re-detecting.
 *
 * The cache holds detections before the analyzer's second look at low scores
 * (FRS_LANDMARK_CHECK_SCORE), which is applied when reading: a cached centre face that passes it
 * is the centre face with the check too (the check only removes detections, each on its own);
 * an image whose centre face fails it is detected again with the check.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, type DecodedImage } from '../../src/vision/decode.js';
import type { FaceAnalyzer } from '../../src/vision/face-analyzer.js';
import type { FaceDetection } from '../../src/vision/types.js';

export interface ImageEmbedding {
  /** null when no face was found */
  embedding: Float32Array | null;
  faces: number;
}

interface CachedDetection {
  face: FaceDetection | null;
  faces: number;
}

export function centreFace(faces: FaceDetection[], width: number, height: number): number {
  let best = -1,
    bestDist = Infinity;
  faces.forEach((f, i) => {
    const d = Math.hypot((f.box[0] + f.box[2]) / 2 - width / 2, (f.box[1] + f.box[3]) / 2 - height / 2);
    if (d < bestDist) {
      best = i;
      bestDist = d;
    }
  });
  return best;
}

const cacheDir = join(import.meta.dirname, '../.cache');

/** Cache files for one detector configuration; shards (bench/detect-cache.ts) write their own. */
function cacheFiles(analyzer: FaceAnalyzer, detectorKey: string): { prefix: string; all: string[] } {
  mkdirSync(cacheDir, { recursive: true });
  // Where the files lie and their checksums say nothing about detection behaviour: keep them out of the key.
  const { sha256: _d, file: _df, ...detector } = analyzer.manifest.detector;
  const landmarks =
    analyzer.manifest.landmarks && (({ sha256: _l, file: _lf, ...rest }) => rest)(analyzer.manifest.landmarks);
  const hash = createHash('sha256')
    .update(JSON.stringify({ detector, landmarks, detectorKey }))
    .digest('hex')
    .slice(0, 16);
  const prefix = `detections-${hash}`;
  return {
    prefix,
    all: readdirSync(cacheDir)
      .filter((f) => f.startsWith(prefix))
      .map((f) => join(cacheDir, f)),
  };
}

function loadCache(files: string[]): Record<string, CachedDetection> {
  const cache: Record<string, CachedDetection> = {};
  for (const f of files) Object.assign(cache, JSON.parse(readFileSync(f, 'utf8')));
  return cache;
}

/** Detects (and caches) the images of one shard: run several shards as separate processes to use every core. */
export async function fillDetectionCache(
  analyzer: FaceAnalyzer,
  paths: string[],
  detectorKey: string,
  shard: number,
  shards: number,
): Promise<void> {
  const { prefix, all } = cacheFiles(analyzer, detectorKey);
  const cache = loadCache(all);
  const file = join(cacheDir, `${prefix}-shard${shard}of${shards}.json`);
  const mine: Record<string, CachedDetection> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const todo = paths.filter((p, i) => i % shards === shard && !cache[p]);
  const started = Date.now();
  for (const [n, path] of todo.entries()) {
    const image = await decodeImage(readFileSync(path), { maxPixels: 1e8 });
    const faces = await analyzer.detect(image, { secondLook: false });
    const i = centreFace(faces, image.width, image.height);
    mine[path] = { face: i < 0 ? null : faces[i], faces: faces.length };
    if ((n + 1) % 200 === 0) {
      writeFileSync(file, JSON.stringify(mine));
      console.error(
        `  shard ${shard}: ${n + 1}/${todo.length} (${((n + 1) / ((Date.now() - started) / 1000)).toFixed(1)} img/s)`,
      );
    }
  }
  writeFileSync(file, JSON.stringify(mine));
}

/** The cached detection as the analyzer's second look leaves it (see the header). */
async function withSecondLook(
  analyzer: FaceAnalyzer,
  hit: CachedDetection,
  image: DecodedImage,
): Promise<CachedDetection> {
  if (!hit.face || analyzer.passesSecondLook(hit.face)) return hit;
  const faces = await analyzer.detect(image);
  const i = centreFace(faces, image.width, image.height);
  return { face: i < 0 ? null : faces[i], faces: faces.length };
}

/** One image's centre face as the analyzer's second look leaves it, with the decoded image. */
export interface CentreFace {
  path: string;
  image: DecodedImage;
  /** null when no face was found */
  face: FaceDetection | null;
  faces: number;
}

/**
 * The centre face of each image, in order: detections come from the cache, images missing there
 * are detected and added to it.
 */
export async function* centreFaces(
  analyzer: FaceAnalyzer,
  paths: string[],
  detectorKey: string,
): AsyncGenerator<CentreFace> {
  const { prefix, all } = cacheFiles(analyzer, detectorKey);
  const file = join(cacheDir, `${prefix}.json`);
  const cache = loadCache(all);
  const started = Date.now();
  let computed = 0;
  for (const [n, path] of paths.entries()) {
    const image = await decodeImage(readFileSync(path), { maxPixels: 1e8 });
    let hit = cache[path];
    if (!hit) {
      const faces = await analyzer.detect(image, { secondLook: false });
      const i = centreFace(faces, image.width, image.height);
      hit = cache[path] = { face: i < 0 ? null : faces[i], faces: faces.length };
      if (++computed % 250 === 0) writeFileSync(file, JSON.stringify(cache));
    }
    hit = await withSecondLook(analyzer, hit, image);
    yield { path, image, face: hit.face, faces: hit.faces };
    if ((n + 1) % 500 === 0)
      console.error(
        `  ${n + 1}/${paths.length} images, ${computed} detected (${(computed / ((Date.now() - started) / 1000)).toFixed(1)} img/s)`,
      );
  }
  if (computed > 0) writeFileSync(file, JSON.stringify(cache));
}

export async function embedImages(
  analyzer: FaceAnalyzer,
  paths: string[],
  detectorKey: string,
  opts: { flip?: boolean } = {},
): Promise<Map<string, ImageEmbedding>> {
  const out = new Map<string, ImageEmbedding>();
  for await (const { path, image, face, faces } of centreFaces(analyzer, paths, detectorKey)) {
    const embedding = face ? (await analyzer.embed(image, [face], { flip: opts.flip }))[0].embedding : null;
    out.set(path, { embedding, faces });
  }
  return out;
}

/** The centre face of an image with what its quality score needs, and its embedding. */
export interface AnalyzedImage {
  face: FaceDetection | null;
  faces: number;
  embedding: Float32Array | null;
  sharpness: number | null;
  width: number;
  height: number;
}

interface CachedEmbedding {
  embedding: string | null;
  sharpness: number | null;
  width: number;
  height: number;
}

/**
 * Like embedImages, with the centre face's detection and chip sharpness, and the embeddings cached
 * too (per detector configuration and embedder), so that grouping experiments rerun in seconds.
 */
export async function analyzeImages(
  analyzer: FaceAnalyzer,
  paths: string[],
  detectorKey: string,
): Promise<{ images: Map<string, AnalyzedImage>; secondLooks: string[] }> {
  const { prefix, all } = cacheFiles(analyzer, detectorKey);
  const detections = loadCache(all);
  const { sha256: _s, file: _f, ...embedder } = analyzer.manifest.embedder;
  const key = createHash('sha256').update(JSON.stringify(embedder)).digest('hex').slice(0, 12);
  // Named apart from the detection files, which the loaders above merge by prefix. Like them it
  // holds the centre faces before the second look.
  const file = join(cacheDir, `embeddings-${prefix.replace('detections-', '')}-${key}.json`);
  const cached: Record<string, CachedEmbedding> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const images = new Map<string, AnalyzedImage>();
  const secondLooks: string[] = [];
  let computed = 0;
  for (const path of paths) {
    const unchecked = detections[path];
    let hit = unchecked;
    let entry = cached[path];
    if (!hit || !entry || (hit.face && !analyzer.passesSecondLook(hit.face))) {
      const image = await decodeImage(readFileSync(path), { maxPixels: 1e8 });
      if (!hit) {
        const faces = await analyzer.detect(image, { secondLook: false });
        const i = centreFace(faces, image.width, image.height);
        hit = detections[path] = { face: i < 0 ? null : faces[i], faces: faces.length };
      }
      const checked = await withSecondLook(analyzer, hit, image);
      if (checked !== hit) secondLooks.push(path);
      if (checked !== hit || !entry) {
        const embedded = checked.face ? (await analyzer.embed(image, [checked.face]))[0] : null;
        const fresh = {
          embedding: embedded ? Buffer.from(embedded.embedding.buffer).toString('base64') : null,
          sharpness: embedded?.sharpness ?? null,
          width: image.width,
          height: image.height,
        };
        // Only what holds without the check is cached.
        if (checked === hit) cached[path] = fresh;
        entry = fresh;
      }
      hit = checked;
      if (++computed % 500 === 0) {
        writeFileSync(file, JSON.stringify(cached));
        console.error(`  ${computed} images embedded`);
      }
    }
    const bytes = entry.embedding === null ? null : Buffer.from(entry.embedding, 'base64');
    images.set(path, {
      face: hit.face,
      faces: hit.faces,
      embedding: bytes && new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4),
      sharpness: entry.sharpness,
      width: entry.width,
      height: entry.height,
    });
  }
  if (computed > 0) writeFileSync(file, JSON.stringify(cached));
  return { images, secondLooks };
}
