import { describe, expect, it } from 'vitest';
import { placeImage, renderInput, toImagePoint } from '../../src/vision/detect/placement.js';

describe('placeImage', () => {
  it('letterboxes a wide image: full width, centred vertically, aspect kept', () => {
    const p = placeImage(1000, 500, 512, 512, 'letterbox');
    expect(p).toEqual({ contentWidth: 512, contentHeight: 256, left: 0, top: 128 });
  });

  it('stretches to the whole input', () => {
    expect(placeImage(1000, 500, 512, 512, 'stretch')).toEqual({ contentWidth: 512, contentHeight: 512, left: 0, top: 0 });
  });

  it('shrinks the content to 1/padFactor of the input, centred', () => {
    expect(placeImage(250, 250, 512, 512, 'letterbox', 2)).toEqual({ contentWidth: 256, contentHeight: 256, left: 128, top: 128 });
    expect(placeImage(1000, 500, 512, 512, 'stretch', 2)).toEqual({ contentWidth: 256, contentHeight: 256, left: 128, top: 128 });
  });
});

describe('toImagePoint', () => {
  it('inverts the placement: input corners of the content map to image corners', () => {
    const p = placeImage(1000, 500, 512, 512, 'letterbox', 1.5);
    const topLeft = toImagePoint([p.left / 512, p.top / 512], p, 512, 512, 1000, 500);
    const bottomRight = toImagePoint([(p.left + p.contentWidth) / 512, (p.top + p.contentHeight) / 512], p, 512, 512, 1000, 500);
    expect(topLeft[0]).toBeCloseTo(0, 9);
    expect(topLeft[1]).toBeCloseTo(0, 9);
    expect(bottomRight[0]).toBeCloseTo(1000, 9);
    expect(bottomRight[1]).toBeCloseTo(500, 9);
  });
});

describe('renderInput', () => {
  it('puts the image where the placement says and pads with black', async () => {
    // 4x2 white image with a red left half, letterboxed into 8x8 with pad factor 1: rows 2..5 hold it.
    const data = new Uint8Array(4 * 2 * 3).fill(255);
    for (const i of [0, 1, 4, 5]) data.set([255, 0, 0], i * 3);
    const image = { data, width: 4, height: 2, format: 'raw' };
    const p = placeImage(4, 2, 8, 8, 'letterbox');
    expect(p).toEqual({ contentWidth: 8, contentHeight: 4, left: 0, top: 2 });
    const out = await renderInput(image, p, 8, 8);
    expect(out.length).toBe(8 * 8 * 3);
    const px = (x: number, y: number) => Array.from(out.subarray((y * 8 + x) * 3, (y * 8 + x) * 3 + 3));
    expect(px(0, 0)).toEqual([0, 0, 0]);
    expect(px(7, 7)).toEqual([0, 0, 0]);
    expect(px(0, 3)[0]).toBeGreaterThan(200);
    expect(px(0, 3)[1]).toBeLessThan(60);
    expect(px(7, 4)).toEqual([255, 255, 255]);
  });
});
