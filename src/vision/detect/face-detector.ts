/**
 * Runs the manifest's detector model on a decoded image: one pass on the whole image plus
 * optional padded passes (spec.paddedPasses; geometry in placement.ts), boxes mapped back to
 * original pixels; the score threshold applies per candidate, NMS to all passes together, the
 * minimum face size to the result.
 */
import { FrsError } from '../../errors.js';
import type { DecodedImage } from '../decode.js';
import type { DetectorSpec } from '../models/manifest.js';
import { getSession } from '../models/onnx-session.js';
import { InputBuffer, inputLength, toInputTensor } from '../tensor.js';
import type { Box, Point } from '../types.js';
import { nonMaxSuppression } from './nms.js';
import {
  contentSource,
  padContent,
  placeImage,
  renderContent,
  toImagePoint,
  WHOLE_IMAGE_PASS,
  type InputSizing,
  type PassPlan,
  type RgbPixels,
} from './placement.js';

/**
 * A padded pass exists for faces that fill the frame; there, a box smaller than this share of the
 * image's shorter side is a shrunken copy of a face the first pass sees larger, or noise (on the
 * scene photos of bench/detection.ts every padded-pass false positive was under 0.3).
 */
export const PADDED_PASS_MIN_FACE_SHARE = 0.3;

/**
 * A box that holds 90% of another, better box is suppressed too: passes at different scales
 * sometimes add a loose box around a face (or around two) that IoU alone lets through.
 */
export const CONTAINMENT_THRESHOLD = 0.9;

export interface DetectorOptions {
  /** Candidates scoring below this are dropped (FRS_MIN_DETECTION_SCORE). */
  minScore: number;
  /** Faces whose longer box side is under this many original pixels are dropped (FRS_MIN_FACE_SIZE). */
  minFaceSize: number;
  /** Overlap above which the lower-scoring box is suppressed; 0.5 as face-api. */
  iouThreshold?: number;
  maxFaces?: number;
  /** Overrides PADDED_PASS_MIN_FACE_SHARE (benchmarks). */
  paddedPassMinFaceShare?: number;
  /** 0 = ONNX Runtime's default (one per core). */
  intraOpThreads: number;
}

export interface Detection {
  box: Box;
  score: number;
  /** Points in original pixels when the detector model emits landmarks; empty otherwise. */
  landmarks: Point[];
}

export class FaceDetector {
  private readonly iouThreshold: number;
  private readonly maxFaces: number;
  private readonly paddedMinShare: number;
  private readonly sizing: InputSizing;
  private readonly inputBuffer = new InputBuffer();

  constructor(
    private readonly spec: DetectorSpec,
    private readonly modelPath: string,
    private readonly options: DetectorOptions,
  ) {
    this.iouThreshold = options.iouThreshold ?? 0.5;
    this.maxFaces = options.maxFaces ?? 1000;
    this.paddedMinShare = options.paddedPassMinFaceShare ?? PADDED_PASS_MIN_FACE_SHARE;
    this.sizing = {
      width: spec.input.width,
      height: spec.input.height,
      resize: spec.resize,
      dynamic: spec.dynamicInput,
    };
  }

  async detect(image: DecodedImage): Promise<Detection[]> {
    const whole = await this.wholeContent(image);
    const candidates = await this.pass(image, WHOLE_IMAGE_PASS, whole);
    for (const plan of this.spec.paddedPasses) candidates.push(...(await this.pass(image, plan, whole)));
    return this.select(candidates);
  }

  /**
   * The whole-image pass's content: the image resized to fit the input (or the image itself when
   * it fits already). Padded passes resize it further instead of the full image (contentSource).
   */
  wholeContent(image: DecodedImage): Promise<RgbPixels> {
    return renderContent(image, placeImage(image.width, image.height, this.sizing, WHOLE_IMAGE_PASS));
  }

  /**
   * NMS (IoU and containment) over the candidates of all passes, then the size rule: it applies to each face's
   * best box, so a dropped small box never lets a suppressed duplicate through.
   */
  select(candidates: Detection[]): Detection[] {
    const faces = nonMaxSuppression(candidates, { iou: this.iouThreshold, containment: CONTAINMENT_THRESHOLD });
    return faces
      .filter((d) => Math.max(d.box[2] - d.box[0], d.box[3] - d.box[1]) >= this.options.minFaceSize)
      .slice(0, this.maxFaces);
  }

  /**
   * One model run with the image placed as `plan` says: candidates at or above minScore, in image
   * pixels, before NMS; a padded pass keeps only faces of at least the padded-pass share.
   * `whole` (from wholeContent) is the image as the whole-image pass sees it: given, the pass
   * resizes from it where it can (contentSource) and the whole-image pass renders nothing.
   */
  async pass(image: DecodedImage, plan: PassPlan = WHOLE_IMAGE_PASS, whole?: RgbPixels): Promise<Detection[]> {
    const { input, outputs } = this.spec;
    const placement = placeImage(image.width, image.height, this.sizing, plan);
    const content = await renderContent(contentSource(image, whole, placement), placement);
    const pixels = padContent(content, placement);
    const session = await getSession(this.modelPath, {
      intraOpThreads: this.options.intraOpThreads,
      sha256: this.spec.sha256,
    });
    const tensorSpec = { ...input, width: placement.inputWidth, height: placement.inputHeight };
    const result = await this.inputBuffer.with(inputLength(1, tensorSpec), (data) =>
      session.run({ [input.name]: toInputTensor([pixels], tensorSpec, data) }),
    );

    const boxes = outputData(result, outputs.boxes);
    const scores = outputData(result, outputs.scores);
    const marks = outputs.landmarks ? outputData(result, outputs.landmarks) : undefined;
    const n = scores.length;
    if (boxes.length !== n * 4)
      throw new FrsError('MODEL_INVALID', `Detector returned ${boxes.length / 4} boxes for ${n} scores.`);
    const pointsPerBox = marks ? marks.length / n / 2 : 0;
    if (marks && !Number.isInteger(pointsPerBox))
      throw new FrsError('MODEL_INVALID', `Detector landmarks output has ${marks.length} values for ${n} boxes.`);

    const toImage = (x: number, y: number): Point => toImagePoint([x, y], placement, image.width, image.height);
    const minSide = plan.factor > 1 ? this.paddedMinShare * Math.min(image.width, image.height) : 0;
    const found: Detection[] = [];
    for (let i = 0; i < n; i++) {
      const score = scores[i];
      if (!(score >= this.options.minScore)) continue;
      const [x1, y1] = toImage(boxes[i * 4], boxes[i * 4 + 1]);
      const [x2, y2] = toImage(boxes[i * 4 + 2], boxes[i * 4 + 3]);
      const box: Box = [
        clamp(x1, image.width),
        clamp(y1, image.height),
        clamp(x2, image.width),
        clamp(y2, image.height),
      ];
      if (Math.max(box[2] - box[0], box[3] - box[1]) < minSide) continue;
      const landmarks: Point[] = [];
      for (let k = 0; marks && k < pointsPerBox; k++) {
        const o = (i * pointsPerBox + k) * 2;
        landmarks.push(toImage(marks[o], marks[o + 1]));
      }
      found.push({ box, score, landmarks });
    }
    return found;
  }
}

function outputData(result: Record<string, { data: unknown }>, name: string): Float32Array {
  const tensor = result[name];
  if (!tensor || !(tensor.data instanceof Float32Array))
    throw new FrsError('MODEL_INVALID', `Detector has no float32 output named "${name}".`);
  return tensor.data;
}

function clamp(v: number, max: number): number {
  return Math.min(Math.max(v, 0), max);
}
