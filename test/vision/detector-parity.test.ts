/**
 * The converted SSD MobileNetV1 against face-api on TF.js: the same 512x512 input pixels go
 * into both; every one of the 5118 decoded boxes and scores must agree within 1e-3
 * (normalised coordinates / probability), and FaceDetector must find the faces face-api finds,
 * also on the dynamic input (anchors generated in the graph for inputs other than 512x512).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSsdMobilenetV1, detectorInput } from '../../tools/convert/face-api-ssd.js';
import { decodeImage, type DecodedImage } from '../../src/vision/decode.js';
import { FaceDetector } from '../../src/vision/detect/face-detector.js';
import { iou, nonMaxSuppression } from '../../src/vision/detect/nms.js';
import { placeImage, renderInput } from '../../src/vision/detect/placement.js';
import type { DetectorSpec } from '../../src/vision/models/manifest.js';
import { getSession } from '../../src/vision/models/onnx-session.js';
import { toInputTensor } from '../../src/vision/tensor.js';
import type { Box } from '../../src/vision/types.js';
import { faceApiModelDir, loadFaceApi, type FaceApi } from '../helpers/face-api-reference.js';

const TOLERANCE = 1e-3;
const modelPath = join(import.meta.dirname, '../../models/face-detector-ssd-mobilenetv1.onnx');
const demo = join(faceApiModelDir, '../demo');
const samples = [1, 2, 3, 4, 5, 6].map((i) => join(demo, `sample${i}.jpg`));
const spec: DetectorSpec = {
  file: modelPath,
  input: {
    name: 'input',
    width: 512,
    height: 512,
    layout: 'NCHW',
    channels: 'RGB',
    mean: [...detectorInput.mean],
    std: [...detectorInput.std],
  },
  resize: 'letterbox',
  outputs: { boxes: 'boxes', scores: 'scores' },
  paddedPasses: [],
};

let faceapi: FaceApi;
const images = new Map<string, DecodedImage>();

beforeAll(async () => {
  faceapi = await loadFaceApi(1);
  for (const path of samples) images.set(path, await decodeImage(readFileSync(path), { maxPixels: 1e8 }));
});

describe('face-detector-ssd-mobilenetv1.onnx', () => {
  it('is what the converter builds today (deterministic bytes)', () => {
    const built = buildSsdMobilenetV1();
    expect(Buffer.compare(Buffer.from(built), readFileSync(modelPath))).toBe(0);
  });

  it.each(samples.map((p) => [basename(p), p]))(
    'matches face-api TF.js on the same input tensor: %s',
    async (_name, path) => {
      const image = images.get(path)!;
      const pixels = await renderInput(
        image,
        placeImage(image.width, image.height, { width: 512, height: 512, resize: 'letterbox' }),
      );

      const session = await getSession(modelPath, { intraOpThreads: 1 });
      const out = await session.run({ input: toInputTensor([pixels], spec.input) });
      const boxes = out.boxes.data as Float32Array;
      const scores = out.scores.data as Float32Array;
      expect(out.boxes.dims).toEqual([1, 5118, 4]);
      expect(out.scores.dims).toEqual([1, 5118]);

      const tf = faceapi.tf;
      const input = tf.tensor4d(Float32Array.from(pixels), [1, 512, 512, 3]);
      const ref = await faceapi.nets.ssdMobilenetv1.forward(input);
      const refBoxes = ref.boxes[0].dataSync() as Float32Array; // ymin, xmin, ymax, xmax
      const refScores = ref.scores[0].dataSync() as Float32Array;
      tf.dispose([input, ...ref.boxes, ...ref.scores]);

      let boxDiff = 0;
      let scoreDiff = 0;
      const toXy = [1, 0, 3, 2];
      for (let i = 0; i < 5118; i++) {
        scoreDiff = Math.max(scoreDiff, Math.abs(scores[i] - refScores[i]));
        for (let k = 0; k < 4; k++) boxDiff = Math.max(boxDiff, Math.abs(boxes[i * 4 + k] - refBoxes[i * 4 + toXy[k]]));
      }
      expect(boxDiff).toBeLessThan(TOLERANCE);
      expect(scoreDiff).toBeLessThan(TOLERANCE);

      // Same faces after NMS: face-api's own post-processing on its outputs vs ours on ONNX outputs.
      const candidates = (b: Float32Array, s: Float32Array, order: number[]) =>
        Array.from(s, (score, i) => ({ score, box: order.map((k) => b[i * 4 + k]) as Box })).filter(
          (c) => c.score > 0.5,
        );
      const ours = nonMaxSuppression(candidates(boxes, scores, [0, 1, 2, 3]), { iou: 0.5 });
      const theirs = nonMaxSuppression(candidates(refBoxes, refScores, toXy), { iou: 0.5 });
      expect(ours.length).toBeGreaterThan(0);
      expect(ours.length).toBe(theirs.length);
      ours.forEach((d, i) => expect(iou(d.box, theirs[i].box)).toBeGreaterThan(0.99));
    },
  );
});

describe('FaceDetector', () => {
  it.each(samples.slice(0, 3).map((p) => [basename(p), p]))(
    'finds, in original pixels, every face face-api finds in %s',
    async (_name, path) => {
      const image = images.get(path)!;
      const detector = new FaceDetector(spec, modelPath, { minScore: 0.5, minFaceSize: 24, intraOpThreads: 1 });
      const ours = await detector.detect(image);

      const tf = faceapi.tf;
      const tensor = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      const ref = await faceapi.detectAllFaces(tensor, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }));
      tf.dispose(tensor);

      expect(ref.length).toBeGreaterThan(0);
      expect(ours.length).toBe(ref.length);
      for (const r of ref) {
        const box: Box = [r.box.x, r.box.y, r.box.x + r.box.width, r.box.y + r.box.height];
        // face-api resizes without antialiasing and pads bottom-right, so boxes differ by a few pixels.
        expect(Math.max(...ours.map((d) => iou(d.box, box)))).toBeGreaterThan(0.8);
      }
      for (const d of ours) {
        expect(d.box[0]).toBeGreaterThanOrEqual(0);
        expect(d.box[3]).toBeLessThanOrEqual(image.height);
        expect(d.score).toBeGreaterThanOrEqual(0.5);
      }
    },
  );

  it.each(samples.map((p) => [basename(p), p]))(
    'on the dynamic input cut to the image finds the faces of the 512x512 input: %s',
    async (_name, path) => {
      // The graph generates its anchors from the feature maps' shapes: on a 512 x (not 512) input
      // the boxes must still land on the faces the fixed input (face-api's priors) finds.
      const image = images.get(path)!;
      const options = { minScore: 0.5, minFaceSize: 24, intraOpThreads: 1 };
      const fixed = await new FaceDetector(spec, modelPath, options).detect(image);
      const dynamicSpec: DetectorSpec = { ...spec, dynamicInput: { multiple: 32, maxUpscale: 1 } };
      const placement = placeImage(image.width, image.height, {
        ...dynamicSpec.input,
        resize: 'letterbox',
        dynamic: dynamicSpec.dynamicInput,
      });
      expect(placement.inputWidth).toBe(512);
      expect(placement.inputHeight).toBeLessThan(512);
      const dynamic = await new FaceDetector(dynamicSpec, modelPath, options).detect(image);
      expect(fixed.length).toBeGreaterThan(0);
      expect(dynamic.length).toBe(fixed.length);
      for (const d of fixed) expect(Math.max(...dynamic.map((e) => iou(d.box, e.box)))).toBeGreaterThan(0.85);
    },
  );

  it('drops faces under minFaceSize and scores under minScore', async () => {
    const image = images.get(samples[0])!;
    const base = { minScore: 0.5, minFaceSize: 24, intraOpThreads: 1 };
    const all = await new FaceDetector(spec, modelPath, base).detect(image);
    const sides = all.map((d) => Math.max(d.box[2] - d.box[0], d.box[3] - d.box[1]));
    const minSide = Math.min(...sides);
    const bigOnly = await new FaceDetector(spec, modelPath, { ...base, minFaceSize: Math.ceil(minSide) + 1 }).detect(
      image,
    );
    expect(bigOnly.length).toBe(all.length - sides.filter((s) => s < Math.ceil(minSide) + 1).length);
    const minScore = Math.min(...all.map((d) => d.score));
    const strict = await new FaceDetector(spec, modelPath, { ...base, minScore: minScore + 1e-6 }).detect(image);
    expect(strict.length).toBe(all.length - 1);
  });
});
