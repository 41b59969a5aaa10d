import { describe, expect, it } from 'vitest';
import { dotF32 } from '../../src/clustering/cosine.js';
import { gaussian, seededRandom } from '../../src/clustering/random.js';
import { boundDotSlack } from '../../src/clustering/simd/bound-dots.js';
import { kernelBytes } from '../../src/clustering/simd/dot-kernel.js';
import { commonMemory, KernelMemory } from '../../src/clustering/simd/kernel-memory.js';
import { META, paddedLength, QUANTIZED_COS_SLACK, quantizeRows } from '../../src/clustering/simd/quantized-dots.js';
import { signedLeb, unsignedLeb } from '../../src/clustering/simd/wasm-emitter.js';

const arena = new KernelMemory();
const kernelDot = arena.dot.bind(arena);
const dotRange = arena.dotRange.bind(arena);
const dotList = arena.dotList.bind(arena);

/** Rows with a wide spread of magnitudes, so that a different rounding or order would show. */
function randomRows(length: number, seed: number): { inArena: Float32Array; plain: Float32Array } {
  const normal = gaussian(seededRandom(seed));
  const plain = Float32Array.from({ length }, () => normal() * 10 ** Math.round(normal() * 3));
  const inArena = arena.f32(length);
  inArena.set(plain);
  return { inArena, plain };
}

