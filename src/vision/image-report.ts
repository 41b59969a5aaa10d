/**
 * The `test` result for one image, shared by `frs test` and the HTTP `test` function:
 * boxes and landmarks in pixels of the EXIF-rotated original, errors as code + message.
 */
import { asFrsError, type FrsErrorCode } from '../errors.js';
import { decodeImage, type DecodedImage } from './decode.js';
import type { FaceAnalyzer } from './face-analyzer.js';
import type { AnalyzedFace } from './types.js';

export interface FaceReport {
  box: [number, number, number, number];
  score: number;
  landmarks: Array<[number, number]>;
  embedding?: number[];
}

export type ImageReport =
  | { image: string; width: number; height: number; faces: FaceReport[]; ms: number }
  | { image: string; error: { code: FrsErrorCode; message: string } };

export interface ReportOptions {
  embeddings: boolean;
  maxPixels: number;
  /** Called with the decoded image and faces, e.g. to write thumbnails. */
  onFaces?: (image: DecodedImage, faces: AnalyzedFace[]) => Promise<void>;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

export async function reportImage(
  analyzer: FaceAnalyzer,
  name: string,
  bytes: Uint8Array,
  opts: ReportOptions,
): Promise<ImageReport> {
  const start = performance.now();
  try {
    const image = await decodeImage(bytes, { maxPixels: opts.maxPixels });
    const faces = await analyzer.analyze(image, { embeddings: opts.embeddings });
    await opts.onFaces?.(image, faces);
    return {
      image: name,
      width: image.width,
      height: image.height,
      faces: faces.map((f) => ({
        box: f.box.map((v) => round(v, 1)) as FaceReport['box'],
        score: round(f.score, 4),
        landmarks: f.landmarks.map(([x, y]) => [round(x, 1), round(y, 1)] as [number, number]),
        ...(f.embedding ? { embedding: Array.from(f.embedding, (v) => round(v, 6)) } : {}),
      })),
      ms: Math.round(performance.now() - start),
    };
  } catch (err) {
    const e = asFrsError(err);
    return { image: name, error: { code: e.code, message: e.message } };
  }
}
