/**
 * The model manifest (models/manifest.json) describes each ONNX model's tensor contract,
 * so a user can swap in another detector or embedder by editing JSON, not code.
 *
 * Contracts (all float32):
 * - detector: image tensor in, `boxes` [1, N, 4] as normalised x1,y1,x2,y2 (0..1 of the
 *   model input) and `scores` [1, N] out; optionally `landmarks` [1, N, 10] normalised x,y pairs.
 *   Anchor decoding lives inside the graph; NMS runs in FRS.
 * - landmarks (optional when the detector emits landmarks): face crops in, [N, 2K] normalised
 *   x,y pairs out (K = 68 or 5); N up to batchSize.
 * - embedder: aligned face chips in, [N, D] out; FRS L2-normalises.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { FrsError } from '../../errors.js';

const triple = z.tuple([z.number(), z.number(), z.number()]);

export const inputSpecSchema = z.object({
  name: z.string().min(1),
  /** Model input width and height in pixels. */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  layout: z.enum(['NCHW', 'NHWC']),
  channels: z.enum(['RGB', 'BGR']).default('RGB'),
  /** value = (pixel - mean) / std, per channel in `channels` order, pixels 0..255. */
  mean: triple.default([0, 0, 0]),
  std: triple.default([1, 1, 1]),
});
export type InputSpec = z.infer<typeof inputSpecSchema>;

const modelFile = {
  file: z.string().min(1),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
};

/** A padded pass: a bare number is the factor, with the margin that keeps the fixed-canvas picture. */
const paddedPassSchema = z
  .union([z.number().min(1), z.object({ factor: z.number().min(1), margin: z.number().min(0).max(4).optional() })])
  .transform((p) => {
    const factor = typeof p === 'number' ? p : p.factor;
    const margin = typeof p === 'number' || p.margin === undefined ? (factor - 1) / 2 : p.margin;
    return { factor, margin };
  });

export const detectorSpecSchema = z.object({
  ...modelFile,
  /** width x height: the fixed input size, or for a dynamic input the box the image is fitted into. */
  input: inputSpecSchema,
  /** Fixed-size models get the image stretched, or letterboxed (padded, aspect kept). */
  resize: z.enum(['stretch', 'letterbox']).default('letterbox'),
  /**
   * The model takes any height and width that are multiples of `multiple`: each pass gets an input
   * cut to the image (aspect kept), never upscaled past `maxUpscale`.
   */
  dynamicInput: z
    .object({ multiple: z.number().int().positive().default(32), maxUpscale: z.number().positive().default(1) })
    .optional(),
  outputs: z.object({ boxes: z.string(), scores: z.string(), landmarks: z.string().optional() }),
  /**
   * Extra passes for faces that fill the frame: the image shrunk `factor` times with a black
   * border around it (`margin` per side as a share of the content; dynamic inputs only).
   */
  paddedPasses: z.array(paddedPassSchema).default([]),
});

export const landmarkSpecSchema = z.object({
  ...modelFile,
  input: inputSpecSchema,
  output: z.string(),
  points: z.union([z.literal(68), z.literal(5)]),
  /** Crop = detection box grown by this share of its side on each side, made square. */
  cropMargin: z.number().min(0).max(1).default(0),
  /** Faces per model run; 1 (the default) for models whose input has a fixed batch of one. */
  batchSize: z.number().int().positive().default(1),
});

export const embedderSpecSchema = z.object({
  ...modelFile,
  /** Stored with every embedding so vectors of different models are never compared. */
  id: z.string().min(1),
  input: inputSpecSchema,
  output: z.string(),
  dimensions: z.number().int().positive(),
  batchSize: z.number().int().positive().default(16),
  /** Average the embeddings of the chip and its mirror image (test-time augmentation, 2x cost). */
  flipAverage: z.boolean().default(false),
  /** Five-point template (left eye, right eye, nose, mouth left, mouth right) in chip pixels. */
  template: z.array(z.tuple([z.number(), z.number()])).length(5),
});

export const manifestSchema = z.object({
  detector: detectorSpecSchema,
  landmarks: landmarkSpecSchema.optional(),
  embedder: embedderSpecSchema,
});

export type DetectorSpec = z.output<typeof detectorSpecSchema>;
export type LandmarkSpec = z.infer<typeof landmarkSpecSchema>;
export type EmbedderSpec = z.infer<typeof embedderSpecSchema>;
export type ModelManifest = z.infer<typeof manifestSchema> & { baseDir: string };

export function parseManifest(json: unknown, baseDir: string): ModelManifest {
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new FrsError('MODEL_INVALID', `Model manifest is invalid: ${issues}`);
  }
  return { ...parsed.data, baseDir };
}

export function loadManifest(path: string): ModelManifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FrsError('MODEL_INVALID', `Cannot read model manifest ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseManifest(json, dirname(resolve(path)));
}

export function modelPath(manifest: ModelManifest, file: string): string {
  return isAbsolute(file) ? file : resolve(manifest.baseDir, file);
}
