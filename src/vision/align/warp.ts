/**
 * Cuts an aligned face chip out of an RGB image: each chip pixel is mapped back through
 * the inverse similarity and sampled bilinearly; outside the image is black (zero), which
 * is what the embedder saw for border faces during its training-time alignment too.
 */
import type { DecodedImage } from '../decode.js';
import type { Point } from '../types.js';
import { estimateSimilarity, invertSimilarity, type Similarity } from './similarity.js';

export function warpChip(
  image: DecodedImage,
  landmarks: Point[],
  template: Point[],
  width: number,
  height: number,
): Uint8Array {
  return warpSimilarity(image, estimateSimilarity(landmarks, template), width, height);
}

/**
 * The chip that `toChip` (image pixels → chip pixels) maps the image onto. Runs for every face,
 * so the loop is written for speed: per-row products hoisted, one bounds test per pixel, the four
 * neighbours read directly when all lie inside the image (the usual case), black outside it
 * otherwise; the arithmetic is the same on both paths (test/vision/pixel-kernels.test.ts).
 */
export function warpSimilarity(image: DecodedImage, toChip: Similarity, width: number, height: number): Uint8Array {
  const { a, b, tx, ty } = invertSimilarity(toChip);
  const { data, width: W, height: H } = image;
  const out = new Uint8Array(width * height * 3);
  const row = W * 3;
  let o = 0;
  for (let v = 0; v < height; v++) {
    // pixel centres: sample at (u + 0.5, v + 0.5) in chip space
    const cv = v + 0.5;
    const bcv = b * cv,
      acv = a * cv;
    for (let u = 0; u < width; u++, o += 3) {
      const cu = u + 0.5;
      const x = a * cu - bcv + tx - 0.5;
      const y = b * cu + acv + ty - 0.5;
      const x0 = Math.floor(x),
        y0 = Math.floor(y);
      const fx = x - x0,
        fy = y - y0;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < W && y0 + 1 < H) {
        const i00 = y0 * row + x0 * 3;
        const i01 = i00 + row;
        out[o] = lerp2(data[i00], data[i00 + 3], data[i01], data[i01 + 3], fx, fy);
        out[o + 1] = lerp2(data[i00 + 1], data[i00 + 4], data[i01 + 1], data[i01 + 4], fx, fy);
        out[o + 2] = lerp2(data[i00 + 2], data[i00 + 5], data[i01 + 2], data[i01 + 5], fx, fy);
      } else {
        for (let c = 0; c < 3; c++)
          out[o + c] = lerp2(
            pixel(data, W, H, x0, y0, c),
            pixel(data, W, H, x0 + 1, y0, c),
            pixel(data, W, H, x0, y0 + 1, c),
            pixel(data, W, H, x0 + 1, y0 + 1, c),
            fx,
            fy,
          );
      }
    }
  }
  return out;
}

/** Bilinear interpolation between four neighbours, rounded to a byte value. */
function lerp2(p00: number, p10: number, p01: number, p11: number, fx: number, fy: number): number {
  const top = p00 + (p10 - p00) * fx;
  const bottom = p01 + (p11 - p01) * fx;
  return Math.round(top + (bottom - top) * fy);
}

function pixel(data: Uint8Array, W: number, H: number, x: number, y: number, c: number): number {
  if (x < 0 || y < 0 || x >= W || y >= H) return 0;
  return data[(y * W + x) * 3 + c];
}
