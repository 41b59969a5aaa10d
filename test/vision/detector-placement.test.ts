import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import {
  contentSource,
  PAD_VALUE,
  placeImage,
  renderContent,
  renderInput,
  toImagePoint,
  type InputSizing,
  type Placement,
  type RgbPixels,
} from '../../src/vision/detect/placement.js';

const letterbox: InputSizing = { width: 512, height: 512, resize: 'letterbox' };
const stretch: InputSizing = { width: 512, height: 512, resize: 'stretch' };
const dynamic: InputSizing = { width: 512, height: 512, resize: 'letterbox', dynamic: { multiple: 32, maxUpscale: 1 } };

describe('placeImage, fixed input', () => {
  it('letterboxes a wide image: full width, centred vertically, aspect kept', () => {
    const p = placeImage(1000, 500, letterbox);
    expect(p).toEqual({ inputWidth: 512, inputHeight: 512, contentWidth: 512, contentHeight: 256, left: 0, top: 128 });
  });

  it('stretches to the whole input', () => {
    expect(placeImage(1000, 500, stretch)).toEqual({
      inputWidth: 512,
      inputHeight: 512,
      contentWidth: 512,
      contentHeight: 512,
      left: 0,
      top: 0,
    });
  });

  it('shrinks the content to 1/factor of the input, centred; the canvas stays the input', () => {
    const half = { factor: 2, margin: 0.5 };
    expect(placeImage(250, 250, letterbox, half)).toEqual({
      inputWidth: 512,
      inputHeight: 512,
      contentWidth: 256,
      contentHeight: 256,
      left: 128,
      top: 128,
    });
    expect(placeImage(1000, 500, stretch, half)).toEqual({
      inputWidth: 512,
      inputHeight: 512,
      contentWidth: 256,
      contentHeight: 256,
      left: 128,
      top: 128,
    });
  });
});

describe('placeImage, dynamic input', () => {
  it('cuts the input to a wide photo: no letterbox bars', () => {
    expect(placeImage(1920, 1080, dynamic)).toEqual({
      inputWidth: 512,
      inputHeight: 288,
      contentWidth: 512,
      contentHeight: 288,
      left: 0,
      top: 0,
    });
  });

  it('never upscales past maxUpscale; the canvas is rounded up to the multiple, content centred', () => {
    expect(placeImage(250, 250, dynamic)).toEqual({
      inputWidth: 256,
      inputHeight: 256,
      contentWidth: 250,
      contentHeight: 250,
      left: 3,
      top: 3,
    });
    expect(placeImage(10, 7, dynamic)).toEqual({
      inputWidth: 32,
      inputHeight: 32,
      contentWidth: 10,
      contentHeight: 7,
      left: 11,
      top: 12,
    });
  });

  it('a padded pass shrinks the content by its factor and adds its margin on each side', () => {
    // 512 / 4 = 128 px content, plus 25% of it per side = 192.
    expect(placeImage(250, 250, dynamic, { factor: 4, margin: 0.25 })).toEqual({
      inputWidth: 192,
      inputHeight: 192,
      contentWidth: 128,
      contentHeight: 128,
      left: 32,
      top: 32,
    });
    // Margin (factor - 1) / 2 gives the fixed-canvas picture: content 256 centred in 512.
    expect(placeImage(1000, 1000, dynamic, { factor: 2, margin: 0.5 })).toEqual({
      inputWidth: 512,
      inputHeight: 512,
      contentWidth: 256,
      contentHeight: 256,
      left: 128,
      top: 128,
    });
  });
});

describe('toImagePoint', () => {
  it.each([
    ['fixed', letterbox],
    ['dynamic', dynamic],
  ] as const)('inverts the placement (%s): input corners of the content map to image corners', (_name, sizing) => {
    const p = placeImage(1000, 500, sizing, { factor: 1.5, margin: 0.3 });
    const topLeft = toImagePoint([p.left / p.inputWidth, p.top / p.inputHeight], p, 1000, 500);
    const bottomRight = toImagePoint(
      [(p.left + p.contentWidth) / p.inputWidth, (p.top + p.contentHeight) / p.inputHeight],
      p,
      1000,
      500,
    );
    expect(topLeft[0]).toBeCloseTo(0, 9);
    expect(topLeft[1]).toBeCloseTo(0, 9);
    expect(bottomRight[0]).toBeCloseTo(1000, 9);
    expect(bottomRight[1]).toBeCloseTo(500, 9);
  });
});

