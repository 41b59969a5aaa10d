/**
 * A person's portrait: a face that is typical of the person (near the medoid) and sharp.
 * The medoid is the face with the smallest mean cosine distance to the others; among the
 * faces within `margin` of that mean, the sharpest wins (then the higher detection score,
 * then the more central face, then input order).
 */
import { FrsError } from '../errors.js';
import type { Embedding } from './cosine.js';

export interface PortraitCandidate {
  embedding: Embedding;
  /** Higher is sharper (Laplacian variance); unknown ranks last. */
  sharpness?: number | null;
  /** Detection score; unknown ranks last. */
  score?: number | null;
}

export interface PortraitOptions {
  /** How much larger (in mean cosine distance) than the medoid's a candidate's may be. Default 0.02. */
  margin?: number;
}

/**
 * Mean cosine distance of each face to the others, in O(n d): for unit vectors it is
 * 1 - (x . sum - x . x) / (n - 1), so no pairwise pass is needed.
 */
export function meanDistances(embeddings: readonly Embedding[]): Float64Array {
  const n = embeddings.length;
  const means = new Float64Array(n);
  if (n < 2) return means;
  const dim = embeddings[0].length;
  const sum = new Float64Array(dim);
  for (const e of embeddings) {
    if (e.length !== dim)
      throw new FrsError('INVALID_INPUT', `Embeddings differ in dimension (${e.length} vs ${dim}).`);
    for (let k = 0; k < dim; k++) sum[k] += e[k];
  }
  embeddings.forEach((e, i) => {
    let toSum = 0,
      self = 0;
    for (let k = 0; k < dim; k++) {
      toSum += e[k] * sum[k];
      self += e[k] * e[k];
    }
    means[i] = 1 - (toSum - self) / (n - 1);
  });
  return means;
}

const rank = (value: number | null | undefined): number =>
  value === null || value === undefined || Number.isNaN(value) ? -Infinity : value;

export function choosePortrait<T extends PortraitCandidate>(faces: readonly T[], options: PortraitOptions = {}): T {
  const margin = options.margin ?? 0.02;
  if (faces.length === 0) throw new FrsError('INVALID_INPUT', 'A portrait needs at least one face.');
  if (!(margin >= 0)) throw new FrsError('INVALID_INPUT', `Portrait margin must be >= 0 (got ${margin}).`);
  const means = meanDistances(faces.map((f) => f.embedding));
  const medoidMean = means.reduce((lowest, m) => Math.min(lowest, m), Infinity);
  let best = -1;
  for (let i = 0; i < faces.length; i++) {
    if (means[i] > medoidMean + margin) continue;
    if (best < 0) {
      best = i;
      continue;
    }
    const a = faces[i],
      b = faces[best];
    const better = rank(a.sharpness) - rank(b.sharpness) || rank(a.score) - rank(b.score) || means[best] - means[i];
    if (better > 0) best = i;
  }
  return faces[best];
}
