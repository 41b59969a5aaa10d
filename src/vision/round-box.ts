/**
 * Boxes as people read them: whole pixels. Detection keeps sub-pixel boxes (alignment and
 * thumbnails use them); listings and API views show them rounded.
 */
import type { Box } from './types.js';

export function roundBox(box: Box): Box;
export function roundBox(box: Box | null): Box | null;
export function roundBox(box: Box | null): Box | null {
  return box ? [Math.round(box[0]), Math.round(box[1]), Math.round(box[2]), Math.round(box[3])] : null;
}
