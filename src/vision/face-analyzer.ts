/**
 * The face-analysis service: detect → landmarks → align → embed, wired from the model
 * manifest. One instance per process (ONNX sessions are cached underneath anyway).
 */
import { mirrorRgb } from './mirror-image.js';
import type { Settings } from '../config/settings.js';
import { FrsError } from '../errors.js';
import { warpChip } from './align/warp.js';
import type { DecodedImage } from './decode.js';
import { FaceDetector } from './detect/face-detector.js';
import { FaceEmbedder } from './embed/face-embedder.js';
import { fivePointsFrom68 } from './landmarks/five-points.js';
import { LandmarkLocator } from './landmarks/landmark-locator.js';
import { loadManifest, modelPath, type ModelManifest } from './models/manifest.js';
import { eyeSpan } from './face-quality.js';
import { laplacianVariance } from './sharpness.js';
import type { AnalyzedFace, Box, FaceDetection, Point } from './types.js';

export type AnalyzerSettings = Pick<
  Settings,
  'FRS_MIN_DETECTION_SCORE' | 'FRS_MIN_FACE_SIZE' | 'FRS_INTRA_OP_THREADS' | 'FRS_LANDMARK_CHECK_SCORE'
>;

/**
 * The second look at a doubtful detection: the landmark model's eyes must be at least this share
 * of the box width apart. On faces they are 0.25 (a profile) to 0.65 apart; where the detector
 * fired on something else (a chest, a pattern) the points collapse to 0.15 and less
 * (bench/results/quality.md).
 */
export const MIN_EYE_SPAN = 0.18;

export interface FaceEmbedding {
  embedding: Float32Array;
  /** Variance of the Laplacian of the aligned chip: higher is sharper. */
  sharpness: number;
}

export class FaceAnalyzer {
  private readonly detector: FaceDetector;
  private readonly locator?: LandmarkLocator;
  private readonly embedder: FaceEmbedder;
  private readonly checkBelow: number;

  constructor(
    readonly manifest: ModelManifest,
    settings: AnalyzerSettings,
  ) {
    if (!manifest.landmarks && !manifest.detector.outputs.landmarks) {
      throw new FrsError(
        'MODEL_INVALID',
        'The model manifest needs a landmarks model or a detector with a landmarks output: faces cannot be aligned otherwise.',
      );
    }
    const threads = settings.FRS_INTRA_OP_THREADS;
    this.checkBelow = settings.FRS_LANDMARK_CHECK_SCORE;
    this.detector = new FaceDetector(manifest.detector, modelPath(manifest, manifest.detector.file), {
      minScore: settings.FRS_MIN_DETECTION_SCORE,
      minFaceSize: settings.FRS_MIN_FACE_SIZE,
      intraOpThreads: threads,
    });
    if (manifest.landmarks)
      this.locator = new LandmarkLocator(manifest.landmarks, modelPath(manifest, manifest.landmarks.file), threads);
    this.embedder = new FaceEmbedder(manifest.embedder, modelPath(manifest, manifest.embedder.file), threads);
  }

  static fromManifestFile(path: string, settings: AnalyzerSettings): FaceAnalyzer {
    return new FaceAnalyzer(loadManifest(path), settings);
  }

  /** Identifies the embedding space; stored with every vector. */
  get embeddingModel(): string {
    return this.manifest.embedder.id;
  }

  /**
   * Faces with box, score and five landmarks, in original (EXIF-rotated) pixels. A detection
   * scoring below FRS_LANDMARK_CHECK_SCORE is kept only when its landmarks look like a face's
   * (MIN_EYE_SPAN). `secondLook: false` keeps every detection (benchmarks that measure the check).
   */
  async detect(image: DecodedImage, opts: { secondLook?: boolean } = {}): Promise<FaceDetection[]> {
    const found = await this.detector.detect(image);
    if (found.length === 0) return [];
    const refined = this.locator
      ? await this.locator.locate(
          image,
          found.map((d) => d.box),
        )
      : found.map((d) => d.landmarks);
    const faces = found.map((d, i) => ({ box: d.box, score: d.score, landmarks: toFivePoints(refined[i]) }));
    return opts.secondLook === false ? faces : faces.filter((d) => this.passesSecondLook(d));
  }

  /** Whether a detection survives the second look (FRS_LANDMARK_CHECK_SCORE, MIN_EYE_SPAN). */
  passesSecondLook(d: FaceDetection): boolean {
    return d.score >= this.checkBelow || eyeSpan(d.box, d.landmarks) >= MIN_EYE_SPAN;
  }

  /** Five landmarks for known boxes (faces stored by an older tool without landmarks). */
  async landmarksFor(image: DecodedImage, boxes: Box[]): Promise<Point[][]> {
    if (!this.locator)
      throw new FrsError(
        'MODEL_INVALID',
        'No landmarks model in the manifest: cannot align faces that were stored without landmarks.',
      );
    return (await this.locator.locate(image, boxes)).map(toFivePoints);
  }

  /** Aligned chips → L2-normalised embeddings, with chip sharpness. */
  async embed(
    image: DecodedImage,
    faces: Array<Pick<FaceDetection, 'landmarks'>>,
    opts: { flip?: boolean } = {},
  ): Promise<FaceEmbedding[]> {
    const { input, template, flipAverage } = this.manifest.embedder;
    const chips = faces.map((f) => warpChip(image, f.landmarks, template as Point[], input.width, input.height));
    const flip = opts.flip ?? flipAverage;
    const vectors = await this.embedder.embed(
      flip ? [...chips, ...chips.map((c) => mirrorRgb(c, input.width, input.height))] : chips,
    );
    return chips.map((chip, i) => ({
      embedding: flip ? averageUnit(vectors[i], vectors[i + chips.length]) : vectors[i],
      sharpness: laplacianVariance(chip, input.width, input.height),
    }));
  }

  async analyze(image: DecodedImage, opts: { embeddings: boolean }): Promise<AnalyzedFace[]> {
    const faces = await this.detect(image);
    if (!opts.embeddings || faces.length === 0) return faces;
    const embedded = await this.embed(image, faces);
    return faces.map((f, i) => ({ ...f, embedding: embedded[i].embedding }));
  }
}

function toFivePoints(points: Point[]): Point[] {
  if (points.length === 68) return fivePointsFrom68(points);
  if (points.length === 5) return points;
  throw new FrsError('MODEL_INVALID', `Landmarks must be 5 or 68 points, got ${points.length}.`);
}

function averageUnit(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    out[i] = a[i] + b[i];
    norm += out[i] * out[i];
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < a.length; i++) out[i] /= norm;
  return out;
}
