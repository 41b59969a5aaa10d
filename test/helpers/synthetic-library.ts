/**
 * A real SQLite library of synthetic faces (no images, no models): embeddings from
 * test/clustering/synthetic.ts stored by model 'm1', grouped by the real group stage. For tests
 * of the people loop's rules, which depend on embeddings and decisions, not on pixels.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../src/config/settings.js';
import { openRepository } from '../../src/data/open-repository.js';
import type { Repository } from '../../src/data/repository.js';
import { silentLogger, type PipelineContext } from '../../src/pipeline/context.js';
import type { FaceAnalyzer } from '../../src/vision/face-analyzer.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import type { Embedding } from '../../src/clustering/cosine.js';

export const MODEL = 'm1';

export interface SyntheticLibrary {
  repo: Repository;
  /** What the group stage needs; only the embedding model of the analyzer is read. */
  ctx: PipelineContext;
  /** Adds one photo with these faces; returns their ids in order. */
  addPhoto(embeddings: Embedding[], model?: string): Promise<number[]>;
  cleanup(): Promise<void>;
}

let photos = 0;

export interface SyntheticOptions {
  /** The quality stored with each face (Faces.Quality; default none: null), from its embedding alone. */
  qualityOf?: (embedding: Embedding) => number | null;
}

export async function syntheticLibrary(
  settings: Record<string, string> = {},
  options: SyntheticOptions = {},
): Promise<SyntheticLibrary> {
  const dir = mkdtempSync(join(tmpdir(), 'frs-people-'));
  const repo = await openRepository(join(dir, 'frs.db'));
  const ctx: PipelineContext = {
    settings: loadSettings({ FRS_DATABASE: join(dir, 'frs.db'), FRS_DBSCAN_MIN_POINTS: '2', ...settings }),
    repo,
    analyzer: { embeddingModel: MODEL } as FaceAnalyzer,
    readOriginal: () => Promise.reject(new Error('synthetic library: no originals')),
    originalExists: () => Promise.resolve(false),
    listOriginals: null,
    thumbnails: {} as ObjectStore,
    log: silentLogger,
    workerId: 'test',
  };
  return {
    repo,
    ctx,
    async addPhoto(embeddings, model = MODEL) {
      const n = ++photos;
      const { mediaItemId } = await repo.registerMediaFile({
        filePath: `/photos/p${n}.jpg`,
        fileName: `p${n}.jpg`,
        extension: '.jpg',
      });
      await repo.claimPendingItems('test', 1, 60, 3, mediaItemId);
      await repo.completeItem(
        mediaItemId,
        'test',
        embeddings.map((embedding, i) => ({
          boundingBox: [i * 100, 0, i * 100 + 80, 90],
          detectorScore: 0.9,
          thumbnailPath: `faces/${n}/${i}.jpg`,
          embedding,
          embeddingModel: model,
          quality: options.qualityOf?.(embedding) ?? null,
        })),
      );
      return (await repo.facesOfItem(mediaItemId)).map((f) => f.id);
    },
    async cleanup() {
      await repo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
