/**
 * Swapping models is a manifest edit, not a code change: tiny generated models with another
 * input size, layout, channel order, normalisation, output names, embedding size and alignment
 * template must run through FaceAnalyzer with every manifest field honoured.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrsError } from '../../src/errors.js';
import { warpChip } from '../../src/vision/align/warp.js';
import { decodeImage, type DecodedImage } from '../../src/vision/decode.js';
import { FaceAnalyzer, type AnalyzerSettings } from '../../src/vision/face-analyzer.js';
import { loadManifest } from '../../src/vision/models/manifest.js';
import type { Point } from '../../src/vision/types.js';
import { buildTinyDetector, buildTinyEmbedder, pseudoRandom } from '../models/tiny-models.js';

const IMAGE = { width: 320, height: 160 };
const DET = { width: 64, height: 48, mean: [40, 100, 180], std: [50, 40, 30] }; // BGR order
const EMB = { width: 32, height: 32, dimensions: 8, mean: [90, 110, 130], std: [60, 70, 80] }; // BGR order
const TEMPLATE: Point[] = [
  [10.5, 12],
  [21.5, 12],
  [16, 18],
  [11.5, 24],
  [20.5, 24],
];
const BOXES = [
  [0.1, 0.25, 0.4, 0.75],
  [0.55, 0.2, 0.9, 0.8],
  [0.42, 0.25, 0.52, 0.45],
];
const BASE_SCORES = [0.45, 0.25, -0.1];
/** Five points as shares of each box: eyes, nose, mouth corners. */
const FACE_SHAPE = [
  [0.3, 0.35],
  [0.7, 0.35],
  [0.5, 0.55],
  [0.35, 0.75],
  [0.65, 0.75],
];
const LANDMARKS = BOXES.map(([x1, y1, x2, y2]) =>
  FACE_SHAPE.flatMap(([fx, fy]) => [x1 + fx * (x2 - x1), y1 + fy * (y2 - y1)]),
);
const WEIGHTS = pseudoRandom(3 * EMB.width * EMB.height * EMB.dimensions, 7);

const manifest = {
  detector: {
    file: 'tiny-detector.onnx',
    input: {
      name: 'image',
      width: DET.width,
      height: DET.height,
      layout: 'NHWC',
      channels: 'BGR',
      mean: DET.mean,
      std: DET.std,
    },
    resize: 'stretch',
    outputs: { boxes: 'det_boxes', scores: 'det_scores', landmarks: 'det_points' },
  },
  embedder: {
    id: 'tiny-embedder-8d-v1',
    file: 'tiny-embedder.onnx',
    input: {
      name: 'chip',
      width: EMB.width,
      height: EMB.height,
      layout: 'NCHW',
      channels: 'BGR',
      mean: EMB.mean,
      std: EMB.std,
    },
    output: 'vector',
    dimensions: EMB.dimensions,
    batchSize: 1,
    template: TEMPLATE,
  },
};
type Manifest = typeof manifest;

// No second look at low scores: the tiny generated models' landmarks are not a face's.
const settings: AnalyzerSettings = {
  FRS_MIN_DETECTION_SCORE: 0.5,
  FRS_MIN_FACE_SIZE: 24,
  FRS_INTRA_OP_THREADS: 1,
  FRS_LANDMARK_CHECK_SCORE: 0,
};
const dir = mkdtempSync(join(tmpdir(), 'frs-model-swap-'));
let image: DecodedImage;
let count = 0;

/** Writes a manifest (edited by `edit`) next to the tiny models; returns its path. */
function writeManifest(edit: (m: Manifest) => unknown = (m) => m): string {
  const path = join(dir, `manifest-${++count}.json`);
  writeFileSync(path, JSON.stringify(edit(structuredClone(manifest))));
  return path;
}

/** Smooth colour ramps with different means per channel, so a swapped channel order shows. */
async function generatedImage(): Promise<DecodedImage> {
  const { width, height } = IMAGE;
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      rgb[o] = Math.round(150 + (60 * x) / width);
      rgb[o + 1] = Math.round(60 + (80 * y) / height);
      rgb[o + 2] = Math.round(60 + 30 * Math.sin(x / 17) * Math.cos(y / 13));
    }
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return decodeImage(png, { maxPixels: 1e7 });
}

function meanOfChannel(img: DecodedImage, c: number): number {
  let sum = 0;
  for (let i = c; i < img.data.length; i += 3) sum += img.data[i];
  return sum / (img.width * img.height);
}

