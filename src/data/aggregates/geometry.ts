/**
 * Geometry as the Faces table stores it: the vision types themselves (one definition, in
 * src/vision/types.ts), under the names the data layer uses. Faces.BoundingBox holds a `Box`
 * ([x1, y1, x2, y2] in pixels of the EXIF-rotated original) as JSON.
 */
export type { Box as BoundingBox, Point } from '../../vision/types.js';
