/**
 * The converted 68-point landmark net against face-api on TF.js: the same 112x112 crop goes
 * into both and the 136 normalised coordinates must agree within 1e-3; LandmarkLocator must
 * put the points where face-api puts them in the image.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLandmark68, landmarkInput } from '../../tools/convert/face-api-landmark68.js';
import { detectorInput } from '../../tools/convert/face-api-ssd.js';
import { decodeImage, type DecodedImage } from '../../src/vision/decode.js';
import { FaceDetector } from '../../src/vision/detect/face-detector.js';
import { renderCrop, squareCrop } from '../../src/vision/landmarks/crop.js';
import { fivePointsFrom68 } from '../../src/vision/landmarks/five-points.js';
import { LandmarkLocator } from '../../src/vision/landmarks/landmark-locator.js';
import type { DetectorSpec, LandmarkSpec } from '../../src/vision/models/manifest.js';
import { getSession } from '../../src/vision/models/onnx-session.js';
import { toInputTensor } from '../../src/vision/tensor.js';
import type { Box } from '../../src/vision/types.js';
import { faceApiModelDir, loadFaceApi, type FaceApi } from '../helpers/face-api-reference.js';

const TOLERANCE = 1e-3;
const models = join(import.meta.dirname, '../../models');
const modelPath = join(models, 'face-landmarks-68.onnx');
const samples = [1, 3, 5].map((i) => join(faceApiModelDir, `../demo/sample${i}.jpg`));
const spec: LandmarkSpec = {
  file: modelPath,
  input: {
    name: 'input',
    width: 112,
    height: 112,
    layout: 'NCHW',
    channels: 'RGB',
    mean: [...landmarkInput.mean],
    std: [...landmarkInput.std],
  },
  output: 'landmarks',
  points: 68,
  cropMargin: 0,
  batchSize: 16,
};
const detectorSpec: DetectorSpec = {
  file: 'face-detector-ssd-mobilenetv1.onnx',
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
const faces: Array<{ image: DecodedImage; box: Box; label: string }> = [];

beforeAll(async () => {
  faceapi = await loadFaceApi(1);
  const detector = new FaceDetector(detectorSpec, join(models, detectorSpec.file), {
    minScore: 0.5,
    minFaceSize: 24,
    intraOpThreads: 1,
  });
  for (const path of samples) {
    const image = await decodeImage(readFileSync(path), { maxPixels: 1e8 });
    (await detector.detect(image)).forEach((d, i) =>
      faces.push({ image, box: d.box, label: `${path.split('/').pop()}#${i}` }),
    );
  }
});

describe('face-landmarks-68.onnx', () => {
  it('is what the converter builds today (deterministic bytes)', () => {
    expect(Buffer.compare(Buffer.from(buildLandmark68()), readFileSync(modelPath))).toBe(0);
  });

  it('matches face-api TF.js on the same 112x112 crops', async () => {
    expect(faces.length).toBeGreaterThanOrEqual(9);
    const session = await getSession(modelPath, { intraOpThreads: 1 });
    const tf = faceapi.tf;
    let worst = 0;
    for (const face of faces) {
      const pixels = await renderCrop(face.image, squareCrop(face.box, 0), 112);
      const ours = (await session.run({ input: toInputTensor([pixels], spec.input) })).landmarks;
      expect(ours.dims).toEqual([1, 136]);
      const input = tf.tensor4d(Float32Array.from(pixels), [1, 112, 112, 3]);
      const refTensor = await faceapi.nets.faceLandmark68Net.forward(input);
      const ref = refTensor.dataSync() as Float32Array;
      tf.dispose([input, refTensor]);
      const data = ours.data as Float32Array;
      for (let i = 0; i < 136; i++) worst = Math.max(worst, Math.abs(data[i] - ref[i]));
    }
    expect(worst).toBeLessThan(TOLERANCE);
  });
});

describe('LandmarkLocator', () => {
  it('maps points to image pixels as face-api does on the same square region', async () => {
    const locator = new LandmarkLocator(spec, modelPath, 1);
    const tf = faceapi.tf;
    for (const face of faces.slice(0, 4)) {
      const [ours] = await locator.locate(face.image, [face.box]);
      expect(ours).toHaveLength(68);
      // face-api gets the crop at full resolution and resizes it itself (bilinear), so allow 1.5% of the side.
      const crop = squareCrop(face.box, 0);
      const full = await renderCrop(face.image, crop, crop.side);
      const input = tf.tensor3d(full, [crop.side, crop.side, 3], 'int32');
      const ref = await faceapi.nets.faceLandmark68Net.detectLandmarks(input);
      tf.dispose(input);
      ref.positions.forEach((p: { x: number; y: number }, i: number) => {
        expect(Math.abs(ours[i][0] - (crop.left + p.x))).toBeLessThan(0.015 * crop.side);
        expect(Math.abs(ours[i][1] - (crop.top + p.y))).toBeLessThan(0.015 * crop.side);
      });
    }
  });

  it('gives every face the same points in one batched run as in a run of its own', async () => {
    const batched = new LandmarkLocator(spec, modelPath, 1);
    const single = new LandmarkLocator({ ...spec, batchSize: 1 }, modelPath, 1);
    const image = faces[0].image;
    const boxes = faces.filter((f) => f.image === image).map((f) => f.box);
    expect(boxes.length).toBeGreaterThan(1);
    expect(await batched.locate(image, boxes)).toEqual(await single.locate(image, boxes));
  });

  it('gives five points in face order inside the face box', async () => {
    const locator = new LandmarkLocator(spec, modelPath, 1);
    const all = await locator.locate(
      faces[0].image,
      faces.filter((f) => f.image === faces[0].image).map((f) => f.box),
    );
    expect(all.length).toBeGreaterThan(1);
    all.forEach((points, i) => {
      const [leftEye, rightEye, nose, mouthLeft, mouthRight] = fivePointsFrom68(points);
      const [x1, y1, x2, y2] = faces[i].box;
      for (const [x, y] of [leftEye, rightEye, nose, mouthLeft, mouthRight]) {
        expect(x).toBeGreaterThan(x1);
        expect(x).toBeLessThan(x2);
        expect(y).toBeGreaterThan(y1);
        expect(y).toBeLessThan(y2);
      }
      expect(leftEye[0]).toBeLessThan(rightEye[0]);
      expect(mouthLeft[0]).toBeLessThan(mouthRight[0]);
      expect(Math.max(leftEye[1], rightEye[1])).toBeLessThan(Math.max(mouthLeft[1], mouthRight[1]));
    });
  });

  it('returns nothing for no boxes', async () => {
    expect(await new LandmarkLocator(spec, modelPath, 1).locate(faces[0].image, [])).toEqual([]);
  });
});
