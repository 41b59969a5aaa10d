/**
 * The grouping settings as the clustering code takes them (GroupOptions, the low-quality mark on
 * faces) and the key that says which settings a stored grouping index was built with.
 */
import type { GroupOptions } from '../clustering/group.js';
import { interactionRadius, isCentroidMode } from '../clustering/interaction-radius.js';
import type { Settings } from '../config/settings.js';
import type { GroupingFace } from '../data/repository.js';
import { isLowQuality } from '../vision/face-quality.js';

export function groupOptions(settings: Settings): GroupOptions {
  return {
    threshold: settings.FRS_MATCH_THRESHOLD,
    mode: settings.FRS_MATCH_MODE,
    lowQualityThreshold: settings.FRS_LOW_QUALITY_MATCH_THRESHOLD,
    eps: settings.FRS_DBSCAN_EPS,
    minPts: settings.FRS_DBSCAN_MIN_POINTS,
    umap: settings.FRS_UMAP_ENABLED ? { dimensions: settings.FRS_UMAP_DIMENSIONS } : undefined,
    mergeThreshold: settings.FRS_CLUSTER_MERGE_THRESHOLD < 1 ? settings.FRS_CLUSTER_MERGE_THRESHOLD : undefined,
    noiseEps: settings.FRS_DBSCAN_NOISE_EPS > 0 ? settings.FRS_DBSCAN_NOISE_EPS : undefined,
  };
}

/**
 * The faces of one regroup as groupFaces takes them: low quality (below FRS_MIN_FACE_QUALITY)
 * marked. In place, since a full regroup holds a million of them.
 */
export function facesToGroup<F extends GroupingFace>(
  faces: F[],
  minFaceQuality: number,
): Array<F & { lowQuality: boolean }> {
  const marked = faces as Array<F & { lowQuality: boolean }>;
  for (const f of marked) f.lowQuality = isLowQuality(f.quality, minFaceQuality);
  return marked;
}

/**
 * The settings the stored persons were decided with. Persons decided under other settings (or by a
 * regroup that was not local) must be regrouped whole before runs may go incremental.
 */
export function settingsKey(options: GroupOptions, minFaceQuality: number): string {
  const radius = interactionRadius(options);
  if (radius === null) return 'not-local';
  const key = { threshold: options.threshold, eps: options.eps, minPts: options.minPts, radius };
  // Rules added later join the key only when on, so keys written before them stay valid.
  const quality = {
    ...(options.noiseEps !== undefined && options.noiseEps > options.eps ? { noiseEps: options.noiseEps } : {}),
    ...(minFaceQuality > 0
      ? { minFaceQuality, lowQualityThreshold: Math.max(options.threshold, options.lowQualityThreshold ?? 0) }
      : {}),
  };
  // Persons decided by one mode are not the other's: switching rebuilds the index (nearest-face keys unchanged).
  if (!isCentroidMode(options)) return JSON.stringify({ ...key, ...quality });
  const merge = options.mergeThreshold !== undefined ? { mergeThreshold: options.mergeThreshold } : {};
  return JSON.stringify({ ...key, mode: 'centroid', ...quality, ...merge });
}
