/**
 * What skipping an embedded sRGB profile's transform changes (src/vision/srgb-profile.ts): for each
 * profile, a PNG of all 2^24 colours with the profile attached as it is, decoded with the profile
 * applied (sharp's default) and ignored; prints how many colours the transform moves and by how
 * much (largest channel difference), and whether the profile is on the list decodeImage skips.
 * Profiles: libvips' built-in sRGB, the HP sRGB of face-api's demo photos, and the embedded
 * profile of every image given on the command line (to check a profile before adding it).
 *
 *   npx tsx bench/srgb-profiles.ts [photo.jpg ...]
 *
 * About 5 s and 300 MB per profile.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { PLAIN_SRGB_PROFILES } from '../src/vision/srgb-profile.js';
import { faceApiModelDir } from '../test/helpers/face-api-reference.js';
import { builtInProfile, colourGrid, pngWithProfile } from '../test/helpers/icc-png.js';

const profiles: Array<{ name: string; icc: Buffer }> = [
  { name: 'libvips built-in sRGB', icc: await builtInProfile('srgb') },
];
for (const path of [join(faceApiModelDir, '../demo/sample1.jpg'), ...process.argv.slice(2)]) {
  const { icc } = await sharp(readFileSync(path)).metadata();
  if (icc) profiles.push({ name: `embedded in ${path.split('/').pop()}`, icc });
  else console.log(`${path}: no embedded profile`);
}

const all = colourGrid(1);
for (const { name, icc } of profiles) {
  const hash = createHash('sha256').update(icc).digest('hex');
  const png = await pngWithProfile(all.rgb, all.width, all.height, icc);
  const decode = (ignoreIcc: boolean) =>
    sharp(png, { limitInputPixels: false, ignoreIcc }).toColourspace('srgb').raw().toBuffer();
  const [applied, ignored] = [await decode(false), await decode(true)];
  if (!ignored.equals(Buffer.from(all.rgb))) throw new Error('ignoring the profile did not give the stored pixels');
  const histogram = new Map<number, number>();
  for (let i = 0; i < applied.length; i += 3) {
    let d = 0;
    for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(applied[i + c] - ignored[i + c]));
    histogram.set(d, (histogram.get(d) ?? 0) + 1);
  }
  const moved = all.width * all.height - (histogram.get(0) ?? 0);
  const worst = Math.max(...histogram.keys());
  console.log(
    `${name}: ${icc.length} bytes, sha256 ${hash}, listed: ${PLAIN_SRGB_PROFILES.get(hash) ?? 'no'}; ` +
      `the transform moves ${moved} of 16777216 colours, largest channel difference ${worst}`,
  );
}
