/**
 * How much a face can be trusted to say who it is, 0..1, from what detection and alignment
 * already measured: no model runs for it. Four signals, each mapped to 0..1 by a ramp
 * (0 at or below its "bad" value, 1 at or above its "good" value, linear between):
 *
 * - **size**: the shorter side of the box in original pixels. A 35 px face blown up to the
 *   embedder's 150 px chip holds little of the person.
 * - **sharpness**: variance of the Laplacian of the aligned chip (sharpness.ts). Blur, heavy JPEG
 *   and upscaling all remove the high frequencies the embedder needs.
 * - **landmarks**: where the five points sit in the box. On a face the eyes are 0.35-0.65 of the box
 *   width apart and the nose lies between them; on a non-face (a chest, a texture) the landmark
 *   model's points collapse or scatter (eye distance under 0.15 of the box), and on a profile the
 *   nose lies beside or beyond an eye (yaw estimate 0.5 and more), where this embedder's vectors drift.
 * - **detector score**: ramps from the detection threshold up to a score where the detector is sure.
 *
 * The score is the product of the four: a face must pass on each. Faces below
 * FRS_MIN_FACE_QUALITY never start or bridge a cluster (clustering/group.ts); they may still join
 * a person they match. Calibration: bench/results/quality.md.
 */
import type { Settings } from '../config/settings.js';
import type { Box, Point } from './types.js';

export interface FaceQualityInput {
  box: Box;
  /** Detector score 0..1; null for faces stored by another tool (then it does not count). */
  score: number | null;
  /** The five alignment points (left eye, right eye, nose tip, mouth corners), in original pixels. */
  landmarks: Point[];
  /** Laplacian variance of the aligned chip (sharpness.ts). */
  sharpness: number;
}

export interface FaceQualityOptions {
  /** Box side (shorter one, pixels) below which size counts as 0 (FRS_MIN_FACE_SIZE). */
  minFaceSize: number;
  /** Box side at which size no longer lowers quality (FRS_QUALITY_FACE_SIZE). */
  goodFaceSize: number;
  /** Chip sharpness at which blur no longer lowers quality (FRS_QUALITY_SHARPNESS). */
  goodSharpness: number;
  /** Detector score counted as 0 (FRS_MIN_DETECTION_SCORE). */
  minScore: number;
}

export interface FaceQualityParts {
  size: number;
  sharpness: number;
  landmarks: number;
  score: number;
  /** The product of the four, rounded to 3 decimals (what is stored). */
  quality: number;
}

export function qualityOptions(
  settings: Pick<
    Settings,
    'FRS_MIN_FACE_SIZE' | 'FRS_QUALITY_FACE_SIZE' | 'FRS_QUALITY_SHARPNESS' | 'FRS_MIN_DETECTION_SCORE'
  >,
): FaceQualityOptions {
  return {
    minFaceSize: settings.FRS_MIN_FACE_SIZE,
    goodFaceSize: Math.max(settings.FRS_MIN_FACE_SIZE, settings.FRS_QUALITY_FACE_SIZE),
    goodSharpness: settings.FRS_QUALITY_SHARPNESS,
    minScore: settings.FRS_MIN_DETECTION_SCORE,
  };
}

/** The detector score from which the detector counts as sure of a face. */
export const SURE_SCORE = 0.55;
/** Eye distance / box width: below BAD the points are not on a face; from GOOD on they are. */
export const EYE_SPAN_BAD = 0.15;
export const EYE_SPAN_GOOD = 0.3;
/** |yaw| estimate (nose offset along the eye line / eye distance): profile at BAD, fine up to GOOD. */
export const YAW_BAD = 0.9;
export const YAW_GOOD = 0.5;

/** 0 at or below `bad`, 1 at or above `good`, linear between (bad > good ramps downwards). */
export function ramp(value: number, bad: number, good: number): number {
  if (!Number.isFinite(value)) return 0;
  if (bad === good) return value >= good ? 1 : 0;
  return Math.min(1, Math.max(0, (value - bad) / (good - bad)));
}

/** Distance between the eyes as a share of the box width: 0.35-0.65 on faces, under 0.15 where the points collapsed. */
export function eyeSpan(box: Box, landmarks: Point[]): number {
  const width = box[2] - box[0];
  if (landmarks.length < 2 || !(width > 0)) return 0;
  const [le, re] = landmarks;
  return Math.hypot(re[0] - le[0], re[1] - le[1]) / width;
}

/** Signed yaw estimate from five points: the nose's offset from the eyes' midpoint along the eye line, in eye distances (0 frontal, ±0.5 when the nose reaches an eye). */
export function yawEstimate(landmarks: Point[]): number {
  const [le, re, nose] = landmarks;
  const ex = re[0] - le[0],
    ey = re[1] - le[1];
  const span2 = ex * ex + ey * ey;
  if (span2 === 0) return Infinity;
  const mx = (le[0] + re[0]) / 2,
    my = (le[1] + re[1]) / 2;
  return ((nose[0] - mx) * ex + (nose[1] - my) * ey) / span2;
}

export function faceQualityParts(face: FaceQualityInput, options: FaceQualityOptions): FaceQualityParts {
  const [x1, y1, x2, y2] = face.box;
  const size = ramp(Math.min(x2 - x1, y2 - y1), options.minFaceSize, options.goodFaceSize);
  const sharpness = ramp(face.sharpness, 0, options.goodSharpness);
  const landmarks =
    face.landmarks.length === 5
      ? ramp(eyeSpan(face.box, face.landmarks), EYE_SPAN_BAD, EYE_SPAN_GOOD) *
        ramp(Math.abs(yawEstimate(face.landmarks)), YAW_BAD, YAW_GOOD)
      : 0;
  const score = face.score === null ? 1 : ramp(face.score, options.minScore, Math.max(options.minScore, SURE_SCORE));
  const quality = Math.round(size * sharpness * landmarks * score * 1000) / 1000;
  return { size, sharpness, landmarks, score, quality };
}

/** The stored quality score, 0..1 (3 decimals). */
export function faceQuality(face: FaceQualityInput, options: FaceQualityOptions): number {
  return faceQualityParts(face, options).quality;
}

/**
 * Whether a face may start or bridge a cluster. A face without a score (stored before FRS
 * measured quality, or by another tool) counts as acceptable until it is embedded again.
 */
export function isLowQuality(quality: number | null | undefined, minQuality: number): boolean {
  return quality !== null && quality !== undefined && quality < minQuality;
}
