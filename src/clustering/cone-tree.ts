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
 * Self-joins (every pair within eps, what DBSCAN needs) and joins of two trees (many
 * queries at once, what matching faces to persons needs) walk pairs of nodes together
 * (dual-tree): about leaves x leaves cone comparisons instead of n x m dot products.
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
    if (!Number.isInteger(leafSize) || leafSize < 1)
      throw new FrsError('INVALID_INPUT', `leafSize must be a positive integer (got ${leafSize}).`);
    if (!(groupRadius >= 0 && groupRadius <= 2))
      throw new FrsError('INVALID_INPUT', `groupRadius must be within 0..2 (got ${groupRadius}).`);
    const n = points.length;
    const dim = assertUnitVectors(points);
    // Rows that are consecutive views of one matrix (a streamed library) are read in place, not copied.
    const shared = sharedMatrix(points, dim);
    const source = shared ?? new Float32Array(n * dim);
    const sourceInvNorm = new Float64Array(n);
    let normMin = 1,
      normMax = 1;
    for (let i = 0; i < n; i++) {
      if (!shared) source.set(points[i], i * dim);
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
    if (query.length !== this.dim)
      throw new FrsError('INVALID_INPUT', `Query has ${query.length} dimensions, the index ${this.dim}.`);
    const qNorm = Math.sqrt(dotF32(query, 0, query, 0, this.dim));
    if (!(qNorm > 0) || !Number.isFinite(qNorm))
      throw new FrsError('INVALID_INPUT', 'Query embedding is zero or not finite.');
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
   * Calls visit(i, j, similarity) once for every unordered pair of distinct input indices
   * within cosine distance eps (i, j in no particular order). The walk is deterministic.
   */
  forEachPairWithin(eps: number, visit: PairVisitor): void {
    if (this.size >= 2) this.walkPairs(this, eps, visit);
  }

  /**
   * Calls visit(i, j, similarity) for every point i of this tree and j of `other` within
   * cosine distance eps: many range queries at once, walking both trees together.
   */
  forEachPairAcross(other: ConeTree, eps: number, visit: PairVisitor): void {
    if (other.dim !== this.dim && this.size > 0 && other.size > 0)
      throw new FrsError('INVALID_INPUT', `Indexes differ in dimension (${this.dim} vs ${other.dim}).`);
    if (this.size > 0 && other.size > 0) this.walkPairs(other, eps, visit);
  }

  /** Dual-tree walk over node pairs (a of this tree, b of other); other === this for a self-join. */
  private walkPairs(other: ConeTree, eps: number, visit: PairVisitor): void {
    const self = other === this;
    const limit = this.searchAngle(eps, this.normMin * other.normMin, this.normMax * other.normMax);
    const { dim } = this;
    const A = this.layout,
      B = other.layout;
    const scratch = { toB: new AngleCache(), toA: new AngleCache() };
    const stackA: number[] = [0];
    const stackB: number[] = [0];
    while (stackA.length > 0) {
      const a = stackA.pop()!;
      const b = stackB.pop()!;
      if (self && a === b) {
        if (A.left[a] < 0) {
          this.leafSelfPairs(a, eps, visit);
        } else {
          stackA.push(A.left[a], A.right[a], A.left[a]);
          stackB.push(A.left[a], A.right[a], A.right[a]);
        }
        continue;
      }
      const between = angleOf(
        dotF32(A.centres, a * dim, B.centres, b * dim, dim) * A.centreInvNorm[a] * B.centreInvNorm[b],
      );
      if (between - A.apertures[a] - B.apertures[b] > limit) continue;
      const aLeaf = A.left[a] < 0,
        bLeaf = B.left[b] < 0;
      if (aLeaf && bLeaf) {
        this.leafCrossPairs(a, other, b, between, eps, limit, scratch, visit);
      } else if (!aLeaf && (bLeaf || A.apertures[a] >= B.apertures[b])) {
        stackA.push(A.left[a], A.right[a]);
        stackB.push(b, b);
      } else {
        stackA.push(a, a);
        stackB.push(B.left[b], B.right[b]);
      }
    }
  }

  private leafSelfPairs(leaf: number, eps: number, visit: PairVisitor): void {
    const { data, dim } = this;
    const { ids, start, end } = this.layout;
    for (let p = start[leaf]; p < end[leaf]; p++) {
      for (let q = p + 1; q < end[leaf]; q++) {
        const similarity = dotF32(data, p * dim, data, q * dim, dim);
        if (isWithin(similarity, eps)) visit(ids[p], ids[q], similarity);
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
  private leafCrossPairs(
    a: number,
    other: ConeTree,
    b: number,
    between: number,
    eps: number,
    limit: number,
    scratch: { toB: AngleCache; toA: AngleCache },
    visit: PairVisitor,
  ): void {
    const { dim } = this;
    const A = this.layout,
      B = other.layout;
    const dataA = this.data,
      dataB = other.data,
      ownA = A.toLeafCentre,
      ownB = B.toLeafCentre;
    const startA = A.start[a],
      endA = A.end[a],
      startB = B.start[b],
      endB = B.end[b];
    const toB = scratch.toB.reset(endA - startA);
    const toA = scratch.toA.reset(endB - startB);
    for (let p = startA; p < endA; p++) {
      const reach = between - ownA[p];
      if (reach - B.apertures[b] > limit) break;
      for (let q = startB; q < endB; q++) {
        if (reach - ownB[q] > limit) break;
        // Compute (once) the wider point's angle to the other leaf's centre first.
        if (ownB[q] >= ownA[p] || toA[q - startB] >= 0) {
          if (other.cachedAngleTo(toA, q - startB, q, this, a) - ownA[p] > limit) continue;
        }
        // angle(x, cB) - angle(y, cB) grows along B's list too: a break, not a continue.
        if (this.cachedAngleTo(toB, p - startA, p, other, b) - ownB[q] > limit) break;
        const similarity = dotF32(dataA, p * dim, dataB, q * dim, dim);
        if (isWithin(similarity, eps)) visit(A.ids[p], B.ids[q], similarity);
      }
    }
  }

  /** cache[slot]: angle from point p of this tree to the centre of `node` in `tree`, computed once. */
  private cachedAngleTo(cache: Float64Array, slot: number, p: number, tree: ConeTree, node: number): number {
    let angle = cache[slot];
    if (angle < 0) {
      const { dim } = this;
      angle = angleOf(
        dotF32(this.data, p * dim, tree.layout.centres, node * dim, dim) *
          this.invNorm[p] *
          tree.layout.centreInvNorm[node],
      );
      cache[slot] = angle;
    }
    return angle;
  }
}

/** The matrix behind `points` when row i is the view at offset i * dim of one buffer, else null. */
function sharedMatrix(points: readonly Embedding[], dim: number): Float32Array | null {
  if (points.length === 0) return null;
  const first = points[0];
  const buffer = first.buffer;
  const base = first.byteOffset;
  const stride = dim * Float32Array.BYTES_PER_ELEMENT;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (p.buffer !== buffer || p.byteOffset !== base + i * stride || p.length !== dim) return null;
  }
  return new Float32Array(buffer, base, points.length * dim);
}

export type PairVisitor = (i: number, j: number, similarity: number) => void;

/** A reusable per-leaf-pair cache of angles; -1 means "not computed yet". */
class AngleCache {
  private values = new Float64Array(64);

  reset(length: number): Float64Array {
    if (this.values.length < length) this.values = new Float64Array(length);
    this.values.fill(-1, 0, length);
    return this.values;
  }
}
