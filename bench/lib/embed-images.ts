/**
 * Runs FRS's analyzer over a list of image files and keeps, per image, the embedding of the
 * face nearest the image centre (the LFW protocol's rule), caching results on disk so a
 * benchmark can be re-run or re-scored without recomputing.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/vision/decode.js';
import type { FaceAnalyzer } from '../../src/vision/face-analyzer.js';
import type { FaceDetection } from '../../src/vision/types.js';

export interface ImageEmbedding {
  /** null when no face was found */
  embedding: number[] | null;
  faces: number;
}

export function centreFace(faces: FaceDetection[], width: number, height: number): number {
  let best = -1, bestDist = Infinity;
  faces.forEach((f, i) => {
    const d = Math.hypot((f.box[0] + f.box[2]) / 2 - width / 2, (f.box[1] + f.box[3]) / 2 - height / 2);
    if (d < bestDist) { best = i; bestDist = d; }
  });
  return best;
}

export async function embedImages(analyzer: FaceAnalyzer, paths: string[], cacheKey: string, log = true): Promise<Map<string, ImageEmbedding>> {
  const dir = join(import.meta.dirname, '../.cache');
  mkdirSync(dir, { recursive: true });
  const hash = createHash('sha256').update(JSON.stringify(analyzer.manifest)).update(cacheKey).digest('hex').slice(0, 16);
  const file = join(dir, `embeddings-${hash}.json`);
  const cache: Record<string, ImageEmbedding> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const start = Date.now();
  let done = 0, computed = 0;
  for (const path of paths) {
    if (!cache[path]) {
      const image = await decodeImage(readFileSync(path), { maxPixels: 1e8 });
      const faces = await analyzer.detect(image);
      const i = centreFace(faces, image.width, image.height);
      const embedding = i < 0 ? null : Array.from((await analyzer.embed(image, [faces[i]]))[0].embedding);
      cache[path] = { embedding, faces: faces.length };
      computed++;
      if (computed % 500 === 0) writeFileSync(file, JSON.stringify(cache));
    }
    done++;
    if (log && done % 500 === 0) {
      const rate = computed / ((Date.now() - start) / 1000);
      console.error(`  ${done}/${paths.length} images (${rate.toFixed(1)} img/s computed)`);
    }
  }
  writeFileSync(file, JSON.stringify(cache));
  return new Map(paths.map((p) => [p, cache[p]]));
}
