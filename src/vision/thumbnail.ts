/**
 * The stored face thumbnail: a square around the detection box grown by a margin on each
 * side (20% by default, as the system FRS replaces did), padded where it leaves the image,
 * resized and JPEG-encoded.
 */
import sharp from './sharp.js';
import type { DecodedImage } from './decode.js';
import type { Box } from './types.js';

export interface ThumbnailOptions {
  size: number;
  margin: number;
  quality?: number;
}

export function thumbnailSquare(box: Box, margin: number): { left: number; top: number; side: number } {
  const [x1, y1, x2, y2] = box;
  const side = Math.max(1, Math.round(Math.max(x2 - x1, y2 - y1) * (1 + 2 * margin)));
  const cx = (x1 + x2) / 2,
    cy = (y1 + y2) / 2;
  return { left: Math.round(cx - side / 2), top: Math.round(cy - side / 2), side };
}

export async function faceThumbnail(image: DecodedImage, box: Box, opts: ThumbnailOptions): Promise<Buffer> {
  const { left, top, side } = thumbnailSquare(box, opts.margin);
  // Part of the square that lies inside the image; the rest becomes padding.
  const ix1 = Math.max(0, left),
    iy1 = Math.max(0, top);
  const ix2 = Math.min(image.width, left + side),
    iy2 = Math.min(image.height, top + side);
  const raw = { width: image.width, height: image.height, channels: 3 as const };
  const inside = sharp(image.data, { raw })
    .extract({ left: ix1, top: iy1, width: Math.max(1, ix2 - ix1), height: Math.max(1, iy2 - iy1) })
    .extend({
      left: ix1 - left,
      top: iy1 - top,
      right: left + side - ix2,
      bottom: top + side - iy2,
      background: '#000000',
    });
  // sharp applies extract+extend in one pipeline; resize needs a second pass on the padded square.
  const square = await inside.raw().toBuffer({ resolveWithObject: true });
  return sharp(square.data, { raw: { width: square.info.width, height: square.info.height, channels: 3 } })
    .resize(opts.size, opts.size, { fit: 'fill' })
    .jpeg({ quality: opts.quality ?? 90, mozjpeg: false })
    .toBuffer();
}
