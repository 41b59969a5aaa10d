/**
 * Builds the cone tree's layout: leaves are tight leader groups (chunked to a maximum
 * size), and a binary hierarchy over the leaves is made by splitting them top-down by
 * nearest pole. Every node's cone (centre direction, aperture) is fitted to its actual
 * points, which is what makes the search exact whatever the grouping.
 */
import { dotF32, dotF64 } from './cosine.js';
import { mergedLeaderGroups } from './leader-groups.js';
import { inKernelMemory, type KernelMemory } from './simd/kernel-memory.js';

export interface TreeLayout {
  /** Tree position -> input index; each leaf's points are contiguous. */
  ids: Int32Array;
  /** Angle of each point (by position) to its leaf's centre; descending within a leaf. */
  toLeafCentre: Float64Array;
  start: Int32Array;
  end: Int32Array;
  /** Children; -1 marks a leaf. */
  left: Int32Array;
  right: Int32Array;
  /** Centre directions, stored in float32 (half the memory traffic of the pair walk). */
  centres: Float32Array;
  /** 1 / norm of each stored centre: float32 rounding leaves them a hair off unit length. */
  centreInvNorm: Float64Array;
  apertures: Float64Array;
  /**
   * Per node, a narrower cone around the same points (tightCone; inner nodes repeat the mean's),
   * for the leaf-pair tests. Points' angles (toLeafCentre) stay measured to the mean centre. The
   * cone tree keeps only a quantized copy of the leaves' centres and empties this one.
   */
  tightCentres: Float32Array;
  tightApertures: Float64Array;
}

export function angleOf(cos: number): number {
  return Math.acos(cos > 1 ? 1 : cos < -1 ? -1 : cos);
}

/** Unit direction rows (float64) for the given input points. */
function directions(
  source: Float32Array,
  invNorm: Float64Array,
  dim: number,
  members: readonly number[],
): Float64Array {
  const rows = new Float64Array(members.length * dim);
  members.forEach((i, r) => {
    for (let k = 0; k < dim; k++) rows[r * dim + k] = source[i * dim + k] * invNorm[i];
  });
  return rows;
}

/**
 * Scales `vector` to unit length in place and returns the length it had; one that is (almost) zero
 * is left as it is and 0 returned, for the caller to fall back on something else.
 */
function scaleToUnit(vector: Float64Array): number {
  const length = Math.sqrt(dotF64(vector, 0, vector, 0, vector.length));
  if (!(length > 1e-12)) return 0;
  for (let k = 0; k < vector.length; k++) vector[k] /= length;
  return length;
}

/** Normalised sum of unit rows; falls back to the first row when they cancel out. */
function meanRow(rows: Float64Array, items: ArrayLike<number>, lo: number, hi: number, dim: number): Float64Array {
  const centre = new Float64Array(dim);
  for (let p = lo; p < hi; p++) {
    const r = items[p] * dim;
    for (let k = 0; k < dim; k++) centre[k] += rows[r + k];
  }
  if (scaleToUnit(centre) === 0) {
    centre.set(rows.subarray(items[lo] * dim, items[lo] * dim + dim));
    scaleToUnit(centre);
  }
  return centre;
}

/**
 * Reorders items[lo..hi) (indices of unit rows) so that those nearer pole a come first;
 * a is the row farthest from the centre, b the row farthest from a. Returns the split
 * index, always strictly inside the range.
 */
function splitByPoles(
  items: Int32Array,
  lo: number,
  hi: number,
  rows: Float64Array,
  dim: number,
  centre: Float64Array,
): number {
  let a = items[lo],
    lowest = Infinity;
  for (let p = lo; p < hi; p++) {
    const s = dotF64(rows, items[p] * dim, centre, 0, dim);
    if (s < lowest) {
      lowest = s;
      a = items[p];
    }
  }
  let b = a;
  lowest = Infinity;
  for (let p = lo; p < hi; p++) {
    const s = dotF64(rows, items[p] * dim, rows, a * dim, dim);
    if (s < lowest) {
      lowest = s;
      b = items[p];
    }
  }
  let mid = lo;
  for (let p = lo; p < hi; p++) {
    const r = items[p] * dim;
    if (dotF64(rows, r, rows, a * dim, dim) >= dotF64(rows, r, rows, b * dim, dim)) {
      const t = items[mid];
      items[mid] = items[p];
      items[p] = t;
      mid++;
    }
  }
  // Identical poles put everything on one side; halving still makes progress.
  return mid === lo || mid === hi ? (lo + hi) >> 1 : mid;
}

