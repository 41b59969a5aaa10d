/**
 * decodeImage skips the colour transform of an embedded profile only for the sRGB profiles listed
 * in src/vision/srgb-profile.ts, where the transform is (nearly) an identity; any other profile
 * is still applied. Images are generated (PNGs with the profile attached as it is); the HP sRGB
 * profile comes from face-api's demo photos, which carry it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/vision/decode.js';
import { isPlainSrgbProfile, PLAIN_SRGB_PROFILES } from '../../src/vision/srgb-profile.js';
import { faceApiModelDir } from '../helpers/face-api-reference.js';
import { builtInProfile, colourGrid, pngWithProfile } from '../helpers/icc-png.js';

const limits = { maxPixels: 20_000_000 };
const samplePhoto = join(faceApiModelDir, '../demo/sample1.jpg');

/** What sharp makes of the file with the profile applied, as decodeImage did before the shortcut. */
async function withTransform(file: Uint8Array): Promise<Buffer> {
  return sharp(file, { failOn: 'error', pages: 1 })
    .rotate()
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer();
}

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

let hpSrgb: Buffer;
let libvipsSrgb: Buffer;
let displayP3: Buffer;
// Every colour whose channels are even: 2,097,152 colours.
const grid = colourGrid(2);

beforeAll(async () => {
  hpSrgb = (await sharp(readFileSync(samplePhoto)).metadata()).icc!;
  libvipsSrgb = await builtInProfile('srgb');
  displayP3 = await builtInProfile('p3');
});

describe('isPlainSrgbProfile', () => {
  it('knows the HP sRGB profile of the face-api demo photos and libvips own sRGB profile', () => {
    expect(isPlainSrgbProfile(hpSrgb)).toBe(true);
    expect(isPlainSrgbProfile(libvipsSrgb)).toBe(true);
    expect(PLAIN_SRGB_PROFILES.size).toBe(2);
  });

  it('is false for other profiles, an altered sRGB profile and no profile', () => {
    expect(isPlainSrgbProfile(displayP3)).toBe(false);
    const altered = Buffer.from(hpSrgb);
    altered[altered.length - 1] ^= 1;
    expect(isPlainSrgbProfile(altered)).toBe(false);
    expect(isPlainSrgbProfile(undefined)).toBe(false);
    expect(isPlainSrgbProfile(new Uint8Array(0))).toBe(false);
  });
});

describe('decodeImage with an embedded profile', () => {
  it('libvips sRGB: the pixels as stored, exactly what the transform gives', async () => {
    const png = await pngWithProfile(grid.rgb, grid.width, grid.height, libvipsSrgb);
    const decoded = await decodeImage(png, limits);
    expect(Buffer.from(decoded.data).equals(Buffer.from(grid.rgb))).toBe(true);
    expect(maxDiff(decoded.data, await withTransform(png))).toBe(0);
  });

  it('HP sRGB: the pixels as stored, within one unit of what the transform gives', async () => {
    const png = await pngWithProfile(grid.rgb, grid.width, grid.height, hpSrgb);
    const decoded = await decodeImage(png, limits);
    expect(Buffer.from(decoded.data).equals(Buffer.from(grid.rgb))).toBe(true);
    const transformed = await withTransform(png);
    expect(maxDiff(decoded.data, transformed)).toBe(1);
  });

  it('a face-api demo photo (HP sRGB) decodes to the same bytes as with the transform', async () => {
    const file = readFileSync(samplePhoto);
    const decoded = await decodeImage(file, limits);
    expect(maxDiff(decoded.data, await withTransform(file))).toBe(0);
  });

  it('any other profile is still applied (Display P3 converted to sRGB)', async () => {
    const png = await pngWithProfile(grid.rgb, grid.width, grid.height, displayP3);
    const decoded = await decodeImage(png, limits);
    expect(maxDiff(decoded.data, await withTransform(png))).toBe(0);
    expect(maxDiff(decoded.data, grid.rgb)).toBeGreaterThan(50);
  });
});
