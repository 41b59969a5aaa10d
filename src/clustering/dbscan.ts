/**
 * DBSCAN over a cone tree, in cosine distance. Instead of one region query per point it
 * uses the tree's self-join (every pair within eps): count neighbours to find the core
 * points, then union core neighbours (disjoint sets) and note border candidates. Pairs are
 * kept from the first walk up to a cap; past it the walk is simply repeated, so memory
 * stays bounded whatever eps is.
 *
 * Labels are those of the classic sequential algorithm scanning the input in order:
 * clusters are numbered by their first core point, a border point takes the lowest-numbered
 * cluster among its core neighbours, -1 is noise. Same input order -> same labels.
 */
import { FrsError } from '../errors.js';
import { ConeTree, type ConeTreeOptions } from './cone-tree.js';
import type { Embedding } from './cosine.js';
import { MinRootSets } from './min-root-sets.js';

export const NOISE = -1;

export interface DbscanOptions extends ConeTreeOptions {
  /** A prebuilt index over exactly these points, to reuse across runs. */
  tree?: ConeTree;
  /** Most neighbour pairs kept between the two passes (default 8M, 64 MB). */
  maxBufferedPairs?: number;
}

/** minPts counts the point itself, as in the original paper and FRS_DBSCAN_MIN_POINTS. */
export function dbscan(
  points: readonly Embedding[],
  eps: number,
  minPts: number,
  options: DbscanOptions = {},
): Int32Array {
  return labelsAndCores(points, eps, minPts, options).labels;
}

/**
 * dbscan() with the points split into groups that no eps-edge crosses (the connected components
 * at a radius >= eps, components.ts): the same labels, one small search per group instead of one
 * over all points. Why they are the same: a point's neighbourhood (core test), the core links and
 * the clusters a border point touches all lie in its group, and numbering by first core point in
 * input order keeps, within a group, the order it has over all points; the groups' clusters are
 * then interleaved by that first core point.
 */
export function dbscanByGroups(
  points: readonly Embedding[],
  eps: number,
  minPts: number,
  groupOf: ArrayLike<number>,
): Int32Array {
  checkParameters(eps, minPts);
  const n = points.length;
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = groups.get(groupOf[i]);
    if (list) list.push(i);
    else groups.set(groupOf[i], [i]);
  }
  // Each group's local labels, and where its clusters start in `firstCores` (one slot per cluster).
  const decided: { members: number[]; local: Int32Array; base: number }[] = [];
  const firstCores: number[] = [];
  for (const members of groups.values()) {
    const inner =
      members.length === 1
        ? // Alone, a point is a core point (a cluster of its own) only when minPts counts it alone.
          { labels: Int32Array.of(minPts <= 1 ? 0 : NOISE), core: Uint8Array.of(minPts <= 1 ? 1 : 0) }
        : labelsAndCores(
            members.map((i) => points[i]),
            eps,
            minPts,
          );
    const base = firstCores.length;
    inner.labels.forEach((label, k) => {
      if (inner.core[k] && firstCores[base + label] === undefined) firstCores[base + label] = members[k];
    });
    if (firstCores.length > base) decided.push({ members, local: inner.labels, base });
  }
  // Global numbers: clusters in order of their first core point.
  const bySlot = Array.from(firstCores.keys()).sort((a, b) => firstCores[a] - firstCores[b]);
  const numberOf = new Int32Array(firstCores.length);
  bySlot.forEach((slot, g) => (numberOf[slot] = g));
  const labels = new Int32Array(n).fill(NOISE);
  for (const { members, local, base } of decided) {
    local.forEach((label, k) => {
      if (label !== NOISE) labels[members[k]] = numberOf[base + label];
    });
  }
  return labels;
}

