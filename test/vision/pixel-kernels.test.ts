/**
 * The hand-written pixel loops on the per-face path (chip warp, landmark crop, tensor packing)
 * against plain reference versions: they were rewritten for speed and must give the same bytes
 * and floats, on faces inside the image and on faces hanging over its edges. And the reused
 * model-input buffer, which must never be shared by two runs at once.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { warpSimilarity } from '../../src/vision/align/warp.js';
import type { Similarity } from '../../src/vision/align/similarity.js';
import { invertSimilarity } from '../../src/vision/align/similarity.js';
import type { DecodedImage } from '../../src/vision/decode.js';
import { cutSquare } from '../../src/vision/landmarks/crop.js';
import type { InputSpec } from '../../src/vision/models/manifest.js';
import { InputBuffer, toInputTensor } from '../../src/vision/tensor.js';

function noiseImage(width: number, height: number): DecodedImage {
  const data = new Uint8Array(width * height * 3);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, width, height, format: 'raw' };
}

/** Bilinear sampling written the obvious way: black outside the image. */
function referenceWarp(image: DecodedImage, toChip: Similarity, width: number, height: number): Uint8Array {
  const inv = invertSimilarity(toChip);
  const at = (x: number, y: number, c: number): number =>
    x < 0 || y < 0 || x >= image.width || y >= image.height ? 0 : image.data[(y * image.width + x) * 3 + c];
  const out = new Uint8Array(width * height * 3);
  for (let v = 0; v < height; v++)
    for (let u = 0; u < width; u++) {
      const x = inv.a * (u + 0.5) - inv.b * (v + 0.5) + inv.tx - 0.5;
      const y = inv.b * (u + 0.5) + inv.a * (v + 0.5) + inv.ty - 0.5;
      const x0 = Math.floor(x),
        y0 = Math.floor(y);
      const fx = x - x0,
        fy = y - y0;
      for (let c = 0; c < 3; c++) {
        const top = at(x0, y0, c) + (at(x0 + 1, y0, c) - at(x0, y0, c)) * fx;
        const bottom = at(x0, y0 + 1, c) + (at(x0 + 1, y0 + 1, c) - at(x0, y0 + 1, c)) * fx;
        out[(v * width + u) * 3 + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  return out;
}

describe('warpSimilarity', () => {
  const image = noiseImage(120, 90);
  it.each([
    ['inside the image', { a: 0.8 * Math.cos(0.05), b: 0.8 * Math.sin(0.05), tx: -10, ty: -8 }],
    ['over the top-left corner', { a: 1.3, b: 0.2, tx: 25, ty: 30 }],
    ['over the bottom-right corner', { a: 0.7 * Math.cos(-0.5), b: 0.7 * Math.sin(-0.5), tx: -40, ty: -5 }],
  ])('gives the reference bytes for a chip %s', (_, toChip) => {
    const ours = warpSimilarity(image, toChip, 64, 64);
    const reference = referenceWarp(image, toChip, 64, 64);
    expect(Buffer.from(ours).equals(Buffer.from(reference))).toBe(true);
    // the cases cover both paths: some chips have black (outside) pixels, the first none
    expect(ours.some((v) => v > 0)).toBe(true);
  });
});

describe('cutSquare', () => {
  const image = noiseImage(80, 60);
  it.each([
    ['inside', { left: 10, top: 5, side: 30 }],
    ['over the top-left corner', { left: -12, top: -7, side: 40 }],
    ['over the bottom-right corner', { left: 55, top: 40, side: 36 }],
    ['larger than the image', { left: -10, top: -20, side: 100 }],
  ])('equals sharp extract + black extend for a square %s', async (_, crop) => {
    const { left, top, side } = crop;
    const x1 = Math.max(0, left),
      y1 = Math.max(0, top);
    const x2 = Math.min(image.width, left + side),
      y2 = Math.min(image.height, top + side);
    const bySharp = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .extract({ left: x1, top: y1, width: x2 - x1, height: y2 - y1 })
      .extend({
        left: x1 - left,
        top: y1 - top,
        right: left + side - x2,
        bottom: top + side - y2,
        background: { r: 0, g: 0, b: 0 },
      })
      .raw()
      .toBuffer();
    expect(Buffer.from(cutSquare(image, crop)).equals(bySharp)).toBe(true);
  });
});

describe('toInputTensor', () => {
  const pixels = noiseImage(7, 5).data;
  const spec = (layout: 'NCHW' | 'NHWC', channels: 'RGB' | 'BGR'): InputSpec => ({
    name: 'input',
    width: 7,
    height: 5,
    layout,
    channels,
    mean: [122.782, 117.001, 104.298],
    std: [255, 128, 64],
  });
  it.each([
    ['NCHW', 'RGB'],
    ['NCHW', 'BGR'],
    ['NHWC', 'RGB'],
    ['NHWC', 'BGR'],
  ] as const)('packs %s %s as (pixel - mean) / std per channel', (layout, channels) => {
    const s = spec(layout, channels);
    const tensor = toInputTensor([pixels, pixels], s);
    const data = tensor.data as Float32Array;
    const plane = 35;
    for (let n = 0; n < 2; n++)
      for (let i = 0; i < plane; i++)
        for (let c = 0; c < 3; c++) {
          const src = channels === 'RGB' ? c : 2 - c;
          const expected = Math.fround((pixels[i * 3 + src] - s.mean[c]) * (1 / s.std[c]));
          const at = layout === 'NCHW' ? n * plane * 3 + c * plane + i : n * plane * 3 + i * 3 + c;
          expect(data[at]).toBe(expected);
        }
    expect(tensor.dims).toEqual(layout === 'NCHW' ? [2, 3, 5, 7] : [2, 5, 7, 3]);
  });
});

describe('InputBuffer', () => {
  it('hands the same memory to runs one after another', async () => {
    const buffer = new InputBuffer();
    const first = await buffer.with(100, async (data) => data.buffer);
    const second = await buffer.with(60, async (data) => {
      expect(data.length).toBe(60);
      return data.buffer;
    });
    expect(second).toBe(first);
  });

  it('gives a run that starts while another holds the buffer its own array', async () => {
    const buffer = new InputBuffer();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const seen: ArrayBufferLike[] = [];
    const first = buffer.with(10, async (data) => {
      seen.push(data.buffer);
      data.fill(1);
      await held;
      return [...data];
    });
    await buffer.with(10, async (data) => {
      seen.push(data.buffer);
      data.fill(2);
    });
    release();
    expect(await first).toEqual(Array(10).fill(1));
    expect(seen[0]).not.toBe(seen[1]);
  });
});
