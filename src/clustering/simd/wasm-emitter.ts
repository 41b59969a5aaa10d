/**
 * The few pieces of the WebAssembly binary format the dot-product kernel needs, so that the
 * module is written by project code (no toolchain, no package): LEB128 integers, sections, an
 * imported memory, functions with typed locals, and the opcodes below.
 * Format: https://webassembly.github.io/spec/core/binary/ (SIMD: the 0xFD prefix, then the
 * instruction's number as an unsigned LEB128).
 */

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F64 | typeof V128;

/** Unsigned LEB128: 7 bits a byte, low first, the high bit set on every byte but the last. */
export function unsignedLeb(value: number): number[] {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`Not an unsigned integer: ${value}`);
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/** Signed LEB128 (i32.const's immediate): two's complement, stops once the sign bit is implied. */
export function signedLeb(value: number): number[] {
  if (!Number.isInteger(value)) throw new RangeError(`Not an integer: ${value}`);
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A vector: its length, then its items. */
function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsignedLeb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...unsignedLeb(body.length), ...body];
}

/** Instructions, by the names the text format gives them. Memory offsets are in bytes. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  /** if (empty block type): runs its body when the i32 popped is not zero. */
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...unsignedLeb(depth)],
  brIf: (depth: number) => [0x0d, ...unsignedLeb(depth)],
  call: (func: number) => [0x10, ...unsignedLeb(func)],
  localGet: (local: number) => [0x20, ...unsignedLeb(local)],
  localSet: (local: number) => [0x21, ...unsignedLeb(local)],
  localTee: (local: number) => [0x22, ...unsignedLeb(local)],
  /** memarg: log2 of the alignment hint, then a constant byte offset. */
  i32Load: (offset = 0) => [0x28, 2, ...unsignedLeb(offset)],
  f32Load: (offset = 0) => [0x2a, 2, ...unsignedLeb(offset)],
  f64Load: (offset = 0) => [0x2b, 3, ...unsignedLeb(offset)],
  i32Store: (offset = 0) => [0x36, 2, ...unsignedLeb(offset)],
  f64Store: (offset = 0) => [0x39, 3, ...unsignedLeb(offset)],
  i32Const: (value: number) => [0x41, ...signedLeb(value)],
  i32GeU: [0x4f],
  i32LtU: [0x49],
  i32Sub: [0x6b],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Shl: [0x74],
  f64Lt: [0x63],
  f64Ge: [0x66],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64PromoteF32: [0xbb],
  f64ConvertI32S: [0xb7],
  f64Const0: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  v128Load: (offset = 0) => [0xfd, ...unsignedLeb(0x00), 4, ...unsignedLeb(offset)],
  v128Store: (offset = 0) => [0xfd, ...unsignedLeb(0x0b), 4, ...unsignedLeb(offset)],
  f64x2Splat: [0xfd, ...unsignedLeb(0x14)],
  /** Loads 8 bytes (two float32) into the low half of a v128, zeroing the high half. */
  v128Load64Zero: (offset = 0) => [0xfd, ...unsignedLeb(0x5d), 3, ...unsignedLeb(offset)],
  f64x2ExtractLane: (lane: 0 | 1) => [0xfd, ...unsignedLeb(0x21), lane],
  /** The two low float32 lanes, each widened exactly to float64. */
  f64x2PromoteLowF32x4: [0xfd, ...unsignedLeb(0x5f)],
  f64x2Add: [0xfd, ...unsignedLeb(0xf0)],
  f64x2Mul: [0xfd, ...unsignedLeb(0xf2)],
  f32x4ExtractLane: (lane: 0 | 1 | 2 | 3) => [0xfd, ...unsignedLeb(0x1f), lane],
  f32x4Add: [0xfd, ...unsignedLeb(0xe4)],
  i16x8ExtendLowI8x16S: [0xfd, ...unsignedLeb(0x87)],
  i16x8ExtendHighI8x16S: [0xfd, ...unsignedLeb(0x88)],
  i32x4DotI16x8S: [0xfd, ...unsignedLeb(0xba)],
  i32x4Add: [0xfd, ...unsignedLeb(0xae)],
  i32x4ExtractLane: (lane: 0 | 1 | 2 | 3) => [0xfd, ...unsignedLeb(0x1b), lane],
  f32x4Mul: [0xfd, ...unsignedLeb(0xe6)],
} as const;

/** local (an i32 pointer or counter) += amount: the step of every loop the kernels write. */
export const advance = (local: number, amount: number): number[] => [
  ...op.localGet(local),
  ...op.i32Const(amount),
  ...op.i32Add,
  ...op.localSet(local),
];

export interface FunctionDef {
  name: string;
  params: ValueType[];
  results: ValueType[];
  /** Locals after the parameters, numbered from params.length. */
  locals: ValueType[];
  body: ReadonlyArray<readonly number[]>;
}

/**
 * A module that imports one memory (env.memory; shared, with a maximum, so that growing it
 * never detaches the views JavaScript holds) and exports the functions, in order (function i
 * is `call(i)`).
 */
export function emitModule(memory: { minPages: number; maxPages: number }, functions: FunctionDef[]): Uint8Array {
  const signature = (f: FunctionDef) => [
    0x60,
    ...vector(f.params.map((t) => [t])),
    ...vector(f.results.map((t) => [t])),
  ];
  // Limits flag 0x03: shared, with a maximum (a shared memory must declare one).
  const memoryImport = [
    ...name('env'),
    ...name('memory'),
    0x02,
    0x03,
    ...unsignedLeb(memory.minPages),
    ...unsignedLeb(memory.maxPages),
  ];
  const code = functions.map((f) => {
    // Locals as runs of one type: (count, type).
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const body = [...vector(runs.map(([count, t]) => [...unsignedLeb(count), t])), ...f.body.flat(), ...op.end];
    return [...unsignedLeb(body.length), ...body];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(functions.map(signature))),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(functions.map((_, i) => unsignedLeb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...unsignedLeb(i)]))),
    ...section(10, vector(code)),
  ]);
}
