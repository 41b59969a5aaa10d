/**
 * Dot products of float32 rows in WebAssembly SIMD, bit-identical to dotF32 (cosine.ts).
 *
 * Why identical: dotF32 multiplies float32 values as float64 (exact: 24-bit by 24-bit
 * significands fit in 53 bits), adds term k into one of four float64 sums s[k mod 4], the rest
 * (length mod 4) into s0, and returns s0 + s1 + (s2 + s3). The kernel does the same IEEE
 * operations in the same order: (s0, s1) and (s2, s3) are the lanes of two f64x2 accumulators,
 * each term widened with f64x2.promote_low_f32x4 and multiplied in float64; lane-wise f64x2.add
 * rounds exactly as the scalar add. So every path, kernel or JavaScript, computes the same
 * similarity for the same two rows (the grouping's incremental = batch argument needs that).
 *
 * Batches amortise the call from JavaScript: one row against a range of rows (a stride apart)
 * or a list of rows (by offset), results into `out`. All pointers are byte offsets into the
 * kernel's memory (kernel-memory.ts, which wraps these calls); rows are `length` float32.
 */
import { boundDotDef } from './bound-dots.js';
import { leafSettleDef } from './leaf-settle.js';
import { quantizedDotDefs } from './quantized-dots.js';
import { advance, emitModule, F64, I32, op, V128, type FunctionDef } from './wasm-emitter.js';

const DOT = 0;
const DOT2 = 1;

/** dot(a, b, length) -> f64. Locals: 3 end of the four-wide part, 4 end, 5/6 (s0,s1)/(s2,s3), 7 s0. */
const dotDef: FunctionDef = {
  name: 'dot',
  params: [I32, I32, I32],
  results: [F64],
  locals: [I32, I32, V128, V128, F64],
  body: [
    // end4 = a + (length & ~3) * 4; end = a + length * 4
    [...op.localGet(0), ...op.localGet(2), ...op.i32Const(-4), ...op.i32And, ...op.i32Const(2), ...op.i32Shl],
    [...op.i32Add, ...op.localSet(3)],
    [...op.localGet(0), ...op.localGet(2), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...op.localSet(4)],
    [...op.block, ...op.loop],
    [...op.localGet(0), ...op.localGet(3), ...op.i32GeU, ...op.brIf(1)],
    // (s0, s1) += widen(a[k], a[k+1]) * widen(b[k], b[k+1])
    [...op.localGet(5), ...op.localGet(0), ...op.v128Load64Zero(0), ...op.f64x2PromoteLowF32x4],
    [...op.localGet(1), ...op.v128Load64Zero(0), ...op.f64x2PromoteLowF32x4, ...op.f64x2Mul, ...op.f64x2Add],
    op.localSet(5),
    // (s2, s3) += widen(a[k+2], a[k+3]) * widen(b[k+2], b[k+3])
    [...op.localGet(6), ...op.localGet(0), ...op.v128Load64Zero(8), ...op.f64x2PromoteLowF32x4],
    [...op.localGet(1), ...op.v128Load64Zero(8), ...op.f64x2PromoteLowF32x4, ...op.f64x2Mul, ...op.f64x2Add],
    op.localSet(6),
    [...op.localGet(0), ...op.i32Const(16), ...op.i32Add, ...op.localSet(0)],
    [...op.localGet(1), ...op.i32Const(16), ...op.i32Add, ...op.localSet(1)],
    [...op.br(0), ...op.end, ...op.end],
    // The remainder goes into s0, as in dotF32.
    [...op.localGet(5), ...op.f64x2ExtractLane(0), ...op.localSet(7)],
    [...op.block, ...op.loop],
    [...op.localGet(0), ...op.localGet(4), ...op.i32GeU, ...op.brIf(1)],
    [...op.localGet(7), ...op.localGet(0), ...op.f32Load(0), ...op.f64PromoteF32],
    [...op.localGet(1), ...op.f32Load(0), ...op.f64PromoteF32, ...op.f64Mul, ...op.f64Add, ...op.localSet(7)],
    [...op.localGet(0), ...op.i32Const(4), ...op.i32Add, ...op.localSet(0)],
    [...op.localGet(1), ...op.i32Const(4), ...op.i32Add, ...op.localSet(1)],
    [...op.br(0), ...op.end, ...op.end],
    // s0 + s1 + (s2 + s3)
    [...op.localGet(7), ...op.localGet(5), ...op.f64x2ExtractLane(1), ...op.f64Add],
    [...op.localGet(6), ...op.f64x2ExtractLane(0), ...op.localGet(6), ...op.f64x2ExtractLane(1), ...op.f64Add],
    op.f64Add,
  ],
};

