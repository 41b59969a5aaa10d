/**
 * Integer copies of rows for pruning bounds: the cone tree's leaf-pair test (leaf-settle.ts)
 * compares each face with other leaves' centres billions of times in a first recluster at 1M
 * faces. A face as 8-bit integers is a quarter of its float32 row's memory traffic, and integer
 * SIMD dots (i32x4.dot_i16x8_s) take half the instructions of the float32 bound dots.
 *
 * A row v is stored as q = round(v * S) with its own scale S, and three float32 numbers:
 * k = 1 / (S |v|), e = |v - q / S| / |v| and m = |q / S| / |v| (e and m rounded up). For two
 * rows a and c (exactly, as real numbers):
 *   a . c = (q_a / S_a) . (q_c / S_c) + e_a-vector . c + (q_a / S_a) . e_c-vector,
 * so by Cauchy-Schwarz their cosine is at most
 *   (q_a . q_c) k_a k_c + e_a + m_a e_c + QUANTIZED_COS_SLACK,
 * where q_a . q_c is an exact integer (no overflow: see the scales below) and the slack covers
 * float32 k and the float64 products. The result only ever rules pairs out; every reported pair
 * is still confirmed with the exact float64 kernel (dot-kernel.ts).
 *
 * Faces are 8-bit (S = 127 / max |v_k|: about 0.01 of cosine error on 128-d unit rows), centres
 * 16-bit (S = min(32767 / max |v_k|, 46000 / |v|), so |q| <= 46000 and every partial sum of
 * q_a . q_c stays below 2^31; error about 1e-4). Rows are padded with zeros to a multiple of 16.
 */
import { advance, F64, I32, op, V128, type FunctionDef } from './wasm-emitter.js';
import type { KernelMemory } from './kernel-memory.js';

/** Covers float32 k (relative 2^-24 each) and the float64 arithmetic of the bound. */
export const QUANTIZED_COS_SLACK = 1e-6;

/** Elements per quantized row: dim rounded up to a multiple of 16 (one v128 of int8). */
export function paddedLength(dim: number): number {
  return Math.ceil(dim / 16) * 16;
}

/** Float32 numbers per row in a quantized copy's meta table: k, e, m. */
export const META = 3;

export interface QuantizedRows {
  values: Int8Array | Int16Array;
  /** k, e, m per row (see above). */
  meta: Float32Array;
  /** Elements per row (paddedLength(dim)). */
  stride: number;
}

/**
 * Quantized copies, in `memory`, of `count` rows of `source` (row r starting at offsetOf(r)),
 * as int8 (faces) or int16 (centres). The caller frees values and meta.
 */
export function quantizeRows(
  source: Float32Array,
  offsetOf: (row: number) => number,
  count: number,
  dim: number,
  bits: 8 | 16,
  memory: KernelMemory,
): QuantizedRows {
  const stride = paddedLength(dim);
  const values = bits === 8 ? memory.i8(count * stride) : memory.i16(count * stride);
  const meta = memory.f32(count * META);
  // The padding must be zeros, and reused memory is not.
  values.fill(0);
  for (let r = 0; r < count; r++) quantizeRow(source, offsetOf(r), dim, bits, values, r * stride, meta, r * META);
  return { values, meta, stride };
}

const up = (x: number): number => Math.fround(x * (1 + 1e-6));

function quantizeRow(
  source: Float32Array,
  at: number,
  dim: number,
  bits: 8 | 16,
  out: Int8Array | Int16Array,
  outAt: number,
  meta: Float32Array,
  metaAt: number,
): void {
  let most = 0,
    squares = 0;
  for (let k = 0; k < dim; k++) {
    const v = source[at + k];
    most = Math.max(most, Math.abs(v));
    squares += v * v;
  }
  const norm = Math.sqrt(squares);
  if (!(most > 0) || !Number.isFinite(norm)) {
    // A zero row bounds nothing: k = 0 and e = 1 make its bound cosine at least 1 (never rules out).
    meta.set([0, 1, 0], metaAt);
    return;
  }
  const scale = bits === 8 ? 127 / most : Math.min(32767 / most, 46000 / norm);
  const limit = bits === 8 ? 127 : 32767;
  let error = 0,
    length = 0;
  for (let k = 0; k < dim; k++) {
    const v = source[at + k];
    const q = Math.max(-limit, Math.min(limit, Math.round(v * scale)));
    out[outAt + k] = q;
    error += (v - q / scale) ** 2;
    length += (q / scale) ** 2;
  }
  meta[metaAt] = 1 / (scale * norm);
  meta[metaAt + 1] = up(Math.sqrt(error) / norm);
  meta[metaAt + 2] = up(Math.sqrt(length) / norm);
}

