/** Geometry as the Faces table stores it. */

/** [x1, y1, x2, y2] in pixels of the original, stored as JSON in Faces.BoundingBox. */
export type BoundingBox = [number, number, number, number];
export type Point = [number, number];