/** acc (f64x2 local) += widen(q's pair, in local qPair) * widen(two float32 at row + offset). */
const accumulate = (acc: number, qPair: number, row: number, offset: number): (readonly number[])[] => [
  [...op.localGet(acc), ...op.localGet(qPair), ...op.localGet(row), ...op.v128Load64Zero(offset)],
  [...op.f64x2PromoteLowF32x4, ...op.f64x2Mul, ...op.f64x2Add, ...op.localSet(acc)],
];

/** s (f64 local) += widen(q[k]) * widen(row[k]), q and row pointers in locals. */
const accumulateOne = (s: number, q: number, row: number): (readonly number[])[] => [
  [...op.localGet(s), ...op.localGet(q), ...op.f32Load(0), ...op.f64PromoteF32],
  [...op.localGet(row), ...op.f32Load(0), ...op.f64PromoteF32, ...op.f64Mul, ...op.f64Add, ...op.localSet(s)],
];

/** s0 + s1 + (s2 + s3) from s0 (f64 local) and the accumulators (s0', s1) and (s2, s3). */
const finish = (s0: number, acc01: number, acc23: number): (readonly number[])[] => [
  [...op.localGet(s0), ...op.localGet(acc01), ...op.f64x2ExtractLane(1), ...op.f64Add],
  [...op.localGet(acc23), ...op.f64x2ExtractLane(0), ...op.localGet(acc23), ...op.f64x2ExtractLane(1), ...op.f64Add],
  op.f64Add,
];

/**
 * dot2(q, r1, r2, length, out): out[0] = dot(q, r1), out[1] = dot(q, r2). Two rows at once: each
 * dot is a chain of dependent adds, so interleaving two keeps the adder busy (the same sums in
 * the same order per row). Locals: 5 end4, 6 end, 7-10 accumulators (r1: 7, 8; r2: 9, 10),
 * 11/12 s0 of r1/r2, 13/14 q's pairs widened.
 */
const dot2Def: FunctionDef = {
  name: 'dot2',
  params: [I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, V128, V128, V128, V128, F64, F64, V128, V128],
  body: [
    [...op.localGet(0), ...op.localGet(3), ...op.i32Const(-4), ...op.i32And, ...op.i32Const(2), ...op.i32Shl],
    [...op.i32Add, ...op.localSet(5)],
    [...op.localGet(0), ...op.localGet(3), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...op.localSet(6)],
    [...op.block, ...op.loop],
    [...op.localGet(0), ...op.localGet(5), ...op.i32GeU, ...op.brIf(1)],
    [...op.localGet(0), ...op.v128Load64Zero(0), ...op.f64x2PromoteLowF32x4, ...op.localSet(13)],
    [...op.localGet(0), ...op.v128Load64Zero(8), ...op.f64x2PromoteLowF32x4, ...op.localSet(14)],
    ...accumulate(7, 13, 1, 0),
    ...accumulate(8, 14, 1, 8),
    ...accumulate(9, 13, 2, 0),
    ...accumulate(10, 14, 2, 8),
    advance(0, 16),
    advance(1, 16),
    advance(2, 16),
    [...op.br(0), ...op.end, ...op.end],
    [...op.localGet(7), ...op.f64x2ExtractLane(0), ...op.localSet(11)],
    [...op.localGet(9), ...op.f64x2ExtractLane(0), ...op.localSet(12)],
    [...op.block, ...op.loop],
    [...op.localGet(0), ...op.localGet(6), ...op.i32GeU, ...op.brIf(1)],
    ...accumulateOne(11, 0, 1),
    ...accumulateOne(12, 0, 2),
    advance(0, 4),
    advance(1, 4),
    advance(2, 4),
    [...op.br(0), ...op.end, ...op.end],
    op.localGet(4),
    ...finish(11, 7, 8),
    op.f64Store(0),
    op.localGet(4),
    ...finish(12, 9, 10),
    op.f64Store(8),
  ],
};

