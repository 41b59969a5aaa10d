/**
 * Runs the manifest's landmark model on a square crop around each detection box and maps
 * the normalised points back to pixels of the original image. The faces of one image go
 * through the model together, up to spec.batchSize per run.
 */
import { FrsError } from '../../errors.js';
import type { DecodedImage } from '../decode.js';
import type { LandmarkSpec } from '../models/manifest.js';
import { getSession } from '../models/onnx-session.js';
import { InputBuffer, inputLength, toInputTensor } from '../tensor.js';
import type { Box, Point } from '../types.js';
import { renderCrop, squareCrop, type SquareCrop } from './crop.js';

export class LandmarkLocator {
  private readonly inputBuffer = new InputBuffer();

  constructor(
    private readonly spec: LandmarkSpec,
    private readonly modelPath: string,
    /** 0 = ONNX Runtime's default (one per core). */
    private readonly intraOpThreads: number,
  ) {}

  get points(): number {
    return this.spec.points;
  }

  /** spec.points points per box, in image pixels, in the model's order. */
  async locate(image: DecodedImage, boxes: Box[]): Promise<Point[][]> {
    const { input, output, points, cropMargin, batchSize } = this.spec;
    if (input.width !== input.height)
      throw new FrsError('MODEL_INVALID', `Landmark model input must be square, got ${input.width}x${input.height}.`);
    const result: Point[][] = [];
    if (boxes.length === 0) return result;
    const session = await getSession(this.modelPath, { intraOpThreads: this.intraOpThreads, sha256: this.spec.sha256 });
    for (let start = 0; start < boxes.length; start += batchSize) {
      const crops = boxes.slice(start, start + batchSize).map((box) => squareCrop(box, cropMargin));
      const pixels: Uint8Array[] = [];
      for (const crop of crops) pixels.push(await renderCrop(image, crop, input.width));
      const outputs = await this.inputBuffer.with(inputLength(pixels.length, input), (data) =>
        session.run({ [input.name]: toInputTensor(pixels, input, data) }),
      );
      const out = outputs[output];
      if (!out || !(out.data instanceof Float32Array))
        throw new FrsError('MODEL_INVALID', `Landmark model has no float32 output named "${output}".`);
      if (out.data.length !== crops.length * points * 2)
        throw new FrsError(
          'MODEL_INVALID',
          `Landmark model returned ${out.data.length} values for ${crops.length} faces; expected ${points * 2} per face.`,
        );
      crops.forEach((crop, n) => result.push(toImagePoints(out.data as Float32Array, n * points * 2, points, crop)));
    }
    return result;
  }
}

/** `points` normalised x,y pairs from `offset` in the model output, in image pixels. */
function toImagePoints(xy: Float32Array, offset: number, points: number, crop: SquareCrop): Point[] {
  return Array.from({ length: points }, (_, k): Point => [
    crop.left + xy[offset + k * 2] * crop.side,
    crop.top + xy[offset + k * 2 + 1] * crop.side,
  ]);
}
