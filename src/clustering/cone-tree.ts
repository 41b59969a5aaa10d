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
import { assertUnitRows, assertUnitVectors, dotF32, isWithin, type Embedding } from './cosine.js';
import { boundDotSlack } from './simd/bound-dots.js';
import type { KernelExports } from './simd/dot-kernel.js';
import { commonMemory, KernelMemory } from './simd/kernel-memory.js';
import { SETTLE_CONTEXT } from './simd/leaf-settle.js';
import { QUANTIZED_COS_SLACK, quantizeRows, type QuantizedRows } from './simd/quantized-dots.js';

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
    /** The points' rows: the caller's matrix read in place, or a copy in tree order. */
    private readonly data: Float32Array,
    /** Where the row of the point at each tree position starts in `data`. */
    private readonly rowAt: Int32Array,
    /** 1 / norm of the point at each tree position (in the kernel's memory). */
    private readonly invNorm: Float64Array,
    private readonly normMin: number,
    private readonly normMax: number,
    private readonly layout: TreeLayout,
    /** Per leaf (in leaf-list order), the tables of the kernel's leaf-pair test (leaf-settle.ts). */
    private readonly leafTables: LeafTables,
    /** The memory all of the above lie in, whose kernel computes the tree's dot products. */
    private readonly kernel: KernelMemory,
    private readonly options: Required<ConeTreeOptions>,
    /** The tree's blocks in the kernel's memory (byte offsets), freed by dispose or collection. */
    private readonly blocks: number[],
  ) {
    this.leaves = leafRanges(layout);
    this.calls = kernel.calls;
    this.at = {
      data: data.byteOffset,
      rowAt: rowAt.byteOffset,
      centres: layout.centres.byteOffset,
    };
  }

  /** The kernel's calls, and the byte addresses of the arrays they read (rows are dim * 4 bytes). */
  private readonly calls: KernelExports;
  private readonly at: { data: number; rowAt: number; centres: number };

  /** Leaf nodes in position order, and each node's leaves as a range of that list. */
  private readonly leaves: LeafRanges;

  get nodeCount(): number {
    return this.layout.start.length;
  }

  get leafCount(): number {
    return this.layout.left.filter((child) => child < 0).length;
  }

  static build(points: readonly Embedding[], options: ConeTreeOptions = {}): ConeTree {
    return ConeTree.buildIn(points, options, undefined);
  }

  /**
   * build() over the rows of `matrix` (rows of dim floats), without a view per row (a million
   * views are about 100 MB of heap). A matrix in a kernel memory (a streamed library,
   * face-matrix.ts) is read in place and must not change while the tree lives.
   */
  static buildOnMatrix(matrix: Float32Array, dim: number, options: ConeTreeOptions = {}): ConeTree {
    if (!(dim > 0) || matrix.length % dim !== 0)
      throw new FrsError('INVALID_INPUT', `A matrix of ${matrix.length} floats has no rows of ${dim}.`);
    assertUnitRows(matrix, dim);
    const kernel = KernelMemory.of(matrix);
    if (kernel) return ConeTree.lay(matrix, matrix.length / dim, dim, kernel, true, [], options);
    // Elsewhere, a copy the tree owns, where the kernel can read it.
    const copy = commonMemory.f32(matrix.length);
    copy.set(matrix);
    return ConeTree.lay(copy, matrix.length / dim, dim, commonMemory, false, [copy], options);
  }

  /** build, with copied rows in `memory` (default: the common one) unless they are read in place. */
  private static buildIn(points: readonly Embedding[], options: ConeTreeOptions, memory?: KernelMemory): ConeTree {
    const n = points.length;
    const dim = assertUnitVectors(points);
    // Rows that are consecutive views of one matrix in the kernel's memory (a streamed library,
    // face-matrix.ts) are read in place, not copied, for as long as the tree lives: such a matrix
    // must not change meanwhile. Anything else is copied there (the kernel reads only its memory).
    const shared = memory ? null : sharedMatrix(points, dim);
    const kernel = (shared && KernelMemory.of(shared)) || memory || commonMemory;
    const owned: ArrayBufferView[] = [];
    const own = <T extends ArrayBufferView>(view: T): T => (owned.push(view), view);
    const source = shared ?? own(kernel.f32(n * dim));
    if (!shared) for (let i = 0; i < n; i++) source.set(points[i], i * dim);
    return ConeTree.lay(source, n, dim, kernel, shared !== null, owned, options);
  }

  /**
   * The tree over n rows of `source` in `kernel`'s memory: read in place when `inPlace`, else
   * `source` is a copy the tree owns (in `owned`, with any other block it owns) and is reordered.
   */
  private static lay(
    source: Float32Array,
    n: number,
    dim: number,
    kernel: KernelMemory,
    inPlace: boolean,
    owned: ArrayBufferView[],
    options: ConeTreeOptions,
  ): ConeTree {
    const leafSize = options.leafSize ?? 64;
    const groupRadius = options.groupRadius ?? 0.3;
    if (!Number.isInteger(leafSize) || leafSize < 1)
      throw new FrsError('INVALID_INPUT', `leafSize must be a positive integer (got ${leafSize}).`);
    if (!(groupRadius >= 0 && groupRadius <= 2))
      throw new FrsError('INVALID_INPUT', `groupRadius must be within 0..2 (got ${groupRadius}).`);
    const own = <T extends ArrayBufferView>(view: T): T => (owned.push(view), view);
    const sourceInvNorm = new Float64Array(n);
    let normMin = 1,
      normMax = 1;
    for (let i = 0; i < n; i++) {
      const length = Math.sqrt(dotF32(source, i * dim, source, i * dim, dim));
      sourceInvNorm[i] = 1 / length;
      normMin = Math.min(normMin, length);
      normMax = Math.max(normMax, length);
    }
    const layout = buildLayout(source, sourceInvNorm, dim, { leafSize, groupMinCos: 1 - groupRadius });
    const invNorm = own(kernel.f64(n));
    const rowAt = own(kernel.i32(n));
    // A shared matrix is read where it is (a million faces' matrix is 512 MB: no second copy);
    // a copied one is laid out again in tree order, so that a leaf's rows are contiguous.
    if (inPlace) {
      for (let p = 0; p < n; p++) {
        const i = layout.ids[p];
        rowAt[p] = i * dim;
        invNorm[p] = sourceInvNorm[i];
      }
    } else {
      const ordered = new Float32Array(n * dim);
      for (let p = 0; p < n; p++) {
        const i = layout.ids[p];
        ordered.set(source.subarray(i * dim, i * dim + dim), p * dim);
        rowAt[p] = p * dim;
        invNorm[p] = sourceInvNorm[i];
      }
      source.set(ordered);
    }
    // Centres and angles in the kernel's memory too, and the leaves' tables in leaf-list order.
    const centres = own(kernel.f32(layout.centres.length));
    centres.set(layout.centres);
    layout.centres = centres;
    const toLeafCentre = own(kernel.f64(n));
    toLeafCentre.set(layout.toLeafCentre);
    layout.toLeafCentre = toLeafCentre;
    const leafTables = ConeTree.leafTables(layout, source, rowAt, dim, kernel, own);
    // Only the leaf-pair tests read the tight centres, from their quantized copy (74 MB at 1M faces).
    layout.tightCentres = new Float32Array(0);
    const blocks = owned.map((view) => view.byteOffset);
    const tree = new ConeTree(
      n,
      dim,
      source,
      rowAt,
      invNorm,
      normMin,
      normMax,
      layout,
      leafTables,
      kernel,
      { leafSize, groupRadius },
      blocks,
    );
    // The blocks are the tree's alone (its fields, never handed out): freed by dispose(), or once
    // the tree is collected.
    released.register(tree, { kernel, blocks }, tree);
    return tree;
  }

  /**
   * The quantized copies the kernel's leaf-pair test reads (leaf-settle.ts): per leaf, in leaf-list
   * order, its tight and mean centres and its positions; per position, the point's row.
   */
  private static leafTables(
    layout: TreeLayout,
    data: Float32Array,
    rowAt: Int32Array,
    dim: number,
    kernel: KernelMemory,
    own: <T extends ArrayBufferView>(view: T) => T,
  ): LeafTables {
    const { list } = leafRanges(layout);
    const owned = (rows: QuantizedRows): QuantizedRows => (own(rows.values), own(rows.meta), rows);
    const centreOf = (centres: Float32Array) =>
      owned(quantizeRows(centres, (k) => list[k] * dim, list.length, dim, 16, kernel));
    const start = own(kernel.i32(list.length)),
      end = own(kernel.i32(list.length));
    list.forEach((leaf, k) => {
      start[k] = layout.start[leaf];
      end[k] = layout.end[leaf];
    });
    return {
      tight: centreOf(layout.tightCentres),
      mean: centreOf(layout.centres),
      start,
      end,
      rows: owned(quantizeRows(data, (p) => rowAt[p], rowAt.length, dim, 8, kernel)),
    };
  }

  private disposed = false;

  /**
   * Frees the tree's blocks in the kernel's memory now; the tree cannot be searched afterwards.
   * Without it they are freed when the tree is collected, but a collected object's cleanup waits
   * for the event loop: a long synchronous computation that builds tree after tree (a regroup,
   * one component at a time) would hold every tree's copy of its rows until it ends.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    released.unregister(this);
    for (const start of this.blocks) this.kernel.freeAt(start);
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error('This cone tree was disposed.');
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
    this.assertUsable();
    if (this.size === 0) return;
    if (query.length !== this.dim)
      throw new FrsError('INVALID_INPUT', `Query has ${query.length} dimensions, the index ${this.dim}.`);
    const qNorm = Math.sqrt(dotF32(query, 0, query, 0, this.dim));
    if (!(qNorm > 0) || !Number.isFinite(qNorm))
      throw new FrsError('INVALID_INPUT', 'Query embedding is zero or not finite.');
    const limit = this.searchAngle(eps, this.normMin * qNorm, this.normMax * qNorm);
    const { data, dim, rowAt } = this;
    const { centres, centreInvNorm, apertures, toLeafCentre, left, right, start, end, ids } = this.layout;
    // The kernel reads only its own memory: the query is copied there for this search.
    const { kernel } = this;
    const row = kernel.f32(dim);
    row.set(query);
    try {
      const stack = [0];
      while (stack.length > 0) {
        const node = stack.pop()!;
        const toCentre = angleOf((kernel.dot(row, 0, centres, node * dim, dim) / qNorm) * centreInvNorm[node]);
        if (toCentre - apertures[node] > limit) continue;
        if (left[node] >= 0) {
          stack.push(right[node], left[node]);
          continue;
        }
        for (let p = start[node]; p < end[node]; p++) {
          // Triangle inequality: angle(q, x) >= |angle(q, c) - angle(x, c)|.
          if (Math.abs(toCentre - toLeafCentre[p]) > limit) continue;
          const similarity = kernel.dot(row, 0, data, rowAt[p], dim);
          if (isWithin(similarity, eps)) visit(ids[p], similarity);
        }
      }
    } finally {
      kernel.free(row);
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
    if (this.size === 0 || other.size === 0) return;
    // The kernel reads one memory: a tree read in place from a library matrix meets one in the
    // common memory by a copy of the other (rare: joins are between trees of copied rows).
    if (other.kernel === this.kernel) return this.walkPairs(other, eps, visit);
    const copy = other.copyIn(this.kernel);
    try {
      this.walkPairs(copy, eps, visit);
    } finally {
      copy.dispose();
    }
  }

  /** The same tree (same points, options and so layout) built from copied rows in `memory`. */
  private copyIn(memory: KernelMemory): ConeTree {
    const points = new Array<Embedding>(this.size);
    for (let p = 0; p < this.size; p++)
      points[this.layout.ids[p]] = this.data.subarray(this.rowAt[p], this.rowAt[p] + this.dim);
    return ConeTree.buildIn(points, this.options, memory);
  }

  /**
   * Dual-tree walk over node pairs (a of this tree, b of other); other === this for a self-join.
   * Below node pairs with few leaf pairs (FLAT_LEAF_PAIRS) it compares leaves directly instead of
   * descending: in 128-d the cones of inner nodes rarely prune there, and a flat scan tests a
   * leaf pair with one dot product against a precomputed cosine, without acos or a stack.
   */
  private walkPairs(other: ConeTree, eps: number, visit: PairVisitor): void {
    this.assertUsable();
    other.assertUsable();
    const self = other === this;
    const limit = this.searchAngle(eps, this.normMin * other.normMin, this.normMax * other.normMax);
    const cosSlack = boundDotSlack(this.dim) + COS_SLACK;
    const contextA = this.settleContext(limit);
    const contextB = self ? contextA : other.settleContext(limit);
    // The kernel's results: a point against up to a leaf's points; the leaves a leaf-pair test hands back.
    const pointDots = this.kernel.f64(Math.max(1, this.largestLeaf(), other.largestLeaf()));
    const handed = this.kernel.i32(Math.max(1, other.leaves.list.length));
    const scratch: WalkScratch = {
      eps,
      limit,
      visit,
      pointDots,
      pointDotsAt: pointDots.byteOffset,
      handed,
      handedAt: handed.byteOffset,
      contextA: contextA.at,
      contextB: contextB.at,
      reachCosA: contextA.reachCos,
      reachCosB: contextB.reachCos,
      cosSlack,
    };
    try {
      this.walkNodePairs(other, scratch);
    } finally {
      this.kernel.free(pointDots);
      this.kernel.free(handed);
      contextA.free();
      if (!self) contextB.free();
    }
  }

  /**
   * This tree's context for the kernel's leaf-pair test (leaf-settle.ts) at this search angle: the
   * tables that depend on it are made here, in the kernel's memory, and freed with the context.
   */
  private settleContext(limit: number): { at: number; reachCos: Float64Array; free: () => void } {
    const { kernel, layout, leafTables } = this;
    const C = SETTLE_CONTEXT;
    const blocks: ArrayBufferView[] = [];
    const f64 = (length: number): Float64Array => {
      const view = kernel.f64(Math.max(1, length));
      blocks.push(view);
      return view;
    };
    const leaves = leafTables.start.length,
      n = this.size;
    // Per leaf: cos and sin of (tight aperture + limit / 2); NaN (never rules out) where it reaches pi / 2.
    const leafCos = f64(leaves),
      leafSin = f64(leaves);
    for (let k = 0; k < leaves; k++) {
      const half = layout.tightApertures[this.leaves.list[k]] + limit / 2;
      leafCos[k] = half < Math.PI / 2 ? Math.cos(half) : NaN;
      leafSin[k] = half < Math.PI / 2 ? Math.sin(half) : NaN;
    }
    // Per position: the same for (angle to its leaf centre + limit / 2), and the reach of a head:
    // a point whose angle to another leaf's centre exceeds (own + limit) for that leaf's head
    // reaches none of its points (-Infinity past pi).
    const headCos = f64(n),
      headSin = f64(n),
      reachCos = f64(n);
    for (let p = 0; p < n; p++) {
      const own = layout.toLeafCentre[p];
      const half = own + limit / 2;
      headCos[p] = half < Math.PI / 2 ? Math.cos(half) : NaN;
      headSin[p] = half < Math.PI / 2 ? Math.sin(half) : NaN;
      reachCos[p] = own + limit < Math.PI ? Math.cos(own + limit) : -Infinity;
    }
    const block = f64(C.bytes / 8);
    const fields = new Int32Array(block.buffer, block.byteOffset, C.bytes / 4);
    const { tight, mean, rows } = leafTables;
    fields[C.tightRows / 4] = tight.values.byteOffset;
    fields[C.tightMeta / 4] = tight.meta.byteOffset;
    fields[C.leafCos / 4] = leafCos.byteOffset;
    fields[C.leafSin / 4] = leafSin.byteOffset;
    fields[C.leafStart / 4] = leafTables.start.byteOffset;
    fields[C.leafEnd / 4] = leafTables.end.byteOffset;
    fields[C.meanRows / 4] = mean.values.byteOffset;
    fields[C.meanMeta / 4] = mean.meta.byteOffset;
    fields[C.rows / 4] = rows.values.byteOffset;
    fields[C.rowMeta / 4] = rows.meta.byteOffset;
    fields[C.own / 4] = layout.toLeafCentre.byteOffset;
    fields[C.headCos / 4] = headCos.byteOffset;
    fields[C.headSin / 4] = headSin.byteOffset;
    fields[C.reachCos / 4] = reachCos.byteOffset;
    fields[C.stride / 4] = rows.stride;
    block[C.slack / 8] = QUANTIZED_COS_SLACK;
    block[C.cosRound / 8] = COS_SLACK;
    block[C.reachRound / 8] = REACH_COS_SLACK;
    return { at: block.byteOffset, reachCos, free: () => blocks.forEach((view) => kernel.free(view)) };
  }

  private walkNodePairs(other: ConeTree, scratch: WalkScratch): void {
    const self = other === this;
    const { dim, calls } = this;
    const A = this.layout,
      B = other.layout;
    const LA = this.leaves,
      LB = other.leaves;
    const { limit } = scratch;
    const centresA = this.at.centres,
      centresB = other.at.centres,
      rowBytes = dim * 4;
    const stackA: number[] = [0];
    const stackB: number[] = [0];
    while (stackA.length > 0) {
      const a = stackA.pop()!;
      const b = stackB.pop()!;
      if (self && a === b) {
        const leaves = LA.hi[a] - LA.lo[a];
        if (A.left[a] < 0) {
          this.leafSelfPairs(a, scratch);
        } else if ((leaves * leaves) / 2 <= FLAT_LEAF_PAIRS) {
          this.flatPairs(a, this, a, scratch);
        } else {
          stackA.push(A.left[a], A.right[a], A.left[a]);
          stackB.push(A.left[a], A.right[a], A.right[a]);
        }
        continue;
      }
      const between = angleOf(
        calls.dot(centresA + a * rowBytes, centresB + b * rowBytes, dim) * A.centreInvNorm[a] * B.centreInvNorm[b],
      );
      if (between - A.apertures[a] - B.apertures[b] > limit) continue;
      const aLeaf = A.left[a] < 0,
        bLeaf = B.left[b] < 0;
      if (aLeaf && bLeaf) {
        this.leafCrossPairs(a, other, b, between, scratch);
      } else if ((LA.hi[a] - LA.lo[a]) * (LB.hi[b] - LB.lo[b]) <= FLAT_LEAF_PAIRS) {
        this.flatPairs(a, other, b, scratch);
      } else if (!aLeaf && (bLeaf || A.apertures[a] >= B.apertures[b])) {
        stackA.push(A.left[a], A.right[a]);
        stackB.push(b, b);
      } else {
        stackA.push(a, a);
        stackB.push(B.left[b], B.right[b]);
      }
    }
  }

  /** Every leaf of node a (this tree) against every leaf of node b (other); a === b on a self-join: each pair once. */
  private flatPairs(a: number, other: ConeTree, b: number, scratch: WalkScratch): void {
    const self = other === this && a === b;
    const { dim } = this;
    const A = this.layout,
      B = other.layout;
    const LA = this.leaves,
      LB = other.leaves;
    const { limit, handed, cosSlack } = scratch;
    for (let x = LA.lo[a]; x < LA.hi[a]; x++) {
      const leafA = LA.list[x];
      if (self) this.leafSelfPairs(leafA, scratch);
      const first = self ? x + 1 : LB.lo[b];
      const count = LB.hi[b] - first;
      if (count <= 0) continue;
      // Leaf A against every leaf of the range in one kernel call (leaf-settle.ts), which rules out
      // most of them with bound dots; the rest get the full search.
      const left = this.calls.settleLeafRange(scratch.contextA, scratch.contextB, x, first, count, scratch.handedAt);
      for (let k = 0; k < left; k++) {
        const leafB = LB.list[handed[k]];
        const cos =
          this.calls.boundDot(this.at.centres + leafA * dim * 4, other.at.centres + leafB * dim * 4, dim) *
            A.centreInvNorm[leafA] *
            B.centreInvNorm[leafB] +
          cosSlack;
        const between = angleOf(cos);
        if (between - A.apertures[leafA] - B.apertures[leafB] > limit) continue;
        this.leafCrossPairs(leafA, other, leafB, between, scratch);
      }
    }
  }

  private largestLeaf(): number {
    let most = 0;
    for (const leaf of this.leaves.list) most = Math.max(most, this.layout.end[leaf] - this.layout.start[leaf]);
    return most;
  }

  private leafSelfPairs(leaf: number, scratch: WalkScratch): void {
    const { dim, rowAt } = this;
    const { ids, start, end } = this.layout;
    const { eps, visit, pointDots } = scratch;
    for (let p = start[leaf]; p + 1 < end[leaf]; p++) {
      // Point p against the rest of its leaf, in one kernel call.
      const count = end[leaf] - p - 1;
      this.calls.dotList(
        this.at.data + rowAt[p] * 4,
        this.at.data,
        this.at.rowAt + (p + 1) * 4,
        count,
        dim,
        scratch.pointDotsAt,
      );
      for (let k = 0; k < count; k++) {
        if (isWithin(pointDots[k], eps)) visit(ids[p], ids[p + 1 + k], pointDots[k]);
      }
    }
  }

  /**
   * Points in a leaf are sorted by their angle to its centre, widest first, so the free bound
   * angle(x, y) >= between - angle(x, cA) - angle(y, cB) is weakest for the two lists' heads.
   * While it does not rule out the heads, the wider head is settled with one dot, to the other
   * leaf's centre: angle(x, y) >= angle(x, cB) - angle(y, cB) leaves it only the other leaf's
   * points at least angle(x, cB) - limit from their centre (a prefix of that list, usually
   * empty), which are checked one by one. Then it leaves its list, whose next head is narrower.
   * A leaf pair that only an outlying face kept apart costs a dot or two; each pair of points
   * is looked at once, when the first of them is settled.
   */
  private leafCrossPairs(a: number, other: ConeTree, b: number, between: number, scratch: WalkScratch): void {
    const { eps, limit, visit, pointDots } = scratch;
    const { dim } = this;
    const A = this.layout,
      B = other.layout;
    const reachA = scratch.reachCosA,
      reachB = scratch.reachCosB;
    const atA = this.at.data,
      atB = other.at.data,
      rowA = this.rowAt,
      rowB = other.rowAt,
      ownA = A.toLeafCentre,
      ownB = B.toLeafCentre;
    const endA = A.end[a],
      endB = B.end[b];
    let p = A.start[a],
      q = B.start[b];
    while (p < endA && q < endB && between - ownA[p] - ownB[q] <= limit) {
      if (ownA[p] >= ownB[q]) {
        // Settle A's head against B's remaining points: none when it lies farther from B's centre
        // than B's head reaches (most heads; a cosine test, no acos).
        const cos = this.cosTo(p, other, b, scratch.cosSlack);
        let r = q;
        if (cos >= reachB[q] - REACH_COS_SLACK) {
          const reach = angleOf(cos) - limit;
          const cheap = between - ownA[p] - limit;
          while (r < endB && ownB[r] >= reach && ownB[r] >= cheap) r++;
        }
        if (r > q) {
          this.calls.dotList(atA + rowA[p] * 4, atB, other.at.rowAt + q * 4, r - q, dim, scratch.pointDotsAt);
          for (let k = 0; k < r - q; k++) {
            if (isWithin(pointDots[k], eps)) visit(A.ids[p], B.ids[q + k], pointDots[k]);
          }
        }
        p++;
      } else {
        const cos = other.cosTo(q, this, a, scratch.cosSlack);
        let r = p;
        if (cos >= reachA[p] - REACH_COS_SLACK) {
          const reach = angleOf(cos) - limit;
          const cheap = between - ownB[q] - limit;
          while (r < endA && ownA[r] >= reach && ownA[r] >= cheap) r++;
        }
        if (r > p) {
          // dot(b, a) is dot(a, b) bit for bit: the same products (multiplication commutes), summed alike.
          this.calls.dotList(atB + rowB[q] * 4, atA, this.at.rowAt + p * 4, r - p, dim, scratch.pointDotsAt);
          for (let k = 0; k < r - p; k++) {
            if (isWithin(pointDots[k], eps)) visit(A.ids[p + k], B.ids[q], pointDots[k]);
          }
        }
        q++;
      }
    }
  }

  /**
   * An upper bound on the cosine between the point at position p of this tree and the centre of
   * `node` in `tree`: a bound dot (bound-dots.ts) moved up by its error bound, `slack`.
   */
  private cosTo(p: number, tree: ConeTree, node: number, slack: number): number {
    const dot = this.calls.boundDot(this.at.data + this.rowAt[p] * 4, tree.at.centres + node * tree.dim * 4, tree.dim);
    return dot * this.invNorm[p] * tree.layout.centreInvNorm[node] + slack;
  }
}