/**
 * The head shared by dotRange and dotList (params: count in local 3, out in local 5): local 7 =
 * end of out (count f64s), local 6 = where the pairs end (count rounded down to even), then the
 * loop that leaves once out reaches local 6.
 */
const pairLoopHead: ReadonlyArray<readonly number[]> = [
  [...op.localGet(5), ...op.localGet(3), ...op.i32Const(3), ...op.i32Shl, ...op.i32Add, ...op.localSet(7)],
  [...op.localGet(5), ...op.localGet(3), ...op.i32Const(-2), ...op.i32And, ...op.i32Const(3), ...op.i32Shl],
  [...op.i32Add, ...op.localSet(6)],
  [...op.block, ...op.loop],
  [...op.localGet(5), ...op.localGet(6), ...op.i32GeU, ...op.brIf(1)],
];

/**
 * dotRange(q, base, stride, count, length, out): out[i] = dot(q, base + i * stride), two at a
 * time. Local 6: where the pairs end in out; 7: end of out.
 */
const dotRangeDef: FunctionDef = {
  name: 'dotRange',
  params: [I32, I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32],
  body: [
    ...pairLoopHead,
    [...op.localGet(0), ...op.localGet(1), ...op.localGet(1), ...op.localGet(2), ...op.i32Add],
    [...op.localGet(4), ...op.localGet(5), ...op.call(DOT2)],
    [...op.localGet(1), ...op.localGet(2), ...op.i32Add, ...op.localGet(2), ...op.i32Add, ...op.localSet(1)],
    advance(5, 16),
    [...op.br(0), ...op.end, ...op.end],
    // An odd last row alone.
    [...op.block, ...op.localGet(5), ...op.localGet(7), ...op.i32GeU, ...op.brIf(0)],
    [...op.localGet(5), ...op.localGet(0), ...op.localGet(1), ...op.localGet(4), ...op.call(DOT), ...op.f64Store(0)],
    op.end,
  ],
};

/**
 * dotList(q, base, offsets, count, length, out): out[i] = dot(q, base + offsets[i] * 4), offsets
 * an int32 list of float offsets (a cone tree's row table), two at a time. Local 6: where the
 * pairs end in out; 7: end of out.
 */
const dotListDef: FunctionDef = {
  name: 'dotList',
  params: [I32, I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32],
  body: [
    ...pairLoopHead,
    op.localGet(0),
    [...op.localGet(1), ...op.localGet(2), ...op.i32Load(0), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add],
    [...op.localGet(1), ...op.localGet(2), ...op.i32Load(4), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add],
    [...op.localGet(4), ...op.localGet(5), ...op.call(DOT2)],
    advance(2, 8),
    advance(5, 16),
    [...op.br(0), ...op.end, ...op.end],
    [...op.block, ...op.localGet(5), ...op.localGet(7), ...op.i32GeU, ...op.brIf(0)],
    [...op.localGet(5), ...op.localGet(0)],
    [...op.localGet(1), ...op.localGet(2), ...op.i32Load(0), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add],
    [...op.localGet(4), ...op.call(DOT), ...op.f64Store(0)],
    op.end,
  ],
};

/**
 * project(row, planesT, length, planes, out): out[h] = sum over k of widen(row[k]) * plane h's
 * k-th float64, for h < planes (a multiple of 16), summed k = 0, 1, ... from 0 as a scalar loop
 * would: the random projections of the leader grouping (leader-groups.ts). planesT holds the
 * planes transposed (element k of plane h at k * planes + h), so that one load gives two planes'
 * elements. Sixteen planes per pass in eight f64x2 accumulators keep the adder busy.
 * Locals: 5 first plane of the pass, 6 k, 7 widened row[k] (both lanes), 8 address of planesT's
 * row k at the pass, 9-16 accumulators, 17 address of row[k].
 */
