/**
 * The converted recognition model must reproduce face-api's FaceRecognitionNet on real face
 * crops, and its normalised embeddings must tell people apart. Faces come from face-api's
 * demo photos, found by face-api's own SSD detector.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { FaceEmbedder } from '../../src/vision/embed/face-embedder.js';
import { embedderSpecSchema, type EmbedderSpec } from '../../src/vision/models/manifest.js';
import { ort } from '../../src/vision/models/onnx-session.js';
import { toInputTensor } from '../../src/vision/tensor.js';
import {
  buildFaceRecognitionOnnx,
  FACE_RECOGNITION_MEAN,
  FACE_RECOGNITION_SIZE,
  FACE_RECOGNITION_STD,
} from '../../tools/convert/face-api-recognition.js';
import { loadFaceApi, type FaceApi } from '../helpers/face-api-reference.js';

const require = createRequire(import.meta.url);
const demoDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const modelFile = fileURLToPath(new URL('../../models/face-recognition-resnet.onnx', import.meta.url));
const SIZE = FACE_RECOGNITION_SIZE;
const FACES_PER_IMAGE = 3;

const spec: EmbedderSpec = embedderSpecSchema.parse({
  file: modelFile,
  id: 'face-api-resnet-test',
  input: {
    name: 'input',
    width: SIZE,
    height: SIZE,
    layout: 'NCHW',
    mean: FACE_RECOGNITION_MEAN,
    std: FACE_RECOGNITION_STD,
  },
  output: 'embedding',
  dimensions: 128,
  batchSize: 4,
  // Unused here: chips are cut from detection boxes, not aligned.
  template: [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ],
});

interface Face {
  image: string;
  /** Square crop around the detection box, resized to SIZE x SIZE RGB. */
  chip: Uint8Array;
  /** The same person: a looser crop, and the mirror image of `chip`. */
  wider: Uint8Array;
  mirrored: Uint8Array;
}

async function cropSquare(
  rgb: Buffer,
  width: number,
  height: number,
  cx: number,
  cy: number,
  side: number,
): Promise<Uint8Array> {
  const s = Math.min(Math.round(side), width, height);
  const left = Math.min(Math.max(0, Math.round(cx - s / 2)), width - s);
  const top = Math.min(Math.max(0, Math.round(cy - s / 2)), height - s);
  const out = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .extract({ left, top, width: s, height: s })
    .resize(SIZE, SIZE)
    .raw()
    .toBuffer();
  return new Uint8Array(out);
}

function mirror(chip: Uint8Array): Uint8Array {
  const out = new Uint8Array(chip.length);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++)
      for (let c = 0; c < 3; c++) out[(y * SIZE + (SIZE - 1 - x)) * 3 + c] = chip[(y * SIZE + x) * 3 + c];
  return out;
}

async function detectFaces(faceapi: FaceApi, image: string): Promise<Face[]> {
  const { data, info } = await sharp(join(demoDir, image))
    .rotate()
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const tensor = faceapi.tf.tensor3d(data, [info.height, info.width, 3], 'int32');
  const detections: Array<{ score: number; box: { x: number; y: number; width: number; height: number } }> =
    await faceapi.detectAllFaces(tensor, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }));
  tensor.dispose();
  const best = detections.sort((a, b) => b.score - a.score).slice(0, FACES_PER_IMAGE);
  return Promise.all(
    best.map(async ({ box }) => {
      const cx = box.x + box.width / 2;
      const cy = box.y + box.height / 2;
      const side = Math.max(box.width, box.height);
      const chip = await cropSquare(data, info.width, info.height, cx, cy, side);
      const wider = await cropSquare(data, info.width, info.height, cx, cy, side * 1.2);
      return { image, chip, wider, mirrored: mirror(chip) };
    }),
  );
}

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
};

describe('face recognition ONNX model', () => {
  let faceapi: FaceApi;
  const faces: Face[] = [];

  beforeAll(async () => {
    faceapi = await loadFaceApi(1);
    for (let i = 1; i <= 6; i++) faces.push(...(await detectFaces(faceapi, `sample${i}.jpg`)));
  });

  it('is what the converter builds, byte for byte', () => {
    const built = buildFaceRecognitionOnnx();
    expect(Buffer.compare(Buffer.from(built), readFileSync(modelFile))).toBe(0);
    expect(Buffer.compare(Buffer.from(built), Buffer.from(buildFaceRecognitionOnnx()))).toBe(0);
  });

  it('matches face-api computeFaceDescriptor on real face crops', async () => {
    expect(faces.length).toBeGreaterThanOrEqual(10);
    const session = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const chips = faces.flatMap((f) => [f.chip, f.mirrored]);
    const { embedding } = await session.run({ input: toInputTensor(chips, spec.input) });
    expect(embedding.dims).toEqual([chips.length, 128]);
    const onnx = embedding.data as Float32Array;

    let maxAbs = 0;
    let minCos = 1;
    for (const [n, chip] of chips.entries()) {
      const input = faceapi.tf.tensor3d(chip, [SIZE, SIZE, 3], 'int32');
      const reference: Float32Array = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(input);
      input.dispose();
      const ours = onnx.subarray(n * 128, (n + 1) * 128);
      for (let i = 0; i < 128; i++) maxAbs = Math.max(maxAbs, Math.abs(ours[i] - reference[i]));
      minCos = Math.min(minCos, cosine(ours, reference));
    }
    console.log(
      `recognition parity over ${chips.length} crops: max |diff| ${maxAbs.toExponential(2)}, min cosine ${minCos.toFixed(7)}`,
    );
    expect(maxAbs).toBeLessThanOrEqual(1e-3);
    expect(minCos).toBeGreaterThanOrEqual(0.9999);
  });

  it('puts two crops of one person closer than other people in the same photo', async () => {
    const embedder = new FaceEmbedder(spec, modelFile, 1);
    const vectors = await embedder.embed(faces.flatMap((f) => [f.chip, f.wider, f.mirrored]));
    const [own, wider, mirrored] = [0, 1, 2].map((k) => faces.map((_, i) => vectors[i * 3 + k]));

    let compared = 0;
    let worstSame = 1;
    let worstOther = -1;
    for (const [i, face] of faces.entries()) {
      // People in one photo are different people; across photos they might not be.
      const others = faces.flatMap((f, j) => (j !== i && f.image === face.image ? [cosine(own[i], own[j])] : []));
      if (others.length === 0) continue;
      const closestOther = Math.max(...others);
      expect(cosine(own[i], wider[i])).toBeGreaterThan(closestOther);
      expect(cosine(own[i], mirrored[i])).toBeGreaterThan(closestOther);
      worstSame = Math.min(worstSame, cosine(own[i], wider[i]), cosine(own[i], mirrored[i]));
      worstOther = Math.max(worstOther, closestOther);
      compared++;
    }
    console.log(
      `same person: min cosine ${worstSame.toFixed(3)}; different people: max cosine ${worstOther.toFixed(3)}`,
    );
    expect(compared).toBeGreaterThanOrEqual(4);
  });
});
