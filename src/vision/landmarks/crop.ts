/**
 * The landmark model's input crop: a square centred on the detection box, its side the box's
 * longer side grown by `margin` on each side; parts outside the image are black, as in
 * face-api's centred padding of non-square face crops.
 */
import sharp from '../sharp.js';
import type { DecodedImage } from '../decode.js';
import type { Box } from '../types.js';

export interface SquareCrop {
  left: number;
  top: number;
  side: number;
}

export function squareCrop(box: Box, margin: number): SquareCrop {
  const [x1, y1, x2, y2] = box;
  const side = Math.max(1, Math.round(Math.max(x2 - x1, y2 - y1) * (1 + 2 * margin)));
  return { left: Math.round((x1 + x2 - side) / 2), top: Math.round((y1 + y2 - side) / 2), side };
}

/**
 * RGB bytes of the crop resized to size x size. The square is copied out in JS (rows of the image,
 * black outside it) and sharp only resizes: one sharp call per face instead of two, each of which
 * would hand sharp the whole image. The square is rendered at crop resolution first so the scale
 * is exactly size / side on both axes.
 */
export async function renderCrop(image: DecodedImage, crop: SquareCrop, size: number): Promise<Uint8Array> {
  const square = cutSquare(image, crop);
  const { side } = crop;
  const { data } = await sharp(square, { raw: { width: side, height: side, channels: 3 } })
    .resize(size, size, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The crop's pixels at crop resolution, side x side RGB, black where the square leaves the image. */
export function cutSquare(image: DecodedImage, crop: SquareCrop): Uint8Array {
  const { left, top, side } = crop;
  const out = new Uint8Array(side * side * 3);
  const x1 = Math.max(0, left),
    x2 = Math.min(image.width, left + side);
  const y1 = Math.max(0, top),
    y2 = Math.min(image.height, top + side);
  if (x2 <= x1) return out;
  const rowBytes = (x2 - x1) * 3;
  for (let y = y1; y < y2; y++) {
    const from = (y * image.width + x1) * 3;
    out.set(image.data.subarray(from, from + rowBytes), ((y - top) * side + (x1 - left)) * 3);
  }
  return out;
}
