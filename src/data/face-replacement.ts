/**
 * When an item is detected again (a retry after a crash, an edited photo, an overwritten
 * blob), its new faces replace the old ones. An old face that a new one overlaps is the same
 * face: it is updated in place, so its id, person and a user's verification survive. Both
 * adapters run this same plan inside their completeItem transaction.
 */
import type { BoundingBox } from './aggregates/geometry.js';

/** Boxes overlapping at least this much (intersection over union) are the same face. */
export const SAME_FACE_IOU = 0.5;

export interface OldFace {
  id: number;
  boundingBox: BoundingBox | null;
  isUserVerified: boolean;
}

export interface ReplacementPlan {
  /** New face index → id of the old face it updates. */
  updates: Map<number, number>;
  /** Old unverified faces no new face matched. Verified ones are never deleted. */
  deletes: number[];
}

export function iou(a: BoundingBox, b: BoundingBox): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const area = (r: BoundingBox) => Math.max(0, r[2] - r[0]) * Math.max(0, r[3] - r[1]);
  return inter / (area(a) + area(b) - inter);
}

/** Greedy one-to-one matching, best overlap first; verified old faces win ties. */
export function planFaceReplacement(old: OldFace[], fresh: { boundingBox: BoundingBox }[]): ReplacementPlan {
  const pairs: { i: number; face: OldFace; overlap: number }[] = [];
  for (const face of old) {
    if (!face.boundingBox) continue;
    for (const [i, f] of fresh.entries()) {
      const overlap = iou(face.boundingBox, f.boundingBox);
      if (overlap >= SAME_FACE_IOU) pairs.push({ i, face, overlap });
    }
  }
  pairs.sort(
    (a, b) =>
      b.overlap - a.overlap || Number(b.face.isUserVerified) - Number(a.face.isUserVerified) || a.face.id - b.face.id,
  );
  const updates = new Map<number, number>();
  const used = new Set<number>();
  for (const p of pairs) {
    if (updates.has(p.i) || used.has(p.face.id)) continue;
    updates.set(p.i, p.face.id);
    used.add(p.face.id);
  }
  const deletes = old.filter((f) => !used.has(f.id) && !f.isUserVerified).map((f) => f.id);
  return { updates, deletes };
}
