/**
 * Padded passes: a face that fills the frame is missed by the plain pass of the SSD detector
 * and found once the image is shrunk inside a black border; merged results keep one box per face.
 * Checked for the fixed 512x512 input (face-api's way) and for the shipped dynamic input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectorInput } from '../../tools/convert/face-api-ssd.js';
import { decodeImage, type DecodedImage } from '../../src/vision/decode.js';
import { FaceDetector } from '../../src/vision/detect/face-detector.js';
import { loadManifest, type DetectorSpec } from '../../src/vision/models/manifest.js';
import { faceApiModelDir } from '../helpers/face-api-reference.js';

const modelPath = join(import.meta.dirname, '../../models/face-detector-ssd-mobilenetv1.onnx');
const shipped = loadManifest(join(import.meta.dirname, '../../models/manifest.json')).detector;
type Passes = DetectorSpec['paddedPasses'];
const spec = (paddedPasses: Passes, dynamic: boolean): DetectorSpec => ({
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
  dynamicInput: dynamic ? { multiple: 32, maxUpscale: 1 } : undefined,
  outputs: { boxes: 'boxes', scores: 'scores' },
  paddedPasses,
});
const variants: Array<{ name: string; dynamic: boolean; passes: Passes }> = [
  { name: 'fixed 512x512 input, canvas twice the image', dynamic: false, passes: [{ factor: 2, margin: 0.5 }] },
  { name: 'shipped dynamic input and padded passes', dynamic: true, passes: shipped.paddedPasses },
];
const options = { minScore: 0.5, minFaceSize: 24, intraOpThreads: 1 };

let closeUp: DecodedImage;
let scene: DecodedImage;

beforeAll(async () => {
  scene = await decodeImage(readFileSync(join(faceApiModelDir, '../demo/sample3.jpg')), { maxPixels: 1e8 });
  // The right-hand face of sample3, cropped 5% inside its box and enlarged 2x: the face fills the
  // whole frame at a size the whole-image pass sees as it is (a 512 px long side), and misses.
  const { data, info } = await sharp(scene.data, { raw: { width: scene.width, height: scene.height, channels: 3 } })
    .extract({ left: 1514, top: 290, width: 157, height: 258 })
    .resize(314, 516)
    .raw()
    .toBuffer({ resolveWithObject: true });
  closeUp = { data: new Uint8Array(data), width: info.width, height: info.height, format: 'raw' };
});

it('the shipped manifest uses the dynamic input and at least one padded pass', () => {
  expect(shipped.dynamicInput).toBeDefined();
  expect(shipped.paddedPasses.length).toBeGreaterThan(0);
});

describe.each(variants)('FaceDetector padded passes: $name', ({ dynamic, passes }) => {
  it('finds a frame-filling face only with a padded pass', async () => {
    expect(await new FaceDetector(spec([], dynamic), modelPath, options).detect(closeUp)).toEqual([]);
    const found = await new FaceDetector(spec(passes, dynamic), modelPath, options).detect(closeUp);
    expect(found).toHaveLength(1);
    const [x1, y1, x2, y2] = found[0].box;
    expect(x1).toBeLessThan(closeUp.width / 2);
    expect(x2).toBeGreaterThan(closeUp.width / 2);
    expect(y1).toBeLessThan(closeUp.height / 2);
    expect(y2).toBeGreaterThan(closeUp.height / 2);
    expect(x2 - x1).toBeGreaterThan(0.6 * closeUp.width);
  });

  it('merges passes on a group photo without duplicating or adding faces', async () => {
    const plain = await new FaceDetector(spec([], dynamic), modelPath, options).detect(scene);
    const padded = await new FaceDetector(
      spec([...passes, { factor: 3, margin: 1 }], dynamic),
      modelPath,
      options,
    ).detect(scene);
    expect(plain).toHaveLength(3);
    expect(padded).toHaveLength(3);
  });
});
