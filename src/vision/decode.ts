/**
 * Image decoding: any format sharp reads becomes 8-bit sRGB, EXIF-rotated, alpha removed
 * (flattened on white so transparent PNG backgrounds don't turn into black blobs). An embedded
 * colour profile is applied, unless it is a known sRGB profile (srgb-profile.ts).
 * Every failure is an FrsError with a code a caller can map to a status.
 */
import sharp from './sharp.js';
import { FrsError } from '../errors.js';
import { isPlainSrgbProfile } from './srgb-profile.js';

export interface DecodedImage {
  /** Interleaved RGB, row-major, width*height*3 bytes. */
  data: Uint8Array;
  width: number;
  height: number;
  /** Source format as sharp names it (jpeg, png, webp, ...). */
  format: string;
}

export interface DecodeLimits {
  /** Largest width*height accepted before any pixel is decoded. */
  maxPixels: number;
}

const SUPPORTED = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif', 'jp2', 'bmp']);

export async function decodeImage(input: Uint8Array, limits: DecodeLimits): Promise<DecodedImage> {
  if (input.byteLength === 0) throw new FrsError('EMPTY_FILE', 'The file is empty (0 bytes).');

  let meta: sharp.Metadata;
  try {
    // Header only: no pixels yet, so a decompression bomb costs nothing here.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new FrsError('UNSUPPORTED_FORMAT', `Not a readable image: ${(err as Error).message}`, { cause: err });
  }
  const format = meta.format ?? 'unknown';
  if (!SUPPORTED.has(format)) throw new FrsError('UNSUPPORTED_FORMAT', `Unsupported image format "${format}".`);
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width === 0 || height === 0) throw new FrsError('CORRUPT_IMAGE', 'The image header has no size.');
  if (width * height > limits.maxPixels) {
    throw new FrsError(
      'IMAGE_TOO_LARGE',
      `Image is ${width}x${height} = ${width * height} pixels; the limit is ${limits.maxPixels} (FRS_MAX_PIXELS).`,
    );
  }

  // An 8-bit RGB image whose embedded profile is sRGB itself is sRGB as it is: skipping the
  // profile's transform saves more time than the JPEG decode takes (srgb-profile.ts).
  const ignoreIcc = meta.space === 'srgb' && meta.depth === 'uchar' && isPlainSrgbProfile(meta.icc);
  try {
    const { data, info } = await sharp(input, {
      limitInputPixels: limits.maxPixels,
      failOn: 'error',
      pages: 1,
      ignoreIcc,
    })
      .rotate() // apply EXIF orientation
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      format,
    };
  } catch (err) {
    throw new FrsError('CORRUPT_IMAGE', `The ${format} image could not be decoded: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
