/**
 * The fast layer for stage logic: an in-memory SQLite repository (the real adapter, migrations
 * and all), thumbnails in memory, and a scripted analyzer instead of the ONNX models. Photos are
 * tiny real PNGs (decoded by the real decoder); photo k is 64 + k pixels wide, which is how the
 * analyzer knows which scripted faces it is looking at. Each face belongs to an identity, and
 * faces of one identity get nearly the same embedding, so grouping has a known right answer.
 * Tests of the models themselves, and end-to-end runs on real photos, stay on the real layer.
 */
import sharp from 'sharp';
import { loadSettings } from '../../src/config/settings.js';
import type { Repository } from '../../src/data/repository.js';
import { SqliteRepository } from '../../src/data/sqlite/sqlite-repository.js';
import { FrsError } from '../../src/errors.js';
import { silentLogger, type Analyzer, type PipelineContext } from '../../src/pipeline/context.js';
import { PipelineService } from '../../src/pipeline/pipeline-service.js';
import { registerOriginal } from '../../src/pipeline/register-stage.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import type { DecodedImage } from '../../src/vision/decode.js';
import type { Box, FaceDetection, Point } from '../../src/vision/types.js';

const BASE_WIDTH = 64;
const DIMENSIONS = 128;

/** A unit vector for `identity`, nudged a little per photo (same identity: cosine > 0.99). */
export function identityVector(identity: number, photo: number): Float32Array {
  const v = new Float32Array(DIMENSIONS);
  v[identity % DIMENSIONS] = 1;
  v[(identity + photo + 1) % DIMENSIONS] += 0.05;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const fivePoints = (box: Box): Point[] => {
  const [x1, y1, x2, y2] = box;
  const w = x2 - x1;
  const h = y2 - y1;
  return [
    [x1 + 0.3 * w, y1 + 0.4 * h],
    [x1 + 0.7 * w, y1 + 0.4 * h],
    [x1 + 0.5 * w, y1 + 0.6 * h],
    [x1 + 0.35 * w, y1 + 0.8 * h],
    [x1 + 0.65 * w, y1 + 0.8 * h],
  ];
};

/** Detects the scripted faces of each photo: `photos[k]` lists the identities in photo k. */
export class ScriptedAnalyzer implements Analyzer {
  readonly embeddingModel = 'scripted-embedder';
  detections = 0;

  constructor(private readonly photos: number[][]) {}

  private photoOf(image: DecodedImage): number {
    return image.width - BASE_WIDTH;
  }

  async detect(image: DecodedImage): Promise<FaceDetection[]> {
    this.detections++;
    return (this.photos[this.photoOf(image)] ?? []).map((_, i) => {
      const box: Box = [2 + i * 10, 2, 10 + i * 10, 10];
      return { box, score: 0.9, landmarks: fivePoints(box) };
    });
  }

  async embed(image: DecodedImage, faces: Array<Pick<FaceDetection, 'landmarks'>>) {
    const k = this.photoOf(image);
    return faces.map((_, i) => ({ embedding: identityVector(this.photos[k][i], k), sharpness: 100 }));
  }

  async landmarksFor(_image: DecodedImage, boxes: Box[]): Promise<Point[][]> {
    return boxes.map(fivePoints);
  }
}

/** Thumbnails kept in a Map. */
export class MemoryStore implements ObjectStore {
  readonly location = 'memory:';
  readonly objects = new Map<string, Uint8Array>();
  async put(key: string, bytes: Uint8Array) {
    this.objects.set(key, bytes);
  }
  async get(key: string) {
    const bytes = this.objects.get(key);
    if (!bytes) throw new FrsError('NOT_FOUND', `No object ${key}.`);
    return bytes;
  }
  async exists(key: string) {
    return this.objects.has(key);
  }
  async delete(key: string) {
    return this.objects.delete(key);
  }
  async *list(prefix = '') {
    for (const key of this.objects.keys()) if (key.startsWith(prefix)) yield key;
  }
  url(key: string) {
    return `memory:${key}`;
  }
}

export interface FastPipeline {
  repo: Repository;
  analyzer: ScriptedAnalyzer;
  thumbnails: MemoryStore;
  /** The originals by file path; delete one to make it vanish, set bytes to break it. */
  files: Map<string, Uint8Array>;
  /** A pipeline as one worker (each call: another worker on the same database). */
  pipeline(settings?: Record<string, string>): PipelineService;
  /** Registers photo k of the script as `photo<k>.png`; returns the file path. */
  register(k: number): Promise<string>;
  close(): Promise<void>;
}

export async function fastPipeline(photos: number[][], overrides: Record<string, string> = {}): Promise<FastPipeline> {
  const repo = SqliteRepository.open(':memory:');
  const analyzer = new ScriptedAnalyzer(photos);
  const thumbnails = new MemoryStore();
  const files = new Map<string, Uint8Array>();
  let workers = 0;
  const readOriginal = async (path: string) => {
    const bytes = files.get(path);
    if (!bytes) throw new FrsError('NOT_FOUND', `The original ${path} no longer exists.`);
    return bytes;
  };
  return {
    repo,
    analyzer,
    thumbnails,
    files,
    pipeline(more = {}) {
      const ctx: PipelineContext = {
        // The scripted boxes are 8 px in photos 64+k px wide: a world scaled down, where 8 px is a large face.
        settings: loadSettings({
          FRS_BATCH_SIZE: '2',
          FRS_MIN_FACE_SIZE: '1',
          FRS_QUALITY_FACE_SIZE: '8',
          ...overrides,
          ...more,
        }),
        repo,
        analyzer,
        readOriginal,
        originalExists: async (path: string) => files.has(path),
        listOriginals: null,
        thumbnails,
        log: silentLogger,
        workerId: `fast-worker-${++workers}`,
      };
      return new PipelineService(ctx);
    },
    async register(k) {
      const path = `photo${k}.png`;
      const bytes = await sharp({
        create: { width: BASE_WIDTH + k, height: 48, channels: 3, background: { r: 40 * k, g: 90, b: 160 } },
      })
        .png()
        .toBuffer();
      files.set(path, bytes);
      await registerOriginal(repo, path, bytes);
      return path;
    },
    close: () => repo.close(),
  };
}
