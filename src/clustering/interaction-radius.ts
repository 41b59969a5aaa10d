/**
 * How far apart two faces can be and still affect each other's grouping. Incremental grouping
 * (src/pipeline/incremental-grouping.ts) rests on it: the decision over a set of faces that is a
 * union of connected components of the graph "within this cosine distance" is the whole
 * decision restricted to that set, so a run recomputes only the components its faces touch.
 *
 * Why each rule of group.ts is local in 'nearest-face' mode without UMAP, with
 * R = max(eps, noiseEps, 1 - threshold):
 * - joining a known person: a face joins the person of its most similar known face at
 *   similarity >= threshold, i.e. within 1 - threshold <= R (a low-quality face needs the
 *   stricter lowQualityThreshold, so it stays within that radius too); ties go to the person seen
 *   first in canonical order (the caller keeps that order, see component-decision.ts);
 * - DBSCAN, for any minPts: a face's neighbourhood (core test) and the clusters it links or
 *   borders are all within eps <= R; labels follow canonical order, which a hash order keeps for
 *   any subset; low-quality faces are left out of it, which a subset of faces keeps too;
 * - the second chance for noise: the nearest-face rule against cluster members, within R;
 * - the noise pass: DBSCAN at noiseEps <= R over what the second chance left.
 * (Merging clusters by their means is a centroid-mode rule.)
 *
 * 'centroid' mode compares with a person's or a cluster's mean, which can be close to a face that
 * is far from every member: those rules (and merging clusters by their means) are not local
 * between faces. Only the two DBSCAN passes are, so the components there are taken at
 * R = max(eps, noiseEps), and the mean-based rules are bounded by angles instead
 * (centroidReach below; the argument is in centroid-closure.ts). UMAP embeds all faces together:
 * nothing is local, and the pipeline regroups everything (null here). A new pair rule in group.ts
 * must widen this radius.
 */
import type { GroupOptions } from './group.js';

/**
 * Added to the radius so that rounding in a dot product never cuts an edge a rule uses; a wider
 * radius only joins more components, which keeps the decision exact (just less local).
 */
export const RADIUS_SLACK = 1e-6;

/** The cosine distance within which grouping rules relate faces; null when the decision is not local. */
export function interactionRadius(options: GroupOptions): number | null {
  if (options.umap) return null;
  const dbscanReach = Math.max(options.eps, noiseEps(options));
  if (isCentroidMode(options)) return dbscanReach + RADIUS_SLACK;
  return Math.max(dbscanReach, 1 - options.threshold) + RADIUS_SLACK;
}

export const isCentroidMode = (options: GroupOptions): boolean => (options.mode ?? 'nearest-face') === 'centroid';

/** The noise pass's radius when it runs (group.ts: only above eps), else 0. */
const noiseEps = (options: GroupOptions): number =>
  options.noiseEps !== undefined && options.noiseEps > options.eps ? options.noiseEps : 0;

/**
 * In centroid mode, the cosine distance within which a face can match a mean (a verified
 * person's or a new cluster's: 1 - threshold) or two clusters' means can merge
 * (1 - mergeThreshold), whichever is wider; null in nearest-face mode, where R covers it.
 */
export function centroidReach(options: GroupOptions): number | null {
  if (!isCentroidMode(options) || options.umap) return null;
  return Math.max(1 - options.threshold, options.mergeThreshold === undefined ? 0 : 1 - options.mergeThreshold);
}
