/**
 * Exact range search in cosine distance: a cone tree, i.e. a ball tree on the unit sphere
 * where each node is a cone (centre direction + aperture angle). Angles between
 * directions obey the triangle inequality, so whole nodes, or single points, are skipped
 * when a lower bound on their angle to the query exceeds the search angle. Survivors are
 * confirmed with the same dot product and predicate as brute force (cosine.ts), so results
 * are identical to an all-pairs scan.
 *
 * Why cones and not Euclidean balls: around a face cluster's mean (inside the sphere) a
 * Euclidean ball is so loose in 128-d that neighbouring clusters never prune; cones do.
 * How leaves are formed (tight leader groups) is in cone-tree-build.ts.
 *
 * Self-joins (every pair within eps, what DBSCAN needs) walk pairs of nodes together
 * (dual-tree): about (number of leaves)^2 / 2 cone comparisons instead of n^2 / 2 dots.
 */
import { FrsError } from '../errors.js';
import { angleOf, buildLayout, type TreeLayout } from './cone-tree-build.js';
import { assertUnitVectors, dotF32, isWithin, type Embedding } from './cosine.js';

export interface ConeTreeOptions {
  /** Most points in a leaf (default 64). */
  leafSize?: number;
  /**
   * Cosine distance within which a point joins a leaf's leader (default 0.3). Only speed
   * depends on it: about the radius of one identity's faces is best.
   */
  groupRadius?: number;
}

/** Absorbs rounding in dot products and acos so that pruning never drops a true match. */
const ANGLE_SLACK = 1e-6;

export class ConeTree {
  private constructor(
    readonly size: number,
    readonly dim: number,
    /** Points in tree order, row-major. */
    private readonly data: Float32Array,
    private readonly invNorm: Float64Array,
    private readonly normMin: number,
    private readonly normMax: number,
    private readonly layout: TreeLayout,
  ) {}

  get nodeCount(): number {
    return this.layout.start.length;
  }

  get leafCount(): number {
    return this.layout.left.filter((child) => child < 0).length;
  }

