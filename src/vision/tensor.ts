/** Packs RGB pixel buffers (already at the model's input size) into a normalised input tensor. */
import type { InputSpec } from './models/manifest.js';
import { ort } from './models/onnx-session.js';

/**
 * The float buffer a model's inputs are packed into, kept between runs: a fresh multi-megabyte
 * Float32Array per run costs as much as filling it (page faults, zeroing, GC pressure). A run
 * that starts while another still uses the buffer gets a fresh array, so concurrent runs never
 * share memory.
 */
export class InputBuffer {
  private buffer: Float32Array<ArrayBuffer> = new Float32Array(0);
  private inUse = false;

  /** Calls `use` with a Float32Array of `length` values, contents undefined (packing overwrites all). */
  async with<T>(length: number, use: (data: Float32Array<ArrayBuffer>) => Promise<T>): Promise<T> {
    if (this.inUse) return use(new Float32Array(length));
    this.inUse = true;
    try {
      if (this.buffer.length < length) this.buffer = new Float32Array(length);
      return await use(this.buffer.subarray(0, length));
    } finally {
      this.inUse = false;
    }
  }
}

/** Values a batch of `count` images of `spec` needs. */
export function inputLength(count: number, spec: InputSpec): number {
  return count * spec.width * spec.height * 3;
}

/** Packs the images into `out` (inputLength values, default a new array) and wraps it as the model's input tensor. */
export function toInputTensor(
  images: Uint8Array[],
  spec: InputSpec,
  out = new Float32Array(inputLength(images.length, spec)),
): ort.Tensor {
  const { width: w, height: h } = spec;
  const plane = w * h;
  if (out.length !== inputLength(images.length, spec))
    throw new Error(`input buffer holds ${out.length} values, expected ${inputLength(images.length, spec)}`);
  images.forEach((rgb, n) => {
    if (rgb.length !== plane * 3)
      throw new Error(`input image is ${rgb.length} bytes, expected ${plane * 3} for ${w}x${h} RGB`);
    if (spec.layout === 'NCHW') packPlanar(rgb, spec, out, n * plane * 3, plane);
    else packInterleaved(rgb, spec, out, n * plane * 3, plane);
  });
  const dims = spec.layout === 'NCHW' ? [images.length, 3, h, w] : [images.length, h, w, 3];
  return new ort.Tensor('float32', out, dims);
}

/**
 * One image into three planes, (pixel - mean) * (1 / std) per channel: one pass over the pixels
 * with the channel constants in locals (this runs on every detector, landmark and embedder input).
 */
function packPlanar(rgb: Uint8Array, spec: InputSpec, out: Float32Array, base: number, plane: number): void {
  const bgr = spec.channels === 'BGR';
  // Byte offset within a pixel of tensor channel 0, 1, 2.
  const s0 = bgr ? 2 : 0,
    s2 = bgr ? 0 : 2;
  const [m0, m1, m2] = spec.mean;
  const k0 = 1 / spec.std[0],
    k1 = 1 / spec.std[1],
    k2 = 1 / spec.std[2];
  const d1 = base + plane,
    d2 = base + 2 * plane;
  for (let i = 0, s = 0; i < plane; i++, s += 3) {
    out[base + i] = (rgb[s + s0] - m0) * k0;
    out[d1 + i] = (rgb[s + 1] - m1) * k1;
    out[d2 + i] = (rgb[s + s2] - m2) * k2;
  }
}

function packInterleaved(rgb: Uint8Array, spec: InputSpec, out: Float32Array, base: number, plane: number): void {
  const order = spec.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let c = 0; c < 3; c++) {
    const src = order[c];
    const mean = spec.mean[c];
    const scale = 1 / spec.std[c];
    for (let i = 0; i < plane; i++) out[base + i * 3 + c] = (rgb[i * 3 + src] - mean) * scale;
  }
}