describe('renderInput', () => {
  it('puts the image where the placement says and pads with black', async () => {
    // 4x2 white image with a red left half, letterboxed into 8x8: rows 2..5 hold it.
    const data = new Uint8Array(4 * 2 * 3).fill(255);
    for (const i of [0, 1, 4, 5]) data.set([255, 0, 0], i * 3);
    const image = { data, width: 4, height: 2, format: 'raw' };
    const p = placeImage(4, 2, { width: 8, height: 8, resize: 'letterbox' });
    expect(p).toEqual({ inputWidth: 8, inputHeight: 8, contentWidth: 8, contentHeight: 4, left: 0, top: 2 });
    const out = await renderInput(image, p);
    expect(out.length).toBe(8 * 8 * 3);
    const px = (x: number, y: number) => Array.from(out.subarray((y * 8 + x) * 3, (y * 8 + x) * 3 + 3));
    expect(px(0, 0)).toEqual([0, 0, 0]);
    expect(px(7, 7)).toEqual([0, 0, 0]);
    expect(px(0, 3)[0]).toBeGreaterThan(200);
    expect(px(0, 3)[1]).toBeLessThan(60);
    expect(px(7, 4)).toEqual([255, 255, 255]);
  });
});

/** A photo-like generated image: smooth gradients plus a deterministic pattern, so resampling shows. */
function generated(width: number, height: number): RgbPixels {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = (x * 255) / width;
      data[o + 1] = (y * 255) / height;
      data[o + 2] = (x * 7 + y * 13) % 256;
    }
  return { data, width, height };
}

/** What the input was before the rendering was split: one sharp pipeline, resize then extend with black. */
async function sharpPipelineInput(image: RgbPixels, p: Placement): Promise<Uint8Array> {
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(p.contentWidth, p.contentHeight, { fit: 'fill' })
    .extend({
      left: p.left,
      top: p.top,
      right: p.inputWidth - p.contentWidth - p.left,
      bottom: p.inputHeight - p.contentHeight - p.top,
      background: { r: PAD_VALUE, g: PAD_VALUE, b: PAD_VALUE },
    })
    .raw()
    .toBuffer();
  return new Uint8Array(data);
}

const meanAbsDiff = (a: Uint8Array, b: Uint8Array): number =>
  a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

describe('renderContent / padContent / contentSource', () => {
  const shipped = { factor: 4, margin: 0.25 };

  it.each([
    ['a photo larger than the input, whole-image pass', 1366, 768, { factor: 1, margin: 0 }],
    ['an image smaller than the input (kept at its size, centred)', 250, 250, { factor: 1, margin: 0 }],
    ['a padded pass from the image', 940, 464, shipped],
  ])('renderInput gives the bytes of one sharp resize + extend pipeline: %s', async (_name, w, h, plan) => {
    const image = generated(w, h);
    const p = placeImage(w, h, dynamic, plan);
    expect(Buffer.from(await renderInput(image, p)).equals(Buffer.from(await sharpPipelineInput(image, p)))).toBe(true);
  });

  it('an image already at the content size is used as it is: no copy, no resampling', async () => {
    const image = generated(250, 250);
    const p = placeImage(250, 250, dynamic);
    expect(await renderContent(image, p)).toBe(image);
  });

  it('a padded pass resizes the whole-image content, or the image when that content is the image itself', async () => {
    const large = generated(1366, 768);
    const whole = await renderContent(large, placeImage(1366, 768, dynamic));
    expect([whole.width, whole.height]).toEqual([512, 288]);
    const padded = placeImage(1366, 768, dynamic, shipped);
    expect(contentSource(large, whole, padded)).toBe(whole);
    expect(contentSource(large, undefined, padded)).toBe(large);
    // From the reduced pixels the padded input is nearly what a resize of the full image gives.
    const fromWhole = await renderInput(whole, padded);
    const fromImage = await renderInput(large, padded);
    expect(meanAbsDiff(fromWhole, fromImage)).toBeLessThan(1.5);

    // An LFW-sized image fits the input: its whole-image content is the image, so a padded pass
    // renders from exactly the pixels it rendered from before, byte for byte.
    const small = generated(250, 250);
    const smallWhole = await renderContent(small, placeImage(250, 250, dynamic));
    const smallPadded = placeImage(250, 250, dynamic, shipped);
    expect(contentSource(small, smallWhole, smallPadded)).toBe(small);
    expect(
      Buffer.from(await renderInput(smallWhole, smallPadded)).equals(
        Buffer.from(await renderInput(small, smallPadded)),
      ),
    ).toBe(true);
  });

  it('a source smaller than the pass content is not used', () => {
    const image = generated(1000, 1000);
    const tiny = generated(100, 100);
    expect(contentSource(image, tiny, placeImage(1000, 1000, dynamic, shipped))).toBe(image);
  });
});