/**
 * dotI8I16(a, c, length) -> i32: an int8 row against an int16 row (length a multiple of 16);
 * dotI16(a, b, length) -> i32: two int16 rows (length a multiple of 8); quantizedCos(dot, metaA,
 * metaB, slack) -> f64: the cosine bound above from an integer dot and the rows' meta addresses.
 */
export function quantizedDotDefs(): FunctionDef[] {
  const sumLanes = (acc: number): number[] => [
    ...op.localGet(acc),
    ...op.i32x4ExtractLane(0),
    ...op.localGet(acc),
    ...op.i32x4ExtractLane(1),
    ...op.i32Add,
    ...op.localGet(acc),
    ...op.i32x4ExtractLane(2),
    ...op.localGet(acc),
    ...op.i32x4ExtractLane(3),
    ...op.i32Add,
    ...op.i32Add,
  ];
  // Locals: 3 end of a, 4 accumulator.
  const dotI8I16: FunctionDef = {
    name: 'dotI8I16',
    params: [I32, I32, I32],
    results: [I32],
    locals: [I32, V128],
    body: [
      [...op.localGet(0), ...op.localGet(2), ...op.i32Add, ...op.localSet(3)],
      [...op.block, ...op.loop],
      [...op.localGet(0), ...op.localGet(3), ...op.i32GeU, ...op.brIf(1)],
      [...op.localGet(4), ...op.localGet(0), ...op.v128Load(0), ...op.i16x8ExtendLowI8x16S],
      [...op.localGet(1), ...op.v128Load(0), ...op.i32x4DotI16x8S, ...op.i32x4Add],
      [...op.localGet(0), ...op.v128Load(0), ...op.i16x8ExtendHighI8x16S],
      [...op.localGet(1), ...op.v128Load(16), ...op.i32x4DotI16x8S, ...op.i32x4Add, ...op.localSet(4)],
      advance(0, 16),
      advance(1, 32),
      [...op.br(0), ...op.end, ...op.end],
      sumLanes(4),
    ],
  };
  // Locals: 3 end of a, 4 accumulator.
  const dotI16: FunctionDef = {
    name: 'dotI16',
    params: [I32, I32, I32],
    results: [I32],
    locals: [I32, V128],
    body: [
      [...op.localGet(0), ...op.localGet(2), ...op.i32Const(1), ...op.i32Shl, ...op.i32Add, ...op.localSet(3)],
      [...op.block, ...op.loop],
      [...op.localGet(0), ...op.localGet(3), ...op.i32GeU, ...op.brIf(1)],
      [...op.localGet(4), ...op.localGet(0), ...op.v128Load(0), ...op.localGet(1), ...op.v128Load(0)],
      [...op.i32x4DotI16x8S, ...op.i32x4Add, ...op.localSet(4)],
      advance(0, 16),
      advance(1, 16),
      [...op.br(0), ...op.end, ...op.end],
      sumLanes(4),
    ],
  };
  const metaAt = (local: number, field: 0 | 1 | 2): number[] => [
    ...op.localGet(local),
    ...op.f32Load(field * 4),
    ...op.f64PromoteF32,
  ];
  // Params: 0 dot, 1 metaA, 2 metaB, 3 slack.
  const quantizedCos: FunctionDef = {
    name: 'quantizedCos',
    params: [I32, I32, I32, F64],
    results: [F64],
    locals: [],
    body: [
      [...op.localGet(0), ...op.f64ConvertI32S, ...metaAt(1, 0), ...op.f64Mul, ...metaAt(2, 0), ...op.f64Mul],
      [...metaAt(1, 1), ...op.f64Add, ...metaAt(1, 2), ...metaAt(2, 1), ...op.f64Mul, ...op.f64Add],
      [...op.localGet(3), ...op.f64Add],
    ],
  };
  return [dotI8I16, dotI16, quantizedCos];
}
