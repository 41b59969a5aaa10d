/**
 * The landmark model's input crop: a square centred on the detection box, its side the box's
 * longer side grown by `margin` on each side; parts outside the image are black, as in
 * face-api's centred padding of non-square face crops.
 */
import sharp from 'sharp';
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

/** RGB bytes of the crop resized to size x size. */
export async function renderCrop(image: DecodedImage, crop: SquareCrop, size: number): Promise<Uint8Array> {
  const { left, top, side } = crop;
  const ix1 = Math.min(Math.max(0, left), image.width - 1);
  const iy1 = Math.min(Math.max(0, top), image.height - 1);
  const ix2 = Math.max(Math.min(image.width, left + side), ix1 + 1);
  const iy2 = Math.max(Math.min(image.height, top + side), iy1 + 1);
  // Render the square at crop resolution first so the scale is exactly size / side on both axes.
  const square = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left: ix1, top: iy1, width: ix2 - ix1, height: iy2 - iy1 })
    .extend({
      left: ix1 - left,
      top: iy1 - top,
      right: Math.max(0, left + side - ix2),
      bottom: Math.max(0, top + side - iy2),
      background: { r: 0, g: 0, b: 0 },
    })
    .raw()
    .toBuffer();
  const { data } = await sharp(square, { raw: { width: side, height: side, channels: 3 } })
    .resize(size, size, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