/** The model's score offset: mean of its input channel 0 (blue, BGR), normalised per the manifest. */
function expectedScoreOffset(mode: 'stretch' | 'letterbox'): number {
  const content = (meanOfChannel(image, 2) - DET.mean[0]) / DET.std[0];
  if (mode === 'stretch') return content;
  // 320x160 letterboxed into 64x48: 64x32 of image, 16 rows of black padding.
  const padding = (0 - DET.mean[0]) / DET.std[0];
  return (32 / 48) * content + (16 / 48) * padding;
}

/** A normalised model point in original pixels, computed from the geometry of each mode. */
function toImage([x, y]: number[], mode: 'stretch' | 'letterbox'): Point {
  if (mode === 'stretch') return [x * IMAGE.width, y * IMAGE.height];
  const scale = DET.width / IMAGE.width; // 0.2: width is the limiting side
  const top = (DET.height - IMAGE.height * scale) / 2; // 8
  return [(x * DET.width) / scale, (y * DET.height - top) / scale];
}

/** What the embedder should output for a face: warp with the manifest template, normalise, project, L2. */
function directEmbedding(landmarks: Point[]): Float32Array {
  const chip = warpChip(image, landmarks, TEMPLATE, EMB.width, EMB.height);
  const plane = EMB.width * EMB.height;
  const raw = new Float64Array(EMB.dimensions);
  for (let c = 0; c < 3; c++) {
    const source = 2 - c; // BGR: tensor channel 0 is blue
    for (let i = 0; i < plane; i++) {
      const value = (chip[i * 3 + source] - EMB.mean[c]) / EMB.std[c];
      const row = (c * plane + i) * EMB.dimensions;
      for (let d = 0; d < EMB.dimensions; d++) raw[d] += value * WEIGHTS[row + d];
    }
  }
  const norm = Math.hypot(...raw);
  return Float32Array.from(raw, (v) => v / norm);
}

beforeAll(async () => {
  writeFileSync(
    join(dir, 'tiny-detector.onnx'),
    buildTinyDetector({
      width: DET.width,
      height: DET.height,
      boxes: BOXES,
      landmarks: LANDMARKS,
      baseScores: BASE_SCORES,
      names: { input: 'image', boxes: 'det_boxes', scores: 'det_scores', landmarks: 'det_points' },
    }),
  );
  writeFileSync(
    join(dir, 'tiny-embedder.onnx'),
    buildTinyEmbedder({
      width: EMB.width,
      height: EMB.height,
      weights: WEIGHTS,
      dimensions: EMB.dimensions,
      names: { input: 'chip', output: 'vector' },
    }),
  );
  image = await generatedImage();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a detector swapped in by manifest (NHWC 64x48, BGR, own mean/std, own output names)', () => {
  it.each(['stretch', 'letterbox'] as const)(
    'maps boxes and landmarks back to original pixels for resize %s',
    async (mode) => {
      const offset = expectedScoreOffset(mode);
      const scores = BASE_SCORES.map((b) => b + offset);
      // Keep the two best candidates whatever the mode's offset: the threshold lies between 2nd and 3rd.
      const minScore = (scores[1] + scores[2]) / 2;
      const analyzer = FaceAnalyzer.fromManifestFile(
        writeManifest((m) => ({ ...m, detector: { ...m.detector, resize: mode } })),
        {
          ...settings,
          FRS_MIN_DETECTION_SCORE: minScore,
        },
      );
      const faces = await analyzer.detect(image);
      expect(faces).toHaveLength(2);
      faces.forEach((face, i) => {
        const [x1, y1] = toImage(BOXES[i].slice(0, 2), mode);
        const [x2, y2] = toImage(BOXES[i].slice(2), mode);
        [x1, y1, x2, y2].forEach((v, k) => expect(face.box[k]).toBeCloseTo(v, 2));
        expect(Math.abs(face.score - scores[i])).toBeLessThan(0.02);
        expect(face.landmarks).toHaveLength(5);
        face.landmarks.forEach((p, k) => {
          const [ex, ey] = toImage(LANDMARKS[i].slice(k * 2, k * 2 + 2), mode);
          expect(p[0]).toBeCloseTo(ex, 2);
          expect(p[1]).toBeCloseTo(ey, 2);
        });
      });
    },
  );

  it('normalises its input per the manifest and applies the score threshold', async () => {
    // With the blue channel normalised as (B - 40) / 50 the offset is about 0.4; red (a wrong
    // channel order) would give about 2.8 and keep all three candidates at any threshold below 2.
    const offset = expectedScoreOffset('stretch');
    expect(offset).toBeGreaterThan(0.3);
    expect(offset).toBeLessThan(0.5);
    const scores = BASE_SCORES.map((b) => b + offset);
    const run = (minScore: number) =>
      FaceAnalyzer.fromManifestFile(writeManifest(), { ...settings, FRS_MIN_DETECTION_SCORE: minScore }).detect(image);

    const all = await run(scores[2] - 0.05);
    expect(all.map((f) => f.score)).toHaveLength(3);
    all.forEach((f, i) => expect(Math.abs(f.score - scores[i])).toBeLessThan(0.02));
    expect(await run((scores[1] + scores[2]) / 2)).toHaveLength(2);
    const best = await run((scores[0] + scores[1]) / 2);
    expect(best).toHaveLength(1);
    expect(best[0].box[0]).toBeCloseTo(BOXES[0][0] * IMAGE.width, 2);
  });

  it('reads the outputs the manifest names', async () => {
    const analyzer = FaceAnalyzer.fromManifestFile(
      writeManifest((m) => ({
        ...m,
        detector: { ...m.detector, outputs: { ...m.detector.outputs, scores: 'confidence' } },
      })),
      settings,
    );
    await expect(analyzer.detect(image)).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringContaining('"confidence"'),
    });
  });
});