/** Splits an oversized group into pieces of at most maxSize points. */
function chunk(group: number[], maxSize: number, source: Float32Array, invNorm: Float64Array, dim: number): number[][] {
  if (group.length <= maxSize) return [group];
  const rows = directions(source, invNorm, dim, group);
  const items = Int32Array.from(group.keys());
  const pieces: number[][] = [];
  const pending: [number, number][] = [[0, group.length]];
  while (pending.length > 0) {
    const [lo, hi] = pending.pop()!;
    if (hi - lo <= maxSize) {
      pieces.push(Array.from(items.subarray(lo, hi), (r) => group[r]));
      continue;
    }
    const mid = splitByPoles(items, lo, hi, rows, dim, meanRow(rows, items, lo, hi, dim));
    pending.push([mid, hi], [lo, mid]);
  }
  return pieces;
}

/**
 * Normalised mean direction of input points, summed straight from the packed source, and the
 * length of their sum (what the direction weighs in a mean over more points).
 */
function meanDirection(
  source: Float32Array,
  invNorm: Float64Array,
  dim: number,
  members: readonly number[],
): { centre: Float64Array; length: number } {
  const centre = new Float64Array(dim);
  for (const i of members) {
    const scale = invNorm[i];
    for (let k = 0; k < dim; k++) centre[k] += source[i * dim + k] * scale;
  }
  const length = scaleToUnit(centre);
  if (length === 0) {
    // Directions cancel out (e.g. two opposite points): any member's will do.
    for (let k = 0; k < dim; k++) centre[k] = source[members[0] * dim + k];
    scaleToUnit(centre);
  }
  return { centre, length };
}

/**
 * The mean direction of the atoms order[lo..hi) (rows of unit means, each weighing the length
 * of its members' sum): the mean of all their members, without reading every member again at
 * every level of the tree (a third of a 1M-face build did).
 */
function meanOfAtoms(
  atomRows: Float64Array,
  atomWeights: Float64Array,
  order: Int32Array,
  lo: number,
  hi: number,
  dim: number,
): Float64Array | null {
  if (hi - lo === 1) return atomRows.subarray(order[lo] * dim, order[lo] * dim + dim);
  const centre = new Float64Array(dim);
  for (let a = lo; a < hi; a++) {
    const row = order[a] * dim,
      weight = atomWeights[order[a]];
    for (let k = 0; k < dim; k++) centre[k] += atomRows[row + k] * weight;
  }
  return scaleToUnit(centre) > 0 ? centre : null;
}

/**
 * A narrower cone than the mean's, `meanCone`: near the smallest enclosing one, by reweighting the
 * mean towards the members that lie widest (multiplicative weights). In 128-d a leaf's mean leaves
 * its widest face about 5 degrees farther than needed (29.6 against 24.2 degrees on the bulk
 * library's leaves), and leaf-pair tests are about apA + apB: the narrower cones rule out most
 * of the leaf pairs the mean's let through (bench/results/scale.md, session 8).
 */
function tightCone(meanCone: Cone, members: readonly number[], rows: ConeRows): Cone {
  const { source, invNorm, dim } = rows;
  let best = meanCone,
    current = meanCone;
  const weights = new Float64Array(members.length).fill(1);
  const sum = new Float64Array(dim);
  for (let round = 0; round < TIGHT_ROUNDS; round++) {
    sum.fill(0);
    members.forEach((i, r) => {
      const ratio = current.angles[r] / (current.aperture || 1);
      weights[r] *= ratio * ratio;
      const scale = weights[r] * invNorm[i];
      for (let k = 0; k < dim; k++) sum[k] += source[i * dim + k] * scale;
    });
    if (scaleToUnit(sum) === 0) break;
    current = coneAround(Float32Array.from(sum), members, rows);
    if (current.aperture < best.aperture) best = current;
  }
  return best;
}

/** Rounds of reweighting: 10 come within about 0.4 degrees of 300 rounds of Badoiu-Clarkson on 128-d leaves. */
const TIGHT_ROUNDS = 10;

interface Cone {
  centre: Float32Array;
  inverse: number;
  /** Each member's angle to the centre, and the widest. */
  angles: Float64Array;
  aperture: number;
}

/**
 * The cone with this centre around the members: each member's angle to it and the widest. Angles
 * are measured to the centre as stored (float32, with its own inverse norm), so the bounds hold
 * for exactly what the searches read.
 */
function coneAround(centre: Float32Array, members: readonly number[], rows: ConeRows): Cone {
  const { source, invNorm, dim } = rows;
  const inverse = 1 / Math.sqrt(dotF32(centre, 0, centre, 0, dim));
  const angles = new Float64Array(members.length);
  // Every member against the centre in one kernel call (dotF32's values: dot-kernel.ts).
  const { memory, row, offsets, dots } = rows;
  row.set(centre);
  members.forEach((i, r) => (offsets[r] = i * dim));
  memory.calls.dotList(row.byteOffset, source.byteOffset, offsets.byteOffset, members.length, dim, dots.byteOffset);
  let aperture = 0;
  members.forEach((i, r) => {
    angles[r] = angleOf(dots[r] * invNorm[i] * inverse);
    if (angles[r] > aperture) aperture = angles[r];
  });
  return { centre, inverse, angles, aperture };
}

