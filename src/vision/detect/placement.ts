/**
 * Where an image lands in the detector's input for one pass. A fixed-size model gets the image
 * stretched or letterboxed (aspect kept, centred) into its input. A model with dynamic input
 * (manifest `dynamicInput`) gets an input cut to the image: the image fitted within the
 * manifest's width x height, never upscaled past `maxUpscale`, the canvas rounded up to a
 * multiple of `multiple`; so no time goes into letterbox bars or invented pixels.
 * A padded pass (factor > 1) shrinks the content by that factor and surrounds it with black, so
 * faces that fill the frame look like faces with background around them: on a fixed input the
 * canvas stays the input size, on a dynamic one the margin (share of the content per side) sets it.
 * Pure geometry, plus the rendering: one sharp resize per pass for the content (a padded pass
 * resizes the whole-image pass's content, not the full image again) and the black canvas in JS.
 */
import sharp from '../sharp.js';
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

/** Interleaved RGB pixels of some size: a decoded image, or an image already resized for one pass. */
export interface RgbPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * The content of a pass: `source` resized to contentWidth x contentHeight (sharp's default
 * kernel), interleaved RGB. A source already at that size is returned as it is: a resize to the
 * same size changes no pixel, so a sharp call would only cost time.
 */
export async function renderContent(source: RgbPixels, placement: Placement): Promise<RgbPixels> {
  const { contentWidth: width, contentHeight: height } = placement;
  if (source.width === width && source.height === height) return source;
  const { data } = await sharp(source.data, { raw: { width: source.width, height: source.height, channels: 3 } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height };
}

/** The model input: the content at the placement's offset on a PAD_VALUE canvas, interleaved RGB. */
export function padContent(content: RgbPixels, placement: Placement): Uint8Array {
  const { contentWidth: cw, contentHeight: ch, left, top, inputWidth, inputHeight } = placement;
  if (content.width !== cw || content.height !== ch)
    throw new Error(`content is ${content.width}x${content.height}, the placement expects ${cw}x${ch}`);
  if (cw === inputWidth && ch === inputHeight) return content.data;
  const out = new Uint8Array(inputWidth * inputHeight * 3).fill(PAD_VALUE);
  const row = cw * 3;
  for (let y = 0; y < ch; y++)
    out.set(content.data.subarray(y * row, (y + 1) * row), ((top + y) * inputWidth + left) * 3);
  return out;
}

/**
 * Where a pass's content is resized from: the whole-image pass's content when it has at least the
 * pass's content size (a padded pass shrinks the image further: resizing the already reduced
 * pixels costs a fraction of resizing the full image again), the image itself otherwise. When the
 * whole-image content is the image at its own size (no image larger than the input), it is the
 * image's very pixels, so the pass renders exactly as from the image.
 */
export function contentSource(image: RgbPixels, wholeContent: RgbPixels | undefined, placement: Placement): RgbPixels {
  return wholeContent && wholeContent.width >= placement.contentWidth && wholeContent.height >= placement.contentHeight
    ? wholeContent
    : image;
}

/** Renders the model input: interleaved RGB bytes, inputWidth x inputHeight. */
export async function renderInput(image: RgbPixels, placement: Placement): Promise<Uint8Array> {
  return padContent(await renderContent(image, placement), placement);
}
