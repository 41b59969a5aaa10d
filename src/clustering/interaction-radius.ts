/**
 * How far apart two faces can be and still affect each other's grouping. Incremental grouping
 * (src/pipeline/incremental-grouping.ts) rests on it: the decision over a set of faces that is a
 * union of connected components of the graph "within this cosine distance" is the whole
 * decision restricted to that set, so a run recomputes only the components its faces touch.
 *
 * Why each rule of group.ts is local in 'nearest-face' mode without UMAP, with
 * R = max(eps, 1 - threshold):
 * - joining a known person: a face joins the person of its most similar known face at
 *   similarity >= threshold, i.e. within 1 - threshold <= R; ties go to the person seen first in
 *   canonical order (the caller keeps that order, see component-decision.ts);
 * - DBSCAN, for any minPts: a face's neighbourhood (core test) and the clusters it links or
 *   borders are all within eps <= R; labels follow canonical order, which a hash order keeps for
 *   any subset;
 * - the second chance for noise: the nearest-face rule against cluster members, within R.
 *
 * 'centroid' mode compares with a person's or a cluster's mean, which can be close to a face that
 * is far from every member: those two rules are not local between faces. Only DBSCAN is, so the
 * components there are taken at R = eps, and the mean-based rules are bounded by angles instead
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
  if (isCentroidMode(options)) return options.eps + RADIUS_SLACK;
  return Math.max(options.eps, 1 - options.threshold) + RADIUS_SLACK;
}

export const isCentroidMode = (options: GroupOptions): boolean => (options.mode ?? 'nearest-face') === 'centroid';

/**
 * In centroid mode, the cosine distance (1 - threshold) within which a face can match a mean (a
 * verified person's or a new cluster's); null in nearest-face mode, where R covers it.
 */
export function centroidReach(options: GroupOptions): number | null {
  return isCentroidMode(options) && !options.umap ? 1 - options.threshold : null;
}
