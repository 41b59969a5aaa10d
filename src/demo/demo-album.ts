/**
 * The demo album `npm start` runs FRS on: the six photos face-api's demo ships (not its
 * screenshots, which have landmarks and labels drawn over the faces), and two more shots of each
 * made from it, the way a phone's burst or an edited copy would be: the left part brightened,
 * the right part slightly turned. So every person appears in two or three photos, which is what
 * grouping into persons is for. Writing is idempotent: existing files are kept.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

const require = createRequire(import.meta.url);

/** The photos of face-api's demo folder (sample1.jpg ... sample6.jpg), screenshots left out. */
export function demoSourcePhotos(): string[] {
  const dir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
  return [1, 2, 3, 4, 5, 6].map((n) => join(dir, `sample${n}.jpg`));
}

interface Shot {
  suffix: string;
  make(image: sharp.Sharp, width: number, height: number): sharp.Sharp;
}

const SHOTS: Shot[] = [
  { suffix: '', make: (image) => image },
  {
    suffix: '-left',
    make: (image, width, height) =>
      image
        .extract({ left: 0, top: 0, width: Math.round(width * 0.62), height })
        .modulate({ brightness: 1.12 })
        .resize({ width: 1280 }),
  },
  {
    suffix: '-right',
    make: (image, width, height) =>
      image
        .extract({ left: Math.round(width * 0.38), top: 0, width: width - Math.round(width * 0.38), height })
        .rotate(4, { background: '#000' })
        .resize({ width: 1280 }),
  },
];

/** Writes the album into `dir` (created if needed) and returns its files in order. */
export async function writeDemoAlbum(dir: string, sources: string[] = demoSourcePhotos()): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const source of sources) {
    const name = source
      .split(/[\\/]/)
      .pop()!
      .replace(/\.jpe?g$/i, '');
    for (const shot of SHOTS) {
      const target = join(dir, `${name}${shot.suffix}.jpg`);
      files.push(target);
      if (existsSync(target)) continue;
      const upright = await sharp(source).rotate().toBuffer({ resolveWithObject: true });
      const { width, height } = upright.info;
      await shot.make(sharp(upright.data), width, height).jpeg({ quality: 90 }).toFile(target);
    }
  }
  return files;
}
