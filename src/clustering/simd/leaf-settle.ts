/**
 * The cone tree's leaf-pair test in WebAssembly (cone-tree.ts, flatPairs): one leaf of tree A
 * against a range of leaves of tree B, in one call. Most leaf pairs of a library-wide pair
 * search are far apart, and proving so costs a few bound dots each (a leaf-cone test, then the
 * widest faces settled one at a time against the other leaf's centre). Made from JavaScript
 * those are millions of calls, each costing more than its dot; here they are one loop.
 *
 * A leaf pair that the loop cannot settle (a head face that may reach the other leaf) is
 * handed back, and the cone tree runs its full leaf-pair search on it (leafCrossPairs), which
 * confirms every pair with the exact kernel. So the loop only rules pairs out, and does so with
 * the same bounds as the JavaScript walk, in cosine form (no acos here):
 * - leaf cones: ruled out when cos(between tight centres) < cos(apA + apB + limit), written
 *   cos(x + y) = cx cy - sx sy with x = apA + limit / 2 and y = apB + limit / 2 (per-leaf tables);
 * - heads: the walk over head faces stops once cos(between mean centres) <
 *   cos(ownA[p] + ownB[q] + limit), the same way (per-position tables);
 * - a head settles when the cosine from it to the other leaf's centre is below that leaf's
 *   head's reach, cos(ownB[q] + limit).
 * The dots are integer dots of quantized copies (quantized-dots.ts: faces int8, centres int16),
 * turned into upper bounds on the cosine; every threshold is moved down by the rounding of its
 * cos/sin products (cosRound, reachRound). NaN in a table (an angle sum that may pass pi) never
 * rules out: "less than NaN" is false.
 */
import { META } from './quantized-dots.js';
import { advance, F64, I32, op, type FunctionDef } from './wasm-emitter.js';

/**
 * The context block one tree's tables are described by (byte offsets; each field an int32 byte
 * address into the kernel's memory unless it says otherwise). Per leaf means per index in the
 * tree's leaf list, per position per point in tree order. Quantized rows are `stride` elements,
 * each with META float32 of meta (quantized-dots.ts).
 */
export const SETTLE_CONTEXT = {
  /** Per leaf: its tight centre, int16, and meta. */
  tightRows: 0,
  tightMeta: 4,
  /** Per leaf, float64: cos and sin of (tight aperture + limit / 2), NaN where that reaches pi / 2. */
  leafCos: 8,
  leafSin: 12,
  /** Per leaf, int32: its first position and the position after its last. */
  leafStart: 16,
  leafEnd: 20,
  /** Per leaf: its mean centre (the one own angles are measured to), int16, and meta. */
  meanRows: 24,
  meanMeta: 28,
  /** Per position: the point's row, int8, and meta. */
  rows: 32,
  rowMeta: 36,
  /** Per position, float64: its angle to its leaf's mean centre (widest first within a leaf). */
  own: 40,
  /** Per position, float64: cos and sin of (own + limit / 2), NaN where that reaches pi / 2. */
  headCos: 44,
  headSin: 48,
  /** Per position, float64: cos(own + limit), -Infinity past pi. */
  reachCos: 52,
  /** int32: elements per quantized row. */
  stride: 56,
  /** float64 fields: the quantized bound's slack, and the rounding of the thresholds. */
  slack: 64,
  cosRound: 72,
  reachRound: 80,
  bytes: 88,
} as const;

/** The module's function indices of the quantized dots this test calls (quantized-dots.ts). */
export interface QuantizedCalls {
  dotI8I16: number;
  dotI16: number;
  quantizedCos: number;
}

/**
 * settleLeafRange(ctxA, ctxB, x, first, count, out) -> written: leaf x of A against leaves
 * first..first+count of B; the leaves it could not rule out go to out (int32 leaf indices of B,
 * ascending), their number is returned.
 */
