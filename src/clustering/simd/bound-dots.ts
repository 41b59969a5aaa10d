/**
 * Dot products for pruning bounds only: float32 arithmetic in four f32x4 accumulators, about
 * three times the throughput of the exact kernel (dot-kernel.ts), which widens every term to
 * float64 to match dotF32 bit for bit. A bound does not need that: the cone tree uses these
 * results only to rule pairs out, after moving them by boundDotSlack towards "may be near", and
 * every pair it reports is confirmed with the exact kernel. So results stay identical to an
 * all-pairs scan; only the work to get there shrinks.
 *
 * Error: each lane sums length / 16 float32 products, then the four accumulators are added
 * (two more roundings) and their lanes summed in float64. With u = 2^-24, every product and
 * sum rounds by at most u relative, so the result is off by at most
 * gamma(length / 16 + 4) * sum |a_k b_k| <= gamma(...) * |a| |b| (Cauchy-Schwarz), where
 * gamma(m) = m u / (1 - m u); the tail (length mod 16) is summed in float64 and adds less.
 */
import { advance, F64, I32, op, V128, type FunctionDef } from './wasm-emitter.js';

/**
 * Most a bound dot of two rows may differ from the exact dot, relative to |a| |b|: twice the
 * error bound above, plus 2^-40 for rows shorter than 16.
 */
export function boundDotSlack(length: number): number {
  const m = Math.ceil(length / 16) + 4;
  const u = 2 ** -24;
  return (2 * m * u) / (1 - m * u) + 2 ** -40;
}

/** boundDot(a, b, length) -> f64, a and b byte offsets of rows in the kernel's memory. */
export function boundDotDef(): FunctionDef {
  // acc (local) += a[offset..+4) * b[offset..+4), a and b pointers in locals 0 and 1.
  const accumulate = (acc: number, offset: number): (readonly number[])[] => [
    [...op.localGet(acc), ...op.localGet(0), ...op.v128Load(offset), ...op.localGet(1), ...op.v128Load(offset)],
    [...op.f32x4Mul, ...op.f32x4Add, ...op.localSet(acc)],
  ];
  const lane = (index: 0 | 1 | 2 | 3): number[] => [
    ...op.localGet(5),
    ...op.f32x4ExtractLane(index),
    ...op.f64PromoteF32,
    ...op.f64Add,
  ];

  // Locals: 3 end of the sixteen-wide part, 4 end, 5-8 accumulators (zero at entry), 9 the tail's sum.
  const boundDot: FunctionDef = {
    name: 'boundDot',
    params: [I32, I32, I32],
    results: [F64],
    locals: [I32, I32, V128, V128, V128, V128, F64],
    body: [
      [...op.localGet(0), ...op.localGet(2), ...op.i32Const(-16), ...op.i32And, ...op.i32Const(2), ...op.i32Shl],
      [...op.i32Add, ...op.localSet(3)],
      [...op.localGet(0), ...op.localGet(2), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...op.localSet(4)],
      [...op.block, ...op.loop],
      [...op.localGet(0), ...op.localGet(3), ...op.i32GeU, ...op.brIf(1)],
      ...accumulate(5, 0),
      ...accumulate(6, 16),
      ...accumulate(7, 32),
      ...accumulate(8, 48),
      advance(0, 64),
      advance(1, 64),
      [...op.br(0), ...op.end, ...op.end],
      [...op.block, ...op.loop],
      [...op.localGet(0), ...op.localGet(4), ...op.i32GeU, ...op.brIf(1)],
      [...op.localGet(9), ...op.localGet(0), ...op.f32Load(0), ...op.f64PromoteF32],
      [...op.localGet(1), ...op.f32Load(0), ...op.f64PromoteF32, ...op.f64Mul, ...op.f64Add, ...op.localSet(9)],
      advance(0, 4),
      advance(1, 4),
      [...op.br(0), ...op.end, ...op.end],
      // (acc5 + acc6) + (acc7 + acc8), its lanes summed in float64 onto the tail's sum.
      [...op.localGet(5), ...op.localGet(6), ...op.f32x4Add, ...op.localGet(7), ...op.localGet(8), ...op.f32x4Add],
      [...op.f32x4Add, ...op.localSet(5)],
      [...op.localGet(9), ...lane(0), ...lane(1), ...lane(2), ...lane(3)],
    ],
  };

  return boundDot;
}
