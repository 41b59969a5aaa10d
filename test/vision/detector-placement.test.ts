import { describe, expect, it } from 'vitest';
import { placeImage, renderInput, toImagePoint, type InputSizing } from '../../src/vision/detect/placement.js';

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
