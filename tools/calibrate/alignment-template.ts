/**
 * Derives the embedder's five-point alignment template the way dlib built its face chips
 * (the recognition net was trained on those): a mean face shape from the 68-point
 * landmarks of many faces, normalised so the inner-face points (17..67) span [0,1], then
 * padded by `padding` on each side and scaled to the chip size. We estimate the mean shape
 * ourselves, on LFW, with generalised Procrustes alignment.
 *
 * Prints the five-point template and `template51`, all 51 inner-face points (68-point indices
 * 17..67, in that order), the template dlib fits by least squares when it has the 68 points.
 *
 *   npx tsx tools/calibrate/alignment-template.ts [--images 400] [--padding 0.25] [--size 150]
 *
 * Needs ../shared/datasets/lfw and the face-api reference (devDependency).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { identitiesWithAtLeast, lfwAvailable } from '../../bench/lib/lfw.js';
import { loadFaceApi } from '../../test/helpers/face-api-reference.js';
import { decodeImage } from '../../src/vision/decode.js';
import { applySimilarity, estimateSimilarity } from '../../src/vision/align/similarity.js';
import { MIRROR_68 } from '../../src/vision/landmarks/mirror.js';
import type { Point } from '../../src/vision/types.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '400' },
    padding: { type: 'string', default: '0.25' },
    size: { type: 'string', default: '150' },
  },
});
if (!lfwAvailable) {
  console.error('LFW not found (../shared/datasets/lfw): cannot calibrate.');
  process.exit(2);
}

const faceapi = await loadFaceApi(2);
const all = identitiesWithAtLeast(1);
const step = Math.max(1, Math.floor(all.length / Number(values.images)));
const shapes: Point[][] = [];
for (let i = 0; i < all.length && shapes.length < Number(values.images); i += step) {
  const image = await decodeImage(readFileSync(all[i].path), { maxPixels: 1e8 });
  const tensor = faceapi.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
  const results = await faceapi
    .detectAllFaces(tensor, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.3 }))
    .withFaceLandmarks();
  tensor.dispose();
  // the centred face: LFW images are centred on their subject
  const best = results.sort((a: FaceResult, b: FaceResult) => centreDist(a) - centreDist(b))[0];
  if (best) shapes.push(best.landmarks.positions.slice(17).map((p: { x: number; y: number }) => [p.x, p.y] as Point));
}

interface FaceResult {
  detection: { box: { x: number; y: number; width: number; height: number } };
}
function centreDist(r: FaceResult): number {
  const b = r.detection.box;
  return Math.hypot(b.x + b.width / 2 - 125, b.y + b.height / 2 - 125);
}

// Generalised Procrustes: align every shape to the running mean until it settles.
let mean = shapes[0];
for (let iter = 0; iter < 10; iter++) {
  const aligned = shapes.map((s) => {
    const t = estimateSimilarity(s, mean);
    return s.map((p) => applySimilarity(t, p));
  });
  mean = mean.map(
    (_, k) =>
      [
        aligned.reduce((a, s) => a + s[k][0], 0) / aligned.length,
        aligned.reduce((a, s) => a + s[k][1], 0) / aligned.length,
      ] as Point,
  );
}
const xs = mean.map((p) => p[0]),
  ys = mean.map((p) => p[1]);
const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
const unit = mean.map(([x, y]) => [(x - minX) / (maxX - minX), (y - minY) / (maxY - minY)] as Point);
const at = (k: number) => unit[k - 17];
const avg = (ks: number[]): Point => [
  ks.reduce((a, k) => a + at(k)[0], 0) / ks.length,
  ks.reduce((a, k) => a + at(k)[1], 0) / ks.length,
];
const five = [avg([36, 37, 38, 39, 40, 41]), avg([42, 43, 44, 45, 46, 47]), at(30), at(48), at(54)];
const pad = Number(values.padding),
  size = Number(values.size);
// The population is left-right symmetric on average: mirror and average to drop annotation bias.
const mirrored = [five[1], five[0], five[2], five[4], five[3]].map(([x, y]) => [1 - x, y] as Point);
const symmetric = five.map(([x, y], k) => [(x + mirrored[k][0]) / 2, (y + mirrored[k][1]) / 2] as Point);
const toChip = ([x, y]: Point) => [
  round(((x + pad) / (1 + 2 * pad)) * size),
  round(((y + pad) / (1 + 2 * pad)) * size),
];
const template = symmetric.map(toChip);
// The same for every inner point: each averaged with its mirror partner (MIRROR_68).
const template51 = unit.map(([x, y], i) => {
  const [mx, my] = at(MIRROR_68[i + 17]);
  return toChip([(x + 1 - mx) / 2, (y + my) / 2]);
});
console.log(JSON.stringify({ faces: shapes.length, padding: pad, size, template, template51 }));

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