  static build(points: readonly Embedding[], options: ConeTreeOptions = {}): ConeTree {
    const leafSize = options.leafSize ?? 64;
    const groupRadius = options.groupRadius ?? 0.3;
    if (!Number.isInteger(leafSize) || leafSize < 1) throw new FrsError('INVALID_INPUT', `leafSize must be a positive integer (got ${leafSize}).`);
    if (!(groupRadius >= 0 && groupRadius <= 2)) throw new FrsError('INVALID_INPUT', `groupRadius must be within 0..2 (got ${groupRadius}).`);
    const n = points.length;
    const dim = assertUnitVectors(points);
    const source = new Float32Array(n * dim);
    const sourceInvNorm = new Float64Array(n);
    let normMin = 1, normMax = 1;
    for (let i = 0; i < n; i++) {
      source.set(points[i], i * dim);
      const length = Math.sqrt(dotF32(source, i * dim, source, i * dim, dim));
      sourceInvNorm[i] = 1 / length;
      normMin = Math.min(normMin, length);
      normMax = Math.max(normMax, length);
    }
    const layout = buildLayout(source, sourceInvNorm, dim, { leafSize, groupMinCos: 1 - groupRadius });
    // Points in tree order, so that a leaf's rows are contiguous in memory.
    const data = new Float32Array(n * dim);
    const invNorm = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      const i = layout.ids[p];
      data.set(source.subarray(i * dim, i * dim + dim), p * dim);
      invNorm[p] = sourceInvNorm[i];
    }
    return new ConeTree(n, dim, data, invNorm, normMin, normMax, layout);
  }

  /**
   * The widest angle between two points whose cosine distance is within eps, given the
   * range of the product of their norms (1 for unit vectors, a hair off in float32).
   */
  private searchAngle(eps: number, productMin: number, productMax: number): number {
    const minSimilarity = 1 - eps;
    const cos = minSimilarity >= 0 ? minSimilarity / productMax : minSimilarity / productMin;
    return angleOf(cos) + ANGLE_SLACK;
  }

  /** Calls visit(index, similarity) for every point with cosine distance to query <= eps. */
  forEachWithin(query: Embedding, eps: number, visit: (index: number, similarity: number) => void): void {
    if (this.size === 0) return;
    if (query.length !== this.dim) throw new FrsError('INVALID_INPUT', `Query has ${query.length} dimensions, the index ${this.dim}.`);
    const qNorm = Math.sqrt(dotF32(query, 0, query, 0, this.dim));
    if (!(qNorm > 0) || !Number.isFinite(qNorm)) throw new FrsError('INVALID_INPUT', 'Query embedding is zero or not finite.');
    const limit = this.searchAngle(eps, this.normMin * qNorm, this.normMax * qNorm);
    const { data, dim } = this;
    const { centres, centreInvNorm, apertures, toLeafCentre, left, right, start, end, ids } = this.layout;
    const stack = [0];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const toCentre = angleOf((dotF32(query, 0, centres, node * dim, dim) / qNorm) * centreInvNorm[node]);
      if (toCentre - apertures[node] > limit) continue;
      if (left[node] >= 0) {
        stack.push(right[node], left[node]);
        continue;
      }
      for (let p = start[node]; p < end[node]; p++) {
        // Triangle inequality: angle(q, x) >= |angle(q, c) - angle(x, c)|.
        if (Math.abs(toCentre - toLeafCentre[p]) > limit) continue;
        const similarity = dotF32(query, 0, data, p * dim, dim);
        if (isWithin(similarity, eps)) visit(ids[p], similarity);
      }
    }
  }

  /** Input indices of every point within cosine distance eps of query, ascending. */
  within(query: Embedding, eps: number): number[] {
    const found: number[] = [];
    this.forEachWithin(query, eps, (i) => found.push(i));
    return found.sort((a, b) => a - b);
  }

  /**
   * Calls visit(i, j) once for every unordered pair of distinct input indices within
   * cosine distance eps (i, j in no particular order). The walk is deterministic.
   */
  forEachPairWithin(eps: number, visit: (i: number, j: number) => void): void {
    if (this.size < 2) return;
    const limit = this.searchAngle(eps, this.normMin * this.normMin, this.normMax * this.normMax);
    const { dim } = this;
    const { left, right, apertures, centres, centreInvNorm } = this.layout;
    const stackA: number[] = [0];
    const stackB: number[] = [0];
    while (stackA.length > 0) {
      const a = stackA.pop()!;
      const b = stackB.pop()!;
      if (a === b) {
        if (left[a] < 0) {
          this.leafSelfPairs(a, eps, visit);
        } else {
          stackA.push(left[a], right[a], left[a]);
          stackB.push(left[a], right[a], right[a]);
        }
        continue;
      }
      const between = angleOf(dotF32(centres, a * dim, centres, b * dim, dim) * centreInvNorm[a] * centreInvNorm[b]);
      if (between - apertures[a] - apertures[b] > limit) continue;
      const aLeaf = left[a] < 0, bLeaf = left[b] < 0;
      if (aLeaf && bLeaf) {
        this.leafCrossPairs(a, b, between, eps, limit, visit);
      } else if (!aLeaf && (bLeaf || apertures[a] >= apertures[b])) {
        stackA.push(left[a], right[a]);
        stackB.push(b, b);
      } else {
        stackA.push(a, a);
        stackB.push(left[b], right[b]);
      }
    }
  }

  private leafSelfPairs(leaf: number, eps: number, visit: (i: number, j: number) => void): void {
    const { data, dim } = this;
    const { ids, start, end } = this.layout;
    for (let p = start[leaf]; p < end[leaf]; p++) {
      for (let q = p + 1; q < end[leaf]; q++) {
        if (isWithin(dotF32(data, p * dim, data, q * dim, dim), eps)) visit(ids[p], ids[q]);
      }
    }
  }

  /**
   * Points in a leaf are sorted by their angle to its centre, widest first. The free bound
   * angle(x, y) >= between - angle(x, cA) - angle(y, cB) only grows along both lists, so
   * each loop stops at the first point it rules out. Pairs it cannot rule out usually
   * involve an outlying face; one dot from that face to the other leaf's centre, computed
   * once per leaf pair, then rules out all its pairs: angle(x, y) >= angle(y, cA) - angle(x, cA).
   */
  private leafCrossPairs(a: number, b: number, between: number, eps: number, limit: number, visit: (i: number, j: number) => void): void {
    const { data, dim } = this;
    const { ids, start, end, toLeafCentre: own, apertures } = this.layout;
    const startA = start[a], endA = end[a], startB = start[b], endB = end[b];
    const toB = this.scratchA(endA - startA);
    const toA = this.scratchB(endB - startB);
    for (let p = startA; p < endA; p++) {
      const reach = between - own[p];
      if (reach - apertures[b] > limit) break;
      for (let q = startB; q < endB; q++) {
        if (reach - own[q] > limit) break;
        // Compute (once) the wider point's angle to the other leaf's centre first.
        if (own[q] >= own[p] || toA[q - startB] >= 0) {
          if (this.angleTo(toA, q - startB, q, a) - own[p] > limit) continue;
        }
        // angle(x, cB) - angle(y, cB) grows along B's list too: a break, not a continue.
        if (this.angleTo(toB, p - startA, p, b) - own[q] > limit) break;
        if (isWithin(dotF32(data, p * dim, data, q * dim, dim), eps)) visit(ids[p], ids[q]);
      }
    }
  }

  /** cache[slot] = angle from the point at tree position p to the centre of node, computed once. */
  private angleTo(cache: Float64Array, slot: number, p: number, node: number): number {
    let angle = cache[slot];
    if (angle < 0) {
      const { dim } = this;
      angle = angleOf(dotF32(this.data, p * dim, this.layout.centres, node * dim, dim) * this.invNorm[p] * this.layout.centreInvNorm[node]);
      cache[slot] = angle;
    }
    return angle;
  }

  private cacheA = new Float64Array(0);
  private cacheB = new Float64Array(0);

  /** Per-leaf-pair caches of angles to the other leaf's centre; -1 = not computed yet. */
  private scratchA(length: number): Float64Array {
    if (this.cacheA.length < length) this.cacheA = new Float64Array(length);
    this.cacheA.fill(-1, 0, length);
    return this.cacheA;
  }

  private scratchB(length: number): Float64Array {
    if (this.cacheB.length < length) this.cacheB = new Float64Array(length);
    this.cacheB.fill(-1, 0, length);
    return this.cacheB;
  }
}
