/** FaceEmbedder: chips in, unit vectors out, in order, whatever the batch split. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { FrsError } from '../../src/errors.js';
import { FaceEmbedder, l2Normalise } from '../../src/vision/embed/face-embedder.js';
import { embedderSpecSchema, type EmbedderSpec } from '../../src/vision/models/manifest.js';
import { getSession } from '../../src/vision/models/onnx-session.js';
import { toInputTensor } from '../../src/vision/tensor.js';
import { FACE_RECOGNITION_MEAN, FACE_RECOGNITION_STD } from '../../tools/convert/face-api-recognition.js';

const require = createRequire(import.meta.url);
const demoDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const modelFile = fileURLToPath(new URL('../../models/face-recognition-resnet.onnx', import.meta.url));

function specWith(overrides: Partial<EmbedderSpec>): EmbedderSpec {
  return embedderSpecSchema.parse({
    file: modelFile,
    id: 'face-api-resnet-test',
    input: {
      name: 'input',
      width: 150,
      height: 150,
      layout: 'NCHW',
      mean: FACE_RECOGNITION_MEAN,
      std: FACE_RECOGNITION_STD,
    },
    output: 'embedding',
    dimensions: 128,
    // Unused by FaceEmbedder: alignment happens before it.
    template: [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ],
    ...overrides,
  });
}

/** Distinct 150x150 chips: a top-left and a centre square of each demo photo. */
async function demoChips(): Promise<Uint8Array[]> {
  const chips: Uint8Array[] = [];
  for (let i = 1; i <= 4; i++) {
    const file = join(demoDir, `sample${i}.jpg`);
    for (const left of [0, 600]) {
      const raw = await sharp(file)
        .extract({ left, top: 200, width: 600, height: 600 })
        .resize(150, 150)
        .removeAlpha()
        .raw()
        .toBuffer();
      chips.push(new Uint8Array(raw));
    }
  }
  return chips;
}

const norm = (v: Float32Array): number => Math.hypot(...v);
const maxAbsDiff = (a: Float32Array, b: Float32Array): number => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

describe('FaceEmbedder', () => {
  let chips: Uint8Array[];

  beforeAll(async () => {
    chips = await demoChips();
  });

  it('returns one unit-length vector per chip, the direction of the raw model output', async () => {
    const spec = specWith({ batchSize: 16 });
    const vectors = await new FaceEmbedder(spec, modelFile, 1).embed(chips);
    expect(vectors).toHaveLength(chips.length);

    const session = await getSession(modelFile, { intraOpThreads: 1 });
    const raw = (await session.run({ input: toInputTensor(chips, spec.input) })).embedding.data as Float32Array;
    vectors.forEach((v, n) => {
      expect(v).toHaveLength(128);
      expect(norm(v)).toBeCloseTo(1, 5);
      const rawVector = raw.subarray(n * 128, (n + 1) * 128);
      expect(norm(rawVector)).toBeGreaterThan(0.5); // really normalised, not already unit length
      expect(maxAbsDiff(v, l2Normalise(rawVector))).toBeLessThan(1e-6);
    });
  });

  it('gives the same vectors, in the same order, when chips span several batches', async () => {
    const together = await new FaceEmbedder(specWith({ batchSize: 16 }), modelFile, 1).embed(chips);
    const split = await new FaceEmbedder(specWith({ batchSize: 3 }), modelFile, 1).embed(chips);
    expect(split).toHaveLength(chips.length);
    split.forEach((v, n) => expect(maxAbsDiff(v, together[n])).toBeLessThan(1e-5));
    // The chips differ, so an order mix-up could not go unnoticed.
    expect(maxAbsDiff(together[0], together[1])).toBeGreaterThan(1e-2);
  });

  it('returns nothing for no chips and rejects chips of the wrong size', async () => {
    const embedder = new FaceEmbedder(specWith({}), modelFile, 1);
    expect(await embedder.embed([])).toEqual([]);
    const err = await embedder.embed([chips[0], new Uint8Array(112 * 112 * 3)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrsError);
    expect((err as FrsError).code).toBe('INVALID_INPUT');
  });

  it('reports a manifest that names an output the model lacks', async () => {
    const err = await new FaceEmbedder(specWith({ output: 'features' }), modelFile, 1)
      .embed([chips[0]])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrsError);
    expect((err as FrsError).code).toBe('MODEL_INVALID');
  });

  it('keeps an all-zero vector at zero instead of NaN', () => {
    expect(Array.from(l2Normalise(new Float32Array(4)))).toEqual([0, 0, 0, 0]);
  });
});
