/**
 * Vector basics over L2-normalised embeddings (any dimension). For unit vectors cosine
 * similarity is the dot product and cosine distance is 1 - dot.
 */
import { FrsError } from '../errors.js';

export type Embedding = Float32Array;

/*
 * Dot products of a[aOffset..+length) and b[bOffset..+length), one copy per array type:
 * V8 only compiles tight loops for element loads of a single array type. Every
 * embedding-to-embedding similarity goes through dotF32, so that indexed and brute-force
 * searches compute bit-identical values (same terms, same summation order).
 */
export function dotF32(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, length: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let k = 0;
  for (; k + 3 < length; k += 4) {
    s0 += a[aOffset + k] * b[bOffset + k];
    s1 += a[aOffset + k + 1] * b[bOffset + k + 1];
    s2 += a[aOffset + k + 2] * b[bOffset + k + 2];
    s3 += a[aOffset + k + 3] * b[bOffset + k + 3];
  }
  for (; k < length; k++) s0 += a[aOffset + k] * b[bOffset + k];
  return s0 + s1 + (s2 + s3);
}

export function dotF64(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, length: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let k = 0;
  for (; k + 3 < length; k += 4) {
    s0 += a[aOffset + k] * b[bOffset + k];
    s1 += a[aOffset + k + 1] * b[bOffset + k + 1];
    s2 += a[aOffset + k + 2] * b[bOffset + k + 2];
    s3 += a[aOffset + k + 3] * b[bOffset + k + 3];
  }
  for (; k < length; k++) s0 += a[aOffset + k] * b[bOffset + k];
  return s0 + s1 + (s2 + s3);
}

export function dotF32F64(a: Float32Array, aOffset: number, b: Float64Array, bOffset: number, length: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let k = 0;
  for (; k + 3 < length; k += 4) {
    s0 += a[aOffset + k] * b[bOffset + k];
    s1 += a[aOffset + k + 1] * b[bOffset + k + 1];
    s2 += a[aOffset + k + 2] * b[bOffset + k + 2];
    s3 += a[aOffset + k + 3] * b[bOffset + k + 3];
  }
  for (; k < length; k++) s0 += a[aOffset + k] * b[bOffset + k];
  return s0 + s1 + (s2 + s3);
}

export function dot(a: Embedding, b: Embedding): number {
  if (a.length !== b.length)
    throw new FrsError('INVALID_INPUT', `Embeddings differ in dimension (${a.length} vs ${b.length}).`);
  return dotF32(a, 0, b, 0, a.length);
}

/** 1 - cosine similarity, for unit vectors: 0 (same direction) .. 2 (opposite). */
export function cosineDistance(a: Embedding, b: Embedding): number {
  return 1 - dot(a, b);
}

/** The range predicate shared by the index and brute force, so both agree exactly. */
export function isWithin(similarity: number, eps: number): boolean {
  return 1 - similarity <= eps;
}

export function norm(v: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < v.length; k++) sum += v[k] * v[k];
  return Math.sqrt(sum);
}

/** A unit-length copy; a zero vector has no direction and is refused. */
export function normalise(v: ArrayLike<number>): Embedding {
  const n = norm(v);
  if (!(n > 0) || !Number.isFinite(n))
    throw new FrsError('INVALID_INPUT', 'Cannot normalise a zero or non-finite vector.');
  const out = new Float32Array(v.length);
  for (let k = 0; k < v.length; k++) out[k] = v[k] / n;
  return out;
}

/** Normalised mean direction of a set of embeddings (the person "centroid"). */
export function centroid(vectors: readonly ArrayLike<number>[]): Embedding {
  if (vectors.length === 0) throw new FrsError('INVALID_INPUT', 'A centroid needs at least one embedding.');
  const dim = vectors[0].length;
  const sum = new Float64Array(dim);
  for (const v of vectors) {
    if (v.length !== dim)
      throw new FrsError('INVALID_INPUT', `Embeddings differ in dimension (${v.length} vs ${dim}).`);
    for (let k = 0; k < dim; k++) sum[k] += v[k];
  }
  return normalise(sum);
}

/** Refuses empty, ragged, non-finite or non-unit input up front, naming the culprit. */
/** assertUnitVectors for the rows of a matrix (rows of dim floats), without a view per row. */
export function assertUnitRows(matrix: Float32Array, dim: number, tolerance = 1e-3): void {
  for (let i = 0; i * dim < matrix.length; i++)
    assertUnitNorm(i, Math.sqrt(dotF32(matrix, i * dim, matrix, i * dim, dim)), tolerance);
}

function assertUnitNorm(index: number, n: number, tolerance: number): void {
  if (!Number.isFinite(n) || Math.abs(n - 1) > tolerance)
    throw new FrsError('INVALID_INPUT', `Embedding ${index} is not L2-normalised (norm ${n}).`);
}

export function assertUnitVectors(vectors: readonly ArrayLike<number>[], tolerance = 1e-3): number {
  if (vectors.length === 0) return 0;
  const dim = vectors[0].length;
  if (dim === 0) throw new FrsError('INVALID_INPUT', 'Embeddings must have at least one dimension.');
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i];
    if (v.length !== dim)
      throw new FrsError('INVALID_INPUT', `Embedding ${i} has ${v.length} dimensions, expected ${dim}.`);
    assertUnitNorm(i, norm(v), tolerance);
  }
  return dim;
}
