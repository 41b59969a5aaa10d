/**
 * Embedded ICC profiles that say "this is sRGB". sharp converts every image with an embedded
 * profile to sRGB through it (an lcms transform of every pixel); for a profile that describes
 * sRGB itself that transform is an sRGB-to-sRGB round trip that costs more than decoding the JPEG
 * (bench/results/speed.md: 16 ms of 31 ms on a 1366x768 photo, 31 of 49 ms on a 1920x1280 one)
 * and changes at most one unit of one channel. decodeImage skips it for the profiles listed here.
 *
 * The list holds exact profiles (sha256 of the embedded bytes), each measured over all 2^24 colours
 * with `npx tsx bench/srgb-profiles.ts` (a PNG of every colour with the profile attached, decoded
 * with and without the transform), and pinned by test/vision/srgb-profile.test.ts:
 */
import { createHash } from 'node:crypto';

export const PLAIN_SRGB_PROFILES: ReadonlyMap<string, string> = new Map([
  [
    // libvips' own sRGB profile (what sharp's withIccProfile('srgb') embeds, 480 bytes): the
    // transform changes no colour at all.
    'c56e1685d888f5edb92fe07f2750f387f8fe8e91b32ff8fb0b56bfbbb9458353',
    'libvips built-in sRGB',
  ],
  [
    // "sRGB IEC61966-2.1" (Hewlett-Packard, 3,144 bytes): the profile Photoshop and many other
    // tools embed. The transform moves 142,622 of 16,777,216 colours (0.85%) by one
    // unit in one channel (lcms rounding through the connection space), none by more.
    '2b3aa1645779a9e634744faf9b01e9102b0c9b88fd6deced7934df86b949af7e',
    'sRGB IEC61966-2.1 (HP)',
  ],
]);

/** Whether an embedded profile is one of PLAIN_SRGB_PROFILES: its pixels are sRGB as they are. */
export function isPlainSrgbProfile(icc: Uint8Array | undefined): boolean {
  if (!icc || icc.byteLength === 0) return false;
  return PLAIN_SRGB_PROFILES.has(createHash('sha256').update(icc).digest('hex'));
}