export function leafSettleDef(calls: QuantizedCalls): FunctionDef {
  const C = SETTLE_CONTEXT;
  const META_BYTES = META * 4;
  // Params: 0 ctxA, 1 ctxB, 2 x, 3 first, 4 count, 5 out.
  const [ctxA, ctxB, x, , , out] = [0, 1, 2, 3, 4, 5];
  // Locals: int32 6 y, 7 yEnd, 8 written, 9 p, 10 q, 11 endA, 12 endB, 13 stride, 14 A's tight
  // centre, 15 its meta, 16 A's mean centre, 17 its meta, 18 B's mean centre, 19 its meta;
  // float64 20 c, 21 slack, 22 cosRound, 23 reachRound, 24 A's leaf cos, 25 sin.
  const [y, yEnd, written, p, q, endA, endB, stride, tightA, tightMetaA, meanA, meanMetaA, meanB, meanMetaB] = [
    6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
  ];
  const [c, slack, cosRound, reachRound, leafCosA, leafSinA] = [20, 21, 22, 23, 24, 25];

  const field = (ctx: number, offset: number): number[] => [...op.localGet(ctx), ...op.i32Load(offset)];
  /** field + index * size: element `index` (a local) of the table at ctx's field. */
  const elementAt = (ctx: number, offset: number, index: number, size: number[]): number[] => [
    ...field(ctx, offset),
    ...op.localGet(index),
    ...size,
    ...op.i32Add,
  ];
  const times = (bytes: number): number[] => [...op.i32Const(bytes), ...op.i32Mul];
  const f64At = (ctx: number, offset: number, index: number): number[] => [
    ...elementAt(ctx, offset, index, times(8)),
    ...op.f64Load(0),
  ];
  const i32At = (ctx: number, offset: number, index: number): number[] => [
    ...elementAt(ctx, offset, index, times(4)),
    ...op.i32Load(0),
  ];
  /** The address of quantized row `index` of ctx's table (int8 or int16). */
  const rowAt = (ctx: number, offset: number, index: number, bytes: 1 | 2): number[] => [
    ...elementAt(ctx, offset, index, [...op.localGet(stride), ...op.i32Mul, ...times(bytes)]),
  ];
  const metaOf = (ctx: number, offset: number, index: number): number[] =>
    elementAt(ctx, offset, index, times(META_BYTES));
  /** Pushes 1 when cos (on the stack) is below cos(x + y) - round from the (cos, sin) tables. */
  const belowSum = (cosX: number[], sinX: number[], cosY: number[], sinY: number[]): number[] => [
    ...cosX,
    ...cosY,
    ...op.f64Mul,
    ...sinX,
    ...sinY,
    ...op.f64Mul,
    ...op.f64Sub,
    ...op.localGet(cosRound),
    ...op.f64Sub,
    ...op.f64Lt,
  ];
  /** The bound cosine of an integer dot (on the stack) with the two rows' meta addresses. */
  const cosine = (metaFirst: number[], metaSecond: number[]): number[] => [
    ...metaFirst,
    ...metaSecond,
    ...op.localGet(slack),
    ...op.call(calls.quantizedCos),
  ];
  /**
   * Settles the head at position `head` (of tree `own`) against the other leaf's mean centre:
   * leaves the loop (to $settled) with the leaf handed back when the head may reach the other
   * leaf's head `otherHead`, else moves on to the next head.
   */
  const settleHead = (
    own: number,
    head: number,
    centre: number,
    centreMeta: number,
    other: number,
    otherHead: number,
  ): (readonly number[])[] => [
    [...rowAt(own, C.rows, head, 1), ...op.localGet(centre), ...op.localGet(stride), ...op.call(calls.dotI8I16)],
    cosine(metaOf(own, C.rowMeta, head), op.localGet(centreMeta)),
    [...f64At(other, C.reachCos, otherHead), ...op.localGet(reachRound), ...op.f64Sub, ...op.f64Ge, ...op.if],
    [...op.localGet(out), ...op.localGet(written), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add],
    [...op.localGet(y), ...op.i32Store(0), ...advance(written, 1)],
    // Out of: this if, the if/else on which head, $heads, to $settled.
    [...op.br(3), ...op.end],
    advance(head, 1),
  ];

  return {
    name: 'settleLeafRange',
    params: [I32, I32, I32, I32, I32, I32],
    results: [I32],
    locals: [...Array<typeof I32>(14).fill(I32), ...Array<typeof F64>(6).fill(F64)],
    body: [
      [...field(ctxA, C.stride), ...op.localSet(stride)],
      [...op.localGet(ctxA), ...op.f64Load(C.slack), ...op.localSet(slack)],
      [...op.localGet(ctxA), ...op.f64Load(C.cosRound), ...op.localSet(cosRound)],
      [...op.localGet(ctxA), ...op.f64Load(C.reachRound), ...op.localSet(reachRound)],
      [...rowAt(ctxA, C.tightRows, x, 2), ...op.localSet(tightA)],
      [...metaOf(ctxA, C.tightMeta, x), ...op.localSet(tightMetaA)],
      [...rowAt(ctxA, C.meanRows, x, 2), ...op.localSet(meanA)],
      [...metaOf(ctxA, C.meanMeta, x), ...op.localSet(meanMetaA)],
      [...f64At(ctxA, C.leafCos, x), ...op.localSet(leafCosA)],
      [...f64At(ctxA, C.leafSin, x), ...op.localSet(leafSinA)],
      [...op.localGet(3), ...op.localTee(y), ...op.localGet(4), ...op.i32Add, ...op.localSet(yEnd)],
      [...op.block, ...op.loop],
      [...op.localGet(y), ...op.localGet(yEnd), ...op.i32GeU, ...op.brIf(1)],
      // $settled: every way out of the test of leaf y lands after this block.
      op.block,
      // The tight cones.
      [...op.localGet(tightA), ...rowAt(ctxB, C.tightRows, y, 2), ...op.localGet(stride), ...op.call(calls.dotI16)],
      cosine(op.localGet(tightMetaA), metaOf(ctxB, C.tightMeta, y)),
      [
        ...belowSum(op.localGet(leafCosA), op.localGet(leafSinA), f64At(ctxB, C.leafCos, y), f64At(ctxB, C.leafSin, y)),
        ...op.brIf(0),
      ],
      // The mean centres' cosine, which the head walk measures against.
      [
        ...rowAt(ctxB, C.meanRows, y, 2),
        ...op.localSet(meanB),
        ...metaOf(ctxB, C.meanMeta, y),
        ...op.localSet(meanMetaB),
      ],
      [...op.localGet(meanA), ...op.localGet(meanB), ...op.localGet(stride), ...op.call(calls.dotI16)],
      [...cosine(op.localGet(meanMetaA), op.localGet(meanMetaB)), ...op.localSet(c)],
      [...i32At(ctxA, C.leafStart, x), ...op.localSet(p), ...i32At(ctxA, C.leafEnd, x), ...op.localSet(endA)],
      [...i32At(ctxB, C.leafStart, y), ...op.localSet(q), ...i32At(ctxB, C.leafEnd, y), ...op.localSet(endB)],
      // $heads
      op.loop,
      [...op.localGet(p), ...op.localGet(endA), ...op.i32GeU, ...op.brIf(1)],
      [...op.localGet(q), ...op.localGet(endB), ...op.i32GeU, ...op.brIf(1)],
      [
        ...op.localGet(c),
        ...belowSum(
          f64At(ctxA, C.headCos, p),
          f64At(ctxA, C.headSin, p),
          f64At(ctxB, C.headCos, q),
          f64At(ctxB, C.headSin, q),
        ),
        ...op.brIf(1),
      ],
      // The wider head first, as leafCrossPairs does.
      [...f64At(ctxA, C.own, p), ...f64At(ctxB, C.own, q), ...op.f64Ge, ...op.if],
      ...settleHead(ctxA, p, meanB, meanMetaB, ctxB, q),
      op.else,
      ...settleHead(ctxB, q, meanA, meanMetaA, ctxA, p),
      op.end,
      [...op.br(0), ...op.end],
      op.end,
      advance(y, 1),
      [...op.br(0), ...op.end, ...op.end],
      op.localGet(written),
    ],
  };
}