const PASS_ACCUMULATORS = 8;
const projectDef: FunctionDef = {
  name: 'project',
  params: [I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, V128, I32, ...Array<typeof V128>(PASS_ACCUMULATORS).fill(V128), I32],
  body: [
    [...op.block, ...op.loop],
    [...op.localGet(5), ...op.localGet(3), ...op.i32GeU, ...op.brIf(1)],
    ...Array.from({ length: PASS_ACCUMULATORS }, (_, j) => [...op.f64Const0, ...op.f64x2Splat, ...op.localSet(9 + j)]),
    [...op.i32Const(0), ...op.localSet(6), ...op.localGet(0), ...op.localSet(17)],
    [...op.block, ...op.loop],
    [...op.localGet(6), ...op.localGet(2), ...op.i32GeU, ...op.brIf(1)],
    [...op.localGet(17), ...op.f32Load(0), ...op.f64PromoteF32, ...op.f64x2Splat, ...op.localSet(7)],
    // planesT + (k * planes + first) * 8
    [...op.localGet(1), ...op.localGet(6), ...op.localGet(3), ...op.i32Mul, ...op.localGet(5), ...op.i32Add],
    [...op.i32Const(3), ...op.i32Shl, ...op.i32Add, ...op.localSet(8)],
    ...Array.from({ length: PASS_ACCUMULATORS }, (_, j) => [
      ...op.localGet(9 + j),
      ...op.localGet(7),
      ...op.localGet(8),
      ...op.v128Load(16 * j),
      ...op.f64x2Mul,
      ...op.f64x2Add,
      ...op.localSet(9 + j),
    ]),
    advance(6, 1),
    advance(17, 4),
    [...op.br(0), ...op.end, ...op.end],
    // out + first * 8
    ...Array.from({ length: PASS_ACCUMULATORS }, (_, j) => [
      ...op.localGet(4),
      ...op.localGet(5),
      ...op.i32Const(3),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.localGet(9 + j),
      ...op.v128Store(16 * j),
    ]),
    advance(5, 2 * PASS_ACCUMULATORS),
    [...op.br(0), ...op.end, ...op.end],
  ],
};

/** Planes per pass of `project`: its plane count must be a multiple of this. */
export const PROJECT_PASS = 2 * PASS_ACCUMULATORS;

/** The module's bytes (exported for the test that checks the encoding). */
export const kernelBytes = emitModule({ minPages: 1, maxPages: 65536 }, [
  dotDef,
  dot2Def,
  dotRangeDef,
  dotListDef,
  projectDef,
  boundDotDef(),
  ...quantizedDotDefs(),
  leafSettleDef({ dotI8I16: 6, dotI16: 7, quantizedCos: 8 }),
]);

export interface KernelExports {
  dot(a: number, b: number, length: number): number;
  dotRange(q: number, base: number, stride: number, count: number, length: number, out: number): void;
  dotList(q: number, base: number, offsets: number, count: number, length: number, out: number): void;
  project(row: number, planesT: number, length: number, planes: number, out: number): void;
  /** Float32 dots for pruning bounds (bound-dots.ts): within boundDotSlack of the exact ones. */
  boundDot(a: number, b: number, length: number): number;
  /** Integer dots of quantized rows, and the cosine bound from one (quantized-dots.ts). */
  dotI8I16(a: number, c: number, length: number): number;
  dotI16(a: number, b: number, length: number): number;
  quantizedCos(dot: number, metaA: number, metaB: number, slack: number): number;
  /** The cone tree's leaf-pair test (leaf-settle.ts): the leaves of B not ruled out, into out. */
  settleLeafRange(ctxA: number, ctxB: number, x: number, first: number, count: number, out: number): number;
}

/** Compiled once; one instance per memory (kernel-memory.ts). */
let compiled: WebAssembly.Module | undefined;

export function instantiateKernel(memory: WebAssembly.Memory): KernelExports {
  compiled ??= new WebAssembly.Module(kernelBytes);
  return new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as KernelExports;
}
