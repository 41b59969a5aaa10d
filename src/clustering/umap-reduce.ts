/**
 * Optional UMAP step before DBSCAN (FRS_UMAP_ENABLED): embeddings are laid out in fewer
 * dimensions, where identities tend to pull apart. Seeded, so the same input gives the
 * same layout. The layout is centred and each row normalised, so DBSCAN's cosine distance
 * applies to it as to embeddings (eps then refers to the reduced space).
 */
import { UMAP } from 'umap-js';
import { FrsError } from '../errors.js';
import { normalise, type Embedding } from './cosine.js';
import { seededRandom } from './random.js';

export interface UmapOptions {
  /** Output dimensions (FRS_UMAP_DIMENSIONS). */
  dimensions: number;
  /** Neighbours that shape the layout (default 15, capped at n - 1). */
  neighbours?: number;
  minDist?: number;
  /** Optimisation epochs; umap-js picks by input size when omitted. */
  epochs?: number;
  seed?: number;
}

/** UMAP needs a few points to have neighbours at all. */
export const UMAP_MIN_POINTS = 3;

export function umapReduce(points: readonly Embedding[], options: UmapOptions): Embedding[] {
  const { dimensions, neighbours = 15, minDist = 0.1, epochs, seed = 42 } = options;
  if (!Number.isInteger(dimensions) || dimensions < 2)
    throw new FrsError('INVALID_INPUT', `UMAP dimensions must be an integer >= 2 (got ${dimensions}).`);
  if (points.length < UMAP_MIN_POINTS)
    throw new FrsError('INVALID_INPUT', `UMAP needs at least ${UMAP_MIN_POINTS} embeddings (got ${points.length}).`);
  const umap = new UMAP({
    nComponents: dimensions,
    nNeighbors: Math.max(2, Math.min(neighbours, points.length - 1)),
    minDist,
    nEpochs: epochs,
    random: seededRandom(seed),
  });
  const layout = umap.fit(points.map((p) => Array.from(p)));
  const mean = new Float64Array(dimensions);
  for (const row of layout) for (let k = 0; k < dimensions; k++) mean[k] += row[k] / layout.length;
  return layout.map((row) => {
    const centred = row.map((v, k) => v - mean[k]);
    // A row exactly at the mean has no direction; any fixed one keeps it comparable.
    if (!centred.some((v) => v !== 0)) centred[0] = 1;
    return normalise(centred);
  });
}
