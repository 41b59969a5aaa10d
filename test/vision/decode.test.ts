import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FrsError } from '../../src/errors.js';
import { decodeImage } from '../../src/vision/decode.js';

const limits = { maxPixels: 4_000_000 };

async function halves(width: number, height: number): Promise<Buffer> {
  // left half red, right half blue
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set(x < width / 2 ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FrsError);
    expect((err as FrsError).message.length).toBeGreaterThan(10);
    return (err as FrsError).code;
  }
  throw new Error('expected decodeImage to fail');
}

describe('decodeImage', () => {
  it('rejects a zero-byte file', async () => {
    expect(await codeOf(decodeImage(new Uint8Array(0), limits))).toBe('EMPTY_FILE');
  });

  it('rejects a text file named .jpg', async () => {
    expect(await codeOf(decodeImage(Buffer.from('this is not an image, just text\n'), limits))).toBe(
      'UNSUPPORTED_FORMAT',
    );
  });

  it('rejects a truncated JPEG with CORRUPT_IMAGE', async () => {
    const jpeg = await sharp(await halves(200, 200))
      .jpeg()
      .toBuffer();
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    expect(await codeOf(decodeImage(truncated, limits))).toBe('CORRUPT_IMAGE');
  });

  it('rejects a PNG over the pixel limit before decoding it', async () => {
    const big = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const err = decodeImage(big, { maxPixels: 5_000_000 });
    expect(await codeOf(err)).toBe('IMAGE_TOO_LARGE');
    await expect(decodeImage(big, { maxPixels: 5_000_000 })).rejects.toThrow(/FRS_MAX_PIXELS/);
  });

  it('converts a CMYK JPEG to sRGB', async () => {
    const cmyk = await sharp({ create: { width: 32, height: 16, channels: 3, background: { r: 220, g: 30, b: 30 } } })
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const img = await decodeImage(cmyk, limits);
    expect([img.width, img.height, img.data.length]).toEqual([32, 16, 32 * 16 * 3]);
    const [r, g, b] = img.data;
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(90);
    expect(b).toBeLessThan(90);
  });

  it('reduces a 16-bit PNG to 8-bit RGB', async () => {
    const png16 = await sharp(await halves(20, 10))
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    const img = await decodeImage(png16, limits);
    expect(img.data.length).toBe(20 * 10 * 3);
    expect(Array.from(img.data.subarray(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(img.data.subarray(19 * 3, 20 * 3))).toEqual([0, 0, 255]);
  });

  it('expands grayscale and flattens alpha', async () => {
    const gray = await sharp(Buffer.alloc(8 * 8, 77), { raw: { width: 8, height: 8, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect((await sharp(gray).metadata()).channels).toBe(1);
    const g = await decodeImage(gray, limits);
    expect(Array.from(g.data.subarray(0, 3))).toEqual([77, 77, 77]);

    const transparent = await sharp({
      create: { width: 4, height: 4, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const t = await decodeImage(transparent, limits);
    expect(Array.from(t.data.subarray(0, 3))).toEqual([255, 255, 255]);
  });

  it('applies EXIF orientation', async () => {
    // Orientation 6: stored landscape, displayed rotated 90 degrees clockwise.
    const stored = await sharp(await halves(40, 20))
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(stored).metadata()).orientation).toBe(6);
    const img = await decodeImage(stored, limits);
    expect([img.width, img.height]).toEqual([20, 40]);
    const px = (x: number, y: number) => Array.from(img.data.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3));
    // the stored left (red) half ends up on top
    expect(px(10, 2)[0]).toBeGreaterThan(200);
    expect(px(10, 37)[2]).toBeGreaterThan(200);
  });
});
