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

/** The chip that `toChip` (image pixels → chip pixels) maps the image onto. */
export function warpSimilarity(image: DecodedImage, toChip: Similarity, width: number, height: number): Uint8Array {
  const inv = invertSimilarity(toChip);
  const { data, width: W, height: H } = image;
  const out = new Uint8Array(width * height * 3);
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      // pixel centres: sample at (u + 0.5, v + 0.5) in chip space
      const cu = u + 0.5,
        cv = v + 0.5;
      const x = inv.a * cu - inv.b * cv + inv.tx - 0.5;
      const y = inv.b * cu + inv.a * cv + inv.ty - 0.5;
      const x0 = Math.floor(x),
        y0 = Math.floor(y);
      const fx = x - x0,
        fy = y - y0;
      const o = (v * width + u) * 3;
      for (let c = 0; c < 3; c++) {
        const p00 = pixel(data, W, H, x0, y0, c);
        const p10 = pixel(data, W, H, x0 + 1, y0, c);
        const p01 = pixel(data, W, H, x0, y0 + 1, c);
        const p11 = pixel(data, W, H, x0 + 1, y0 + 1, c);
        const top = p00 + (p10 - p00) * fx;
        const bottom = p01 + (p11 - p01) * fx;
        out[o + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return out;
}

function pixel(data: Uint8Array, W: number, H: number, x: number, y: number, c: number): number {
  if (x < 0 || y < 0 || x >= W || y >= H) return 0;
  return data[(y * W + x) * 3 + c];
}