function labelsAndCores(
  points: readonly Embedding[],
  eps: number,
  minPts: number,
  options: DbscanOptions = {},
): { labels: Int32Array; core: Uint8Array } {
  checkParameters(eps, minPts);
  const n = points.length;
  if (options.tree) return dbscanOver(options.tree, n, eps, minPts, options);
  // A tree of its own is freed as soon as it is done with (cone-tree.ts, dispose).
  const tree = ConeTree.build(points, options);
  try {
    return dbscanOver(tree, n, eps, minPts, options);
  } finally {
    tree.dispose();
  }
}

function dbscanOver(
  tree: ConeTree,
  n: number,
  eps: number,
  minPts: number,
  options: DbscanOptions,
): { labels: Int32Array; core: Uint8Array } {
  if (tree.size !== n) throw new FrsError('INVALID_INPUT', `The index holds ${tree.size} points, DBSCAN got ${n}.`);

  const neighbours = new Int32Array(n).fill(1);
  const buffer = new PairBuffer(options.maxBufferedPairs ?? 8_000_000);
  tree.forEachPairWithin(eps, (i, j) => {
    neighbours[i]++;
    neighbours[j]++;
    buffer.add(i, j);
  });
  const core = new Uint8Array(n);
  for (let i = 0; i < n; i++) core[i] = neighbours[i] >= minPts ? 1 : 0;

  const sets = new MinRootSets(n);
  const borderPairs: number[] = []; // flattened (border, core) pairs
  const link = (i: number, j: number): void => {
    if (core[i] && core[j]) sets.union(i, j);
    else if (core[i]) borderPairs.push(j, i);
    else if (core[j]) borderPairs.push(i, j);
  };
  if (buffer.complete) buffer.forEach(link);
  else tree.forEachPairWithin(eps, link);

  const labels = new Int32Array(n).fill(NOISE);
  let next = 0;
  for (let i = 0; i < n; i++) {
    if (!core[i]) continue;
    const root = sets.find(i);
    // The root is the smallest index in its set, so it is labelled first.
    labels[i] = root === i ? next++ : labels[root];
  }
  for (let k = 0; k < borderPairs.length; k += 2) {
    const border = borderPairs[k];
    const label = labels[borderPairs[k + 1]];
    if (labels[border] === NOISE || label < labels[border]) labels[border] = label;
  }
  return { labels, core };
}

function checkParameters(eps: number, minPts: number): void {
  if (!(eps >= 0)) throw new FrsError('INVALID_INPUT', `DBSCAN eps must be >= 0 (got ${eps}).`);
  if (!Number.isInteger(minPts) || minPts < 1)
    throw new FrsError('INVALID_INPUT', `DBSCAN minPts must be a positive integer (got ${minPts}).`);
}

/** Growable pair storage that gives up (and frees itself) past a cap. */
class PairBuffer {
  private pairs: Int32Array;
  private length = 0;
  complete = true;

  constructor(private readonly maxPairs: number) {
    this.pairs = new Int32Array(Math.min(1024, maxPairs * 2));
  }

  add(i: number, j: number): void {
    if (!this.complete) return;
    if (this.length / 2 >= this.maxPairs) {
      this.complete = false;
      this.pairs = new Int32Array(0);
      return;
    }
    if (this.length + 2 > this.pairs.length) {
      const grown = new Int32Array(Math.min(this.pairs.length * 2, this.maxPairs * 2));
      grown.set(this.pairs.subarray(0, this.length));
      this.pairs = grown;
    }
    this.pairs[this.length++] = i;
    this.pairs[this.length++] = j;
  }

  forEach(visit: (i: number, j: number) => void): void {
    for (let k = 0; k < this.length; k += 2) visit(this.pairs[k], this.pairs[k + 1]);
  }
}

/** Groups input indices by label (clusters in label order, members ascending) plus noise. */
export function clustersOf(labels: ArrayLike<number>): { clusters: number[][]; noise: number[] } {
  const clusters: number[][] = [];
  const noise: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === NOISE) noise.push(i);
    else (clusters[label] ??= []).push(i);
  }
  return { clusters, noise };
}