/**
 * The rows cones are fitted to (unit length once scaled by invNorm), and coneAround's kernel
 * buffers in the memory of the rows: room for every point.
 */
interface ConeRows {
  source: Float32Array;
  invNorm: Float64Array;
  dim: number;
  memory: KernelMemory;
  row: Float32Array;
  offsets: Int32Array;
  dots: Float64Array;
}

export interface BuildOptions {
  leafSize: number;
  /** Cosine similarity a point needs with a leader to join its group. */
  groupMinCos: number;
}

export function buildLayout(
  source: Float32Array,
  invNorm: Float64Array,
  dim: number,
  options: BuildOptions,
): TreeLayout {
  // The rows where the kernel reads them (the cone tree's always are), and coneAround's buffers beside them.
  const rows = inKernelMemory(source);
  const { memory } = rows;
  const n = invNorm.length;
  const coneRows: ConeRows = {
    source: rows.view,
    invNorm,
    dim,
    memory,
    row: memory.f32(dim),
    offsets: memory.i32(n),
    dots: memory.f64(n),
  };
  try {
    return layoutOf(coneRows, options);
  } finally {
    memory.free(coneRows.dots);
    memory.free(coneRows.offsets);
    memory.free(coneRows.row);
    rows.release();
  }
}

function layoutOf(rows: ConeRows, options: BuildOptions): TreeLayout {
  const { source, invNorm, dim } = rows;
  const n = invNorm.length;
  // A set that fits one leaf needs no leaders: their random projections (64 x dim per build) cost
  // more than the whole search over a few dozen points, and incremental grouping builds many such trees.
  const groups =
    n <= options.leafSize
      ? [Array.from({ length: n }, (_, i) => i)]
      : mergedLeaderGroups(source, invNorm, dim, options.groupMinCos);
  const atoms = groups.flatMap((g) => chunk(g, options.leafSize, source, invNorm, dim));
  const atomRows = new Float64Array(atoms.length * dim);
  const atomWeights = new Float64Array(atoms.length);
  atoms.forEach((members, a) => {
    const { centre, length } = meanDirection(source, invNorm, dim, members);
    atomRows.set(centre, a * dim);
    atomWeights[a] = length;
  });

  const ids = new Int32Array(n);
  const toLeafCentre = new Float64Array(n);
  // Every inner node splits its atoms in two (splitByPoles), so there are 2 atoms - 1 nodes. Typed
  // from the start: a million faces' centres as a plain array were 150 MB of heap.
  const nodes = Math.max(0, 2 * atoms.length - 1);
  const start = new Int32Array(nodes),
    end = new Int32Array(nodes),
    left = new Int32Array(nodes).fill(-1),
    right = new Int32Array(nodes).fill(-1);
  const centres = new Float32Array(nodes * dim),
    centreInvNorm = new Float64Array(nodes),
    apertures = new Float64Array(nodes);
  const tightCentres = new Float32Array(nodes * dim),
    tightApertures = new Float64Array(nodes);
  let nodeCount = 0;
  const newNode = (): number => nodeCount++;

  const order = Int32Array.from(atoms.keys());
  let position = 0;
  // Depth-first, left before right, so every subtree covers a contiguous run of positions.
  const pending: [number, number, number][] = n === 0 ? [] : [[newNode(), 0, atoms.length]];
  while (pending.length > 0) {
    const [node, lo, hi] = pending.pop()!;
    const members: number[] = [];
    for (let a = lo; a < hi; a++) for (const i of atoms[order[a]]) members.push(i);
    const mean =
      meanOfAtoms(atomRows, atomWeights, order, lo, hi, dim) ?? meanDirection(source, invNorm, dim, members).centre;
    const cone = coneAround(Float32Array.from(mean), members, rows);
    const { centre, inverse, angles, aperture } = cone;
    // Leaves get a second, narrower cone for the leaf-pair tests; inner nodes repeat their own.
    const tight = hi - lo === 1 ? tightCone(cone, members, rows) : cone;
    tightCentres.set(tight.centre, node * dim);
    tightApertures[node] = tight.aperture;
    centres.set(centre, node * dim);
    centreInvNorm[node] = inverse;
    apertures[node] = aperture;
    start[node] = position;
    end[node] = position + members.length;
    if (hi - lo === 1) {
      const byAngle = members.map((_, r) => r).sort((x, y) => angles[y] - angles[x] || x - y);
      for (const r of byAngle) {
        ids[position] = members[r];
        toLeafCentre[position] = angles[r];
        position++;
      }
      continue;
    }
    const mid = splitByPoles(order, lo, hi, atomRows, dim, Float64Array.from(centre));
    left[node] = newNode();
    right[node] = newNode();
    pending.push([right[node], mid, hi], [left[node], lo, mid]);
  }
  return {
    ids,
    toLeafCentre,
    start,
    end,
    left,
    right,
    centres,
    centreInvNorm,
    apertures,
    tightCentres,
    tightApertures,
  };
}
