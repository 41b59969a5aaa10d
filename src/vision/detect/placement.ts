/**
 * Where an image lands in the detector's input for one pass. A fixed-size model gets the image
 * stretched or letterboxed (aspect kept, centred) into its input. A model with dynamic input
 * (manifest `dynamicInput`) gets an input cut to the image: the image fitted within the
 * manifest's width x height, never upscaled past `maxUpscale`, the canvas rounded up to a
 * multiple of `multiple`; so no time goes into letterbox bars or invented pixels.
 * A padded pass (factor > 1) shrinks the content by that factor and surrounds it with black, so
 * faces that fill the frame look like faces with background around them: on a fixed input the
 * canvas stays the input size, on a dynamic one the margin (share of the content per side) sets it.
 * Pure geometry plus one sharp call that renders the input pixels.
 */
import sharp from '../sharp.js';
import type { DecodedImage } from '../decode.js';
import type { Point } from '../types.js';

export interface Placement {
  /** Size of the model input for this pass, in pixels. */
  inputWidth: number;
  inputHeight: number;
  /** Size of the image content inside the model input, in input pixels. */
  contentWidth: number;
  contentHeight: number;
  /** Top-left corner of the content in the input. */
  left: number;
  top: number;
}

export type ResizeMode = 'stretch' | 'letterbox';

export interface InputSizing {
  /** The fixed input size, or for a dynamic input the box the image is fitted into. */
  width: number;
  height: number;
  resize: ResizeMode;
  dynamic?: { multiple: number; maxUpscale: number };
}

export interface PassPlan {
  /** 1 = the whole-image pass; k > 1 = the content shrunk k times. */
  factor: number;
  /** Dynamic inputs only: black border on each side, as a share of the content's size. */
  margin: number;
}

export const WHOLE_IMAGE_PASS: PassPlan = { factor: 1, margin: 0 };

/** Colour of the area around the content: black, as face-api pads its detector input. */
export const PAD_VALUE = 0;

export function placeImage(
  width: number,
  height: number,
  sizing: InputSizing,
  pass: PassPlan = WHOLE_IMAGE_PASS,
): Placement {
  const { dynamic } = sizing;
  let sx = sizing.width / (width * pass.factor);
  let sy = sizing.height / (height * pass.factor);
  if (sizing.resize === 'letterbox' || dynamic) sx = sy = Math.min(sx, sy);
  if (dynamic) sx = sy = Math.min(sx, dynamic.maxUpscale);
  const clampTo = (v: number, max: number): number => Math.max(1, Math.min(max, Math.round(v)));
  const contentWidth = clampTo(width * sx, sizing.width);
  const contentHeight = clampTo(height * sy, sizing.height);
  const roundUp = (v: number): number =>
    dynamic ? Math.max(dynamic.multiple, Math.ceil(v / dynamic.multiple) * dynamic.multiple) : v;
  const inputWidth = dynamic ? roundUp(contentWidth * (1 + 2 * pass.margin)) : sizing.width;
  const inputHeight = dynamic ? roundUp(contentHeight * (1 + 2 * pass.margin)) : sizing.height;
  return {
    inputWidth,
    inputHeight,
    contentWidth,
    contentHeight,
    left: Math.floor((inputWidth - contentWidth) / 2),
    top: Math.floor((inputHeight - contentHeight) / 2),
  };
}

/** A point given as 0..1 of the model input, mapped to pixels of the original image. */
export function toImagePoint(p: Point, placement: Placement, width: number, height: number): Point {
  return [
    ((p[0] * placement.inputWidth - placement.left) * width) / placement.contentWidth,
    ((p[1] * placement.inputHeight - placement.top) * height) / placement.contentHeight,
  ];
}

/** Renders the model input: interleaved RGB bytes, inputWidth x inputHeight. */
export async function renderInput(image: DecodedImage, placement: Placement): Promise<Uint8Array> {
  const { contentWidth: cw, contentHeight: ch, left, top, inputWidth, inputHeight } = placement;
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