describe('WebAssembly emitter', () => {
  it('encodes LEB128 as the binary format specifies', () => {
    expect(unsignedLeb(0)).toEqual([0]);
    expect(unsignedLeb(127)).toEqual([0x7f]);
    expect(unsignedLeb(128)).toEqual([0x80, 0x01]);
    expect(unsignedLeb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(unsignedLeb(2 ** 32 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(signedLeb(0)).toEqual([0]);
    expect(signedLeb(63)).toEqual([0x3f]);
    expect(signedLeb(64)).toEqual([0xc0, 0x00]);
    expect(signedLeb(-1)).toEqual([0x7f]);
    expect(signedLeb(-4)).toEqual([0x7c]);
    expect(signedLeb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => unsignedLeb(-1)).toThrow(RangeError);
  });

  it('emits a module the engine validates', () => {
    expect(WebAssembly.validate(kernelBytes)).toBe(true);
  });
});

describe('dot-product kernel', () => {
  const { inArena, plain } = randomRows(64 * 131 + 7, 11);
  const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 127, 128, 129, 131];

  it('dot equals dotF32 bit for bit, at any length and offset', () => {
    const random = seededRandom(5);
    for (const length of lengths) {
      for (let t = 0; t < 200; t++) {
        const a = Math.floor(random() * (plain.length - length));
        const b = Math.floor(random() * (plain.length - length));
        expect(Object.is(kernelDot(inArena, a, inArena, b, length), dotF32(plain, a, plain, b, length))).toBe(true);
      }
    }
  });

  it('dotRange equals dotF32 for each row of a range, odd and even counts, any stride', () => {
    const out = arena.f64(64);
    const random = seededRandom(6);
    for (const length of lengths) {
      for (const count of [0, 1, 2, 3, 8, 33]) {
        const stride = length + Math.floor(random() * 3);
        const q = Math.floor(random() * 50) + 1;
        const first = Math.floor(random() * 100) + 3;
        out.fill(NaN);
        dotRange(inArena, q, inArena, first, stride, count, length, out);
        for (let i = 0; i < count; i++)
          expect(Object.is(out[i], dotF32(plain, q, plain, first + i * stride, length))).toBe(true);
        // Nothing past the batch is written.
        if (count < out.length) expect(out[count]).toBeNaN();
      }
    }
    arena.free(out);
  });

  it('dotList equals dotF32 for each listed row, odd and even counts', () => {
    const out = arena.f64(64);
    const offsets = arena.i32(64);
    const random = seededRandom(7);
    for (const length of lengths) {
      for (const count of [0, 1, 2, 5, 17, 40]) {
        for (let i = 0; i < offsets.length; i++) offsets[i] = Math.floor(random() * (plain.length - length));
        const from = Math.floor(random() * (offsets.length - count));
        const q = Math.floor(random() * 77);
        out.fill(NaN);
        dotList(inArena, q, inArena, offsets, from, count, length, out);
        for (let i = 0; i < count; i++)
          expect(Object.is(out[i], dotF32(plain, q, plain, offsets[from + i], length))).toBe(true);
        if (count < out.length) expect(out[count]).toBeNaN();
      }
    }
    arena.free(offsets);
    arena.free(out);
  });

  it('project gives each plane the sum a scalar loop gives, bit for bit', () => {
    const planes = 32,
      normal = gaussian(seededRandom(8));
    for (const length of [1, 5, 64, 128]) {
      const planesT = arena.f64(planes * length);
      for (let k = 0; k < planesT.length; k++) planesT[k] = normal();
      const sums = arena.f64(planes);
      const row = 3 * length + 1;
      arena.calls.project(inArena.byteOffset + row * 4, planesT.byteOffset, length, planes, sums.byteOffset);
      for (let h = 0; h < planes; h++) {
        let s = 0;
        for (let k = 0; k < length; k++) s += plain[row + k] * planesT[k * planes + h];
        expect(Object.is(sums[h], s)).toBe(true);
      }
      arena.free(sums);
      arena.free(planesT);
    }
  });

  it('bound dots stay within boundDotSlack of the exact dot', () => {
    const random = seededRandom(9);
    let worst = 0;
    for (const length of [...lengths, 256, 512]) {
      // Rows of mixed signs and magnitudes: the relative error is largest when terms cancel.
      const rows = randomRows(41 * length + 3, 100 + length);
      const norm = (at: number) => Math.sqrt(dotF32(rows.plain, at, rows.plain, at, length));
      const address = (at: number) => rows.inArena.byteOffset + at * 4;
      for (let t = 0; t < 40; t++) {
        const a = Math.floor(random() * 40) * length,
          b = Math.floor(random() * 40) * length + (t % 3);
        const bound = arena.calls.boundDot(address(a), address(b), length);
        const error = Math.abs(bound - dotF32(rows.plain, a, rows.plain, b, length));
        worst = Math.max(worst, error / (norm(a) * norm(b) * boundDotSlack(length) || 1));
      }
      arena.free(rows.inArena);
    }
    expect(worst).toBeLessThanOrEqual(1);
    // Float32 arithmetic does round: the slack is not covering an exact computation.
    expect(worst).toBeGreaterThan(0);
  });

  it('quantized dots are the exact integer dots, and their cosine bounds hold and stay close', () => {
    const random = seededRandom(21);
    for (const length of [1, 3, 16, 17, 100, 128, 130]) {
      const count = 24;
      const rows = randomRows(count * length, 300 + length);
      // A row with one large component and a zero row: the extremes of the scales.
      rows.inArena.fill(0, 0, length);
      rows.inArena[0] = 3;
      rows.inArena.fill(0, length, 2 * length);
      rows.plain.set(rows.inArena.subarray(0, 2 * length));
      // Padding must not depend on what the memory held before: dirty it first.
      const dirt = arena.i8(count * paddedLength(length) * 4);
      dirt.fill(77);
      arena.free(dirt);
      const faces = quantizeRows(rows.inArena, (r) => r * length, count, length, 8, arena);
      const centres = quantizeRows(rows.inArena, (r) => r * length, count, length, 16, arena);
      const stride = paddedLength(length);
      expect(faces.stride).toBe(stride);
      let worstFace = 0;
      for (let t = 0; t < 60; t++) {
        const a = Math.floor(random() * count),
          b = Math.floor(random() * count);
        let face = 0,
          both = 0;
        for (let k = 0; k < stride; k++) {
          face += faces.values[a * stride + k] * centres.values[b * stride + k];
          both += centres.values[a * stride + k] * centres.values[b * stride + k];
        }
        const faceDot = arena.calls.dotI8I16(
          faces.values.byteOffset + a * stride,
          centres.values.byteOffset + b * stride * 2,
          stride,
        );
        const centreDot = arena.calls.dotI16(
          centres.values.byteOffset + a * stride * 2,
          centres.values.byteOffset + b * stride * 2,
          stride,
        );
        expect(faceDot).toBe(face);
        expect(centreDot).toBe(both);
        const norms = Math.sqrt(
          dotF32(rows.plain, a * length, rows.plain, a * length, length) *
            dotF32(rows.plain, b * length, rows.plain, b * length, length),
        );
        const exact = norms > 0 ? dotF32(rows.plain, a * length, rows.plain, b * length, length) / norms : 1;
        const meta = (rows: { meta: Float32Array }, r: number) => rows.meta.byteOffset + r * META * 4;
        const faceBound = arena.calls.quantizedCos(faceDot, meta(faces, a), meta(centres, b), QUANTIZED_COS_SLACK);
        const centreBound = arena.calls.quantizedCos(
          centreDot,
          meta(centres, a),
          meta(centres, b),
          QUANTIZED_COS_SLACK,
        );
        expect(faceBound).toBeGreaterThanOrEqual(exact);
        expect(centreBound).toBeGreaterThanOrEqual(exact);
        // Close enough to prune with, where the rows are not zero (a zero row never rules out).
        if (norms > 0) {
          worstFace = Math.max(worstFace, faceBound - exact);
          expect(centreBound - exact).toBeLessThan(1e-3);
        }
      }
      expect(worstFace).toBeLessThan(0.06);
      for (const view of [faces.values, faces.meta, centres.values, centres.meta, rows.inArena]) arena.free(view);
    }
  });

  it('refuses a batch larger than its result array', () => {
    const out = arena.f64(2);
    expect(() => dotRange(inArena, 0, inArena, 0, 4, 3, 4, out)).toThrow(RangeError);
    arena.free(out);
  });
});

describe('kernel memory', () => {
  it('reuses freed blocks and coalesces neighbours', () => {
    const before = arena.bytesInUse();
    const a = arena.f32(100),
      b = arena.f64(10),
      c = arena.i32(3);
    expect(arena.owns(a) && arena.owns(b) && arena.owns(c)).toBe(true);
    expect(KernelMemory.of(a)).toBe(arena);
    expect(arena.owns(new Float32Array(4)) || commonMemory.owns(a)).toBe(false);
    expect(KernelMemory.of(new Float32Array(4))).toBeUndefined();
    expect(arena.bytesInUse()).toBe(before + 400 + 80 + 16);
    arena.free(a);
    arena.free(b);
    // a and b coalesced: a block of both sizes fits where they were.
    const d = arena.f32(120);
    expect(d.byteOffset).toBe(a.byteOffset);
    arena.free(c);
    arena.free(d);
    expect(arena.bytesInUse()).toBe(before);
    expect(() => arena.free(d)).toThrow(/No kernel memory block/);
    expect(() => commonMemory.free(c)).toThrow(/not in this kernel memory/);
  });

  it('keeps earlier views valid when the memory grows', () => {
    const small = arena.f32(4);
    small.set([1, 2, 3, 4]);
    const large = arena.f32(4 * 1024 * 1024); // 16 MiB: past the initial pages
    large[large.length - 1] = 5;
    expect(KernelMemory.of(large)).toBe(arena);
    expect(Array.from(small)).toEqual([1, 2, 3, 4]);
    expect(kernelDot(small, 0, small, 0, 4)).toBe(30);
    arena.free(large);
    arena.free(small);
  });
});
