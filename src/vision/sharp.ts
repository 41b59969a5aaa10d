/**
 * sharp as FRS uses it: every call gets pixels it has not seen before (a fresh upload, a crop, a
 * resize of this image), so libvips' operation cache never hits; it only costs a lookup and
 * bookkeeping on each of the ~10 calls per photo (about a third of a small call's CPU time,
 * bench/results/speed.md) and holds memory. Import sharp from here, not from 'sharp'.
 */
import sharp from 'sharp';

sharp.cache(false);

export default sharp;
