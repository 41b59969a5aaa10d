/** Shapes shared by the vision stages and everything that consumes their results. */

export type Point = [number, number];
/** [x1, y1, x2, y2] in pixels of the EXIF-rotated original. */
export type Box = [number, number, number, number];

export interface FaceDetection {
  box: Box;
  score: number;
  /** Five points: left eye, right eye (as seen in the image), nose tip, left and right mouth corner. */
  landmarks: Point[];
}

export interface AnalyzedFace extends FaceDetection {
  /** L2-normalised embedding, present when requested. */
  embedding?: Float32Array;
}

export interface ImageAnalysis {
  width: number;
  height: number;
  faces: AnalyzedFace[];
}
