/**
 * Clustering quality against known identities: pairwise and BCubed precision / recall / F1.
 * Predicted label -1 (DBSCAN noise) counts as a singleton cluster per face: an unclustered
 * face claims no same-person pair, so noise costs recall and never precision. (Treating all
 * noise as one cluster would instead reward or punish it arbitrarily.)
 */
import { FrsError } from '../errors.js';

export interface Scores {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClusteringScores {
  pairwise: Scores;
  bcubed: Scores;
  /** Predicted clusters, noise not counted. */
  clusters: number;
  noise: number;
}

function f1(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** Sizes of true classes, predicted clusters and their intersections. */
function contingency(truth: readonly (number | string)[], predicted: ArrayLike<number>) {
  if (truth.length !== predicted.length)
    throw new FrsError('INVALID_INPUT', `Got ${truth.length} true labels and ${predicted.length} predicted ones.`);
  const classSize = new Map<number | string, number>();
  const clusterSize = new Map<number, number>();
  const cell = new Map<string, { n: number; cls: number | string; cluster: number }>();
  for (let i = 0; i < truth.length; i++) {
    const cls = truth[i];
    // Noise: a cluster of its own, keyed below every real label.
    const cluster = predicted[i] === -1 ? -2 - i : predicted[i];
    classSize.set(cls, (classSize.get(cls) ?? 0) + 1);
    clusterSize.set(cluster, (clusterSize.get(cluster) ?? 0) + 1);
    const key = `${typeof cls}:${String(cls)}|${cluster}`;
    const entry = cell.get(key);
    if (entry) entry.n++;
    else cell.set(key, { n: 1, cls, cluster });
  }
  return { classSize, clusterSize, cells: [...cell.values()] };
}

const pairs = (n: number): number => (n * (n - 1)) / 2;

/** Over all pairs of faces: precision = same-person share of co-clustered pairs, recall the reverse. */
export function pairwiseScores(truth: readonly (number | string)[], predicted: ArrayLike<number>): Scores {
  const { classSize, clusterSize, cells } = contingency(truth, predicted);
  const together = cells.reduce((s, c) => s + pairs(c.n), 0);
  const predictedPairs = [...clusterSize.values()].reduce((s, n) => s + pairs(n), 0);
  const truePairs = [...classSize.values()].reduce((s, n) => s + pairs(n), 0);
  // No pairs claimed (or none to find) is vacuously perfect.
  const precision = predictedPairs === 0 ? 1 : together / predictedPairs;
  const recall = truePairs === 0 ? 1 : together / truePairs;
  return { precision, recall, f1: f1(precision, recall) };
}

/** Per face, averaged: precision = share of its cluster with its identity, recall = share of its identity in its cluster. */
export function bcubedScores(truth: readonly (number | string)[], predicted: ArrayLike<number>): Scores {
  const { classSize, clusterSize, cells } = contingency(truth, predicted);
  const n = truth.length;
  if (n === 0) return { precision: 1, recall: 1, f1: 1 };
  let precision = 0,
    recall = 0;
  for (const c of cells) {
    precision += (c.n * c.n) / clusterSize.get(c.cluster)!;
    recall += (c.n * c.n) / classSize.get(c.cls)!;
  }
  precision /= n;
  recall /= n;
  return { precision, recall, f1: f1(precision, recall) };
}

export function evaluateClustering(
  truth: readonly (number | string)[],
  predicted: ArrayLike<number>,
): ClusteringScores {
  let noise = 0;
  const clusters = new Set<number>();
  for (let i = 0; i < predicted.length; i++) {
    if (predicted[i] === -1) noise++;
    else clusters.add(predicted[i]);
  }
  return {
    pairwise: pairwiseScores(truth, predicted),
    bcubed: bcubedScores(truth, predicted),
    clusters: clusters.size,
    noise,
  };
}