describe('an embedder swapped in by manifest (32x32 NCHW BGR, 8-d, own template)', () => {
  it('gives unit vectors of the new size equal to a direct computation, tagged with the manifest id', async () => {
    const analyzer = FaceAnalyzer.fromManifestFile(writeManifest(), settings);
    expect(analyzer.embeddingModel).toBe('tiny-embedder-8d-v1');
    const faces = await analyzer.analyze(image, { embeddings: true });
    expect(faces).toHaveLength(2);
    for (const face of faces) {
      const embedding = face.embedding!;
      expect(embedding).toHaveLength(EMB.dimensions);
      expect(Math.hypot(...embedding)).toBeCloseTo(1, 5);
      const expected = directEmbedding(face.landmarks);
      embedding.forEach((v, d) => expect(v).toBeCloseTo(expected[d], 5));
    }
    // Different faces, different chips: the vectors are not a constant of the model.
    const [a, b] = faces.map((f) => f.embedding!);
    expect(a.reduce((s, v, i) => s + v * b[i], 0)).toBeLessThan(0.99);
  });

  it('rejects a model whose output does not have the manifest dimensions', async () => {
    const analyzer = FaceAnalyzer.fromManifestFile(
      writeManifest((m) => ({ ...m, embedder: { ...m.embedder, dimensions: 16 } })),
      settings,
    );
    await expect(analyzer.analyze(image, { embeddings: true })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringContaining('16'),
    });
  });
});

describe('manifest validation', () => {
  it('rejects a manifest with neither a landmarks model nor detector landmarks', () => {
    const path = writeManifest((m) => ({
      ...m,
      detector: { ...m.detector, outputs: { boxes: 'det_boxes', scores: 'det_scores' } },
    }));
    expect(() => FaceAnalyzer.fromManifestFile(path, settings)).toThrow(FrsError);
    expect(() => FaceAnalyzer.fromManifestFile(path, settings)).toThrow(
      expect.objectContaining({ code: 'MODEL_INVALID', message: expect.stringMatching(/landmarks/) }),
    );
  });

  it.each([
    [
      'detector.input.layout',
      (m: Manifest) => ({ ...m, detector: { ...m.detector, input: { ...m.detector.input, layout: 'NCWH' } } }),
    ],
    ['embedder.template', (m: Manifest) => ({ ...m, embedder: { ...m.embedder, template: TEMPLATE.slice(0, 4) } })],
    ['embedder.dimensions', (m: Manifest) => ({ ...m, embedder: { ...m.embedder, dimensions: 0 } })],
    ['embedder.id', (m: Manifest) => ({ ...m, embedder: { ...m.embedder, id: undefined } })],
  ])('names the bad field %s', (field, edit) => {
    const path = writeManifest(edit);
    expect(() => loadManifest(path)).toThrow(
      expect.objectContaining({ code: 'MODEL_INVALID', message: expect.stringContaining(`${field}:`) }),
    );
  });

  it('reports an unreadable manifest as MODEL_INVALID with its path', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "detector": ');
    expect(() => loadManifest(path)).toThrow(
      expect.objectContaining({ code: 'MODEL_INVALID', message: expect.stringContaining(path) }),
    );
  });
});
