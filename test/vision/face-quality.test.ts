/** Face quality: the pure score, and on real detections of the demo photos and copies made worse. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { decodeImage } from '../../src/vision/decode.js';
import { FaceAnalyzer } from '../../src/vision/face-analyzer.js';
import {
  faceQuality,
  faceQualityParts,
  isLowQuality,
  qualityOptions,
  ramp,
  yawEstimate,
  type FaceQualityInput,
} from '../../src/vision/face-quality.js';
import type { Box, Point } from '../../src/vision/types.js';
import { demoImage } from '../helpers/fixtures.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const settings = loadSettings({}, { FRS_INTRA_OP_THREADS: 1 });
const options = qualityOptions(settings);

/** A frontal face in a 100 px box: eyes 45 px apart, nose between them. */
function frontal(overrides: Partial<FaceQualityInput> = {}): FaceQualityInput {
  const landmarks: Point[] = [
    [30, 40],
    [75, 40],
    [52, 65],
    [35, 85],
    [70, 85],
  ];
  return { box: [0, 0, 100, 120], score: 0.95, landmarks, sharpness: 80, ...overrides };
}

describe('faceQuality (pure)', () => {
  it('ramps each signal between its bad and good value', () => {
    expect([ramp(0, 1, 3), ramp(2, 1, 3), ramp(5, 1, 3), ramp(0.2, 0.9, 0.5), ramp(Number.NaN, 0, 1)]).toEqual([
      0, 0.5, 1, 1, 0,
    ]);
  });

  it('gives a large, sharp, frontal, sure face full marks and takes them away signal by signal', () => {
    expect(faceQuality(frontal(), options)).toBe(1);
    const parts = (face: FaceQualityInput) => faceQualityParts(face, options);
    expect(parts(frontal({ box: [0, 0, 30, 36] })).size).toBeLessThan(0.3);
    expect(parts(frontal({ sharpness: 2 })).sharpness).toBeLessThan(0.3);
    expect(parts(frontal({ score: options.minScore })).score).toBe(0);
    // The nose beyond the right eye: a profile.
    const profile = frontal().landmarks.map((p, i) => (i === 2 ? ([100, 65] as Point) : p));
    expect(yawEstimate(profile)).toBeGreaterThan(0.9);
    expect(parts(frontal({ landmarks: profile })).landmarks).toBe(0);
    // Points collapsed onto each other: not a face the landmark model understood.
    const collapsed = frontal().landmarks.map(([x, y]) => [50 + (x - 50) / 5, y] as Point);
    expect(parts(frontal({ landmarks: collapsed })).landmarks).toBe(0);
  });

  it('leaves an unknown detector score out, and treats an unmeasured face as acceptable', () => {
    expect(faceQuality(frontal({ score: null }), options)).toBe(1);
    expect([
      isLowQuality(null, 0.3),
      isLowQuality(undefined, 0.3),
      isLowQuality(0.29, 0.3),
      isLowQuality(0.3, 0.3),
    ]).toEqual([false, false, true, false]);
  });
});

describe('faceQuality on real detections (demo photos, real models)', () => {
  let analyzer: FaceAnalyzer;
  beforeAll(() => {
    analyzer = FaceAnalyzer.fromManifestFile(join(repoRoot, 'models/manifest.json'), settings);
  });

  async function qualities(bytes: Buffer): Promise<Array<{ centre: Point; quality: number }>> {
    const image = await decodeImage(bytes, { maxPixels: 1e8 });
    const faces = await analyzer.detect(image);
    const embedded = await analyzer.embed(image, faces);
    return faces.map((f, i) => ({
      centre: centre(f.box, image.width),
      quality: faceQuality({ ...f, sharpness: embedded[i].sharpness }, options),
    }));
  }

  /** Box centre as a share of the image width, so copies of other sizes can be compared. */
  const centre = (box: Box, width: number): Point => [(box[0] + box[2]) / 2 / width, (box[1] + box[3]) / 2 / width];
  const nearest = (faces: Array<{ centre: Point; quality: number }>, p: Point) =>
    faces.reduce((a, b) =>
      Math.hypot(a.centre[0] - p[0], a.centre[1] - p[1]) <= Math.hypot(b.centre[0] - p[0], b.centre[1] - p[1]) ? a : b,
    );

  it('scores the sharp faces of a photo above their blurred and their tiny copies', async () => {
    const original = await sharp(demoImage(1)).rotate().toBuffer();
    const sharpFaces = await qualities(original);
    expect(sharpFaces).toHaveLength(3);
    for (const f of sharpFaces) expect(f.quality).toBeGreaterThanOrEqual(settings.FRS_MIN_FACE_QUALITY);

    const blurred = await qualities(await sharp(original).blur(6).jpeg().toBuffer());
    // 300 px wide: the faces are about 30 px.
    const tiny = await qualities(await sharp(original).resize({ width: 300 }).jpeg().toBuffer());
    expect(blurred.length).toBeGreaterThan(0);
    expect(tiny.length).toBeGreaterThan(0);
    for (const worse of [...blurred, ...tiny]) {
      expect(worse.quality).toBeLessThan(nearest(sharpFaces, worse.centre).quality);
      expect(isLowQuality(worse.quality, settings.FRS_MIN_FACE_QUALITY)).toBe(true);
    }
  });
});
