/**
 * PNGs with an ICC profile attached as it is (an iCCP chunk), pixels untouched: sharp's own
 * withIccProfile converts the pixels into the profile on the way out, which is not what a test of
 * the decoder's handling of a profile needs.
 */
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** RGB pixels (width x height x 3) as a PNG carrying `icc` in an iCCP chunk. */
export async function pngWithProfile(rgb: Uint8Array, width: number, height: number, icc: Uint8Array): Promise<Buffer> {
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  // iCCP: profile name, NUL, compression method 0 (zlib), compressed profile; after IHDR (8 + 25 bytes).
  const body = Buffer.concat([Buffer.from('icc\0\0', 'latin1'), deflateSync(icc)]);
  const type = Buffer.from('iCCP', 'latin1');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([type, body])));
  return Buffer.concat([png.subarray(0, 33), length, type, body, crc, png.subarray(33)]);
}

/** Every colour whose channels are multiples of `step` (step 1: all 2^24), as a square-ish RGB image. */
export function colourGrid(step: number): { rgb: Uint8Array; width: number; height: number } {
  const levels = Math.ceil(256 / step);
  const count = levels ** 3;
  const width = Math.ceil(Math.sqrt(count));
  const height = Math.ceil(count / width);
  const rgb = new Uint8Array(width * height * 3);
  let o = 0;
  for (let r = 0; r < 256; r += step)
    for (let g = 0; g < 256; g += step)
      for (let b = 0; b < 256; b += step) {
        rgb[o++] = r;
        rgb[o++] = g;
        rgb[o++] = b;
      }
  return { rgb, width, height };
}

/** The embedded profile of libvips' built-in profile `name` ('srgb', 'p3', ...), as sharp attaches it. */
export async function builtInProfile(name: string): Promise<Buffer> {
  const tagged = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
    .withIccProfile(name)
    .png()
    .toBuffer();
  const { icc } = await sharp(tagged).metadata();
  if (!icc) throw new Error(`sharp attached no profile for ${name}`);
  return icc;
}
