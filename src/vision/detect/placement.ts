/**
 * Where an image lands in a fixed-size model input: stretched, or letterboxed (aspect kept,
 * centred) and optionally shrunk inside a canvas `padFactor` times its size, so that faces
 * filling the frame look like faces with background around them. Pure geometry plus one
 * sharp call that renders the input pixels.
 */
import sharp from 'sharp';
import type { DecodedImage } from '../decode.js';
import type { Point } from '../types.js';

export interface Placement {
  /** Size of the image content inside the model input, in input pixels. */
  contentWidth: number;
  contentHeight: number;
  /** Top-left corner of the content in the input. */
  left: number;
  top: number;
}

export type ResizeMode = 'stretch' | 'letterbox';

/** Colour of the area around the content: black, as face-api pads its detector input. */
export const PAD_VALUE = 0;

export function placeImage(width: number, height: number, inputWidth: number, inputHeight: number, mode: ResizeMode, padFactor = 1): Placement {
  let sx = inputWidth / (width * padFactor);
  let sy = inputHeight / (height * padFactor);
  if (mode === 'letterbox') sx = sy = Math.min(sx, sy);
  const contentWidth = Math.max(1, Math.min(inputWidth, Math.round(width * sx)));
  const contentHeight = Math.max(1, Math.min(inputHeight, Math.round(height * sy)));
  return {
    contentWidth,
    contentHeight,
    left: Math.floor((inputWidth - contentWidth) / 2),
    top: Math.floor((inputHeight - contentHeight) / 2),
  };
}

/** A point given as 0..1 of the model input, mapped to pixels of the original image. */
export function toImagePoint(p: Point, placement: Placement, inputWidth: number, inputHeight: number, width: number, height: number): Point {
  return [
    ((p[0] * inputWidth - placement.left) * width) / placement.contentWidth,
    ((p[1] * inputHeight - placement.top) * height) / placement.contentHeight,
  ];
}

/** Renders the model input: interleaved RGB bytes, inputWidth x inputHeight. */
export async function renderInput(image: DecodedImage, placement: Placement, inputWidth: number, inputHeight: number): Promise<Uint8Array> {
  const { contentWidth: cw, contentHeight: ch, left, top } = placement;
  const { data } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(cw, ch, { fit: 'fill' })
    .extend({
      left,
      top,
      right: inputWidth - cw - left,
      bottom: inputHeight - ch - top,
      background: { r: PAD_VALUE, g: PAD_VALUE, b: PAD_VALUE },
    })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