/**
 * The matrix behind `points` when row i is the view at offset i * dim of one buffer in the
 * kernel's memory, else null.
 */
function sharedMatrix(points: readonly Embedding[], dim: number): Float32Array | null {
  if (points.length === 0 || !KernelMemory.of(points[0])) return null;
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

/** Node pairs with at most this many leaf pairs are scanned leaf by leaf (walkPairs). */
const FLAT_LEAF_PAIRS = 1024;

/** Rounding in a dot product of two float32 unit rows and in cos/sin, far below ANGLE_SLACK's effect. */
const COS_SLACK = 1e-9;

/** Covers float64 rounding in Math.cos, so that the cosine test never settles a head acos would not. */
const REACH_COS_SLACK = 1e-12;

interface WalkScratch {
  eps: number;
  limit: number;
  visit: PairVisitor;
  /** Kernel results: a point against points (and its byte address). */
  pointDots: Float64Array;
  pointDotsAt: number;
  /** The leaves of the other tree a leaf-pair test in the kernel hands back (and its byte address). */
  handed: Int32Array;
  handedAt: number;
  /** The byte addresses of the trees' leaf-settle contexts (the same on a self-join). */
  contextA: number;
  contextB: number;
  /** cos(angle to its leaf centre + limit) per position of this tree and of the other. */
  reachCosA: Float64Array;
  reachCosB: Float64Array;
  /** How far a bound dot's cosine may be off (bound-dots.ts) plus the cosine's own rounding. */
  cosSlack: number;
}

/** The quantized copies the kernel's leaf-pair test reads (leaf-settle.ts, quantized-dots.ts). */
interface LeafTables {
  /** Per leaf, in leaf-list order: the narrowest cone's centre found (cone-tree-build.ts), int16. */
  tight: QuantizedRows;
  /** Per leaf: the mean centre the points' angles are measured to, int16. */
  mean: QuantizedRows;
  /** Per leaf: its positions. */
  start: Int32Array;
  end: Int32Array;
  /** Per position: the point's row, int8. */
  rows: QuantizedRows;
}

/** Frees a collected tree's blocks in the kernel's memory (one not disposed). */
const released = new FinalizationRegistry<{ kernel: KernelMemory; blocks: number[] }>(({ kernel, blocks }) =>
  blocks.forEach((start) => kernel.freeAt(start)),
);

interface LeafRanges {
  /** Leaf node ids in position order. */
  list: Int32Array;
  /** Node n's leaves are list[lo[n]..hi[n]). */
  lo: Int32Array;
  hi: Int32Array;
}

/** A subtree covers a contiguous run of positions, so its leaves are a contiguous run of `list`. */
function leafRanges(layout: TreeLayout): LeafRanges {
  const nodes = layout.start.length;
  const leaves: number[] = [];
  for (let node = 0; node < nodes; node++) if (layout.left[node] < 0) leaves.push(node);
  const list = Int32Array.from(leaves.sort((x, y) => layout.start[x] - layout.start[y]));
  const firstAt = (position: number): number => {
    let lo = 0,
      hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (layout.start[list[mid]] < position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const lo = new Int32Array(nodes),
    hi = new Int32Array(nodes);
  for (let node = 0; node < nodes; node++) {
    lo[node] = firstAt(layout.start[node]);
    hi[node] = firstAt(layout.end[node]);
  }
  return { list, lo, hi };
}
