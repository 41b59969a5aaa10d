/**
 * Reads a TF.js weights manifest (`*-weights_manifest.json` or a graph model's
 * `weightsManifest`) and its .bin shards into named float32 tensors, dequantising
 * uint8/uint16 weights exactly as TF.js does (value = q * scale + min).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface NamedTensor {
  name: string;
  shape: number[];
  /** Float weights as Float32Array; int32 weights stay Int32Array. */
  data: Float32Array | Int32Array;
}

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

interface ManifestGroup {
  paths: string[];
  weights: WeightEntry[];
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

export function readWeightGroups(groups: ManifestGroup[], baseDir: string): Map<string, NamedTensor> {
  const tensors = new Map<string, NamedTensor>();
  for (const group of groups) {
    const shards = group.paths.map((p) => readFileSync(join(baseDir, p)));
    const buf = Buffer.concat(shards);
    let offset = 0;
    for (const w of group.weights) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      const stored = w.quantization?.dtype ?? w.dtype;
      const bytes = count * BYTES[stored];
      const slice = buf.subarray(offset, offset + bytes);
      offset += bytes;
      tensors.set(w.name, { name: w.name, shape: w.shape, data: decode(slice, w, count) });
    }
    if (offset !== buf.length) throw new Error(`weights manifest consumed ${offset} of ${buf.length} bytes`);
  }
  return tensors;
}

function decode(bytes: Buffer, w: WeightEntry, count: number): Float32Array | Int32Array {
  const copy = new Uint8Array(bytes).buffer; // aligned copy
  const q = w.quantization;
  if (!q) return w.dtype === 'int32' ? new Int32Array(copy, 0, count) : new Float32Array(copy, 0, count);
  if (q.dtype === 'float16') throw new Error(`float16 weights not supported (${w.name})`);
  const raw = q.dtype === 'uint8' ? new Uint8Array(copy, 0, count) : new Uint16Array(copy, 0, count);
  const scale = q.scale ?? 1;
  const min = q.min ?? 0;
  if (w.dtype === 'int32') return Int32Array.from(raw, (v) => Math.round(v * scale + min));
  // TF.js computes this in float32; Math.fround keeps the result bit-identical.
  return Float32Array.from(raw, (v) => Math.fround(v * scale + min));
}

/** Loads a face-api style `<name>-weights_manifest.json`. */
export function readWeightsManifest(manifestPath: string): Map<string, NamedTensor> {
  const groups = JSON.parse(readFileSync(manifestPath, 'utf8')) as ManifestGroup[];
  return readWeightGroups(groups, dirname(manifestPath));
}

export function take(tensors: Map<string, NamedTensor>, name: string): NamedTensor {
  const t = tensors.get(name);
  if (!t) throw new Error(`weight ${name} not found`);
  return t;
}

/** TF.js conv filters are HWIO; ONNX Conv wants OIHW. */
export function hwioToOihw(t: NamedTensor): Float32Array {
  const [h, w, i, o] = t.shape;
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < i; c++)
        for (let k = 0; k < o; k++) out[((k * i + c) * h + y) * w + x] = src[((y * w + x) * i + c) * o + k];
  return out;
}

/** TF.js depthwise filters are [H, W, C, multiplier]; ONNX grouped Conv wants [C*m, 1, H, W]. */
export function depthwiseToOihw(t: NamedTensor): Float32Array {
  const [h, w, c, m] = t.shape;
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < c; ch++)
        for (let k = 0; k < m; k++) out[((ch * m + k) * h + y) * w + x] = src[((y * w + x) * c + ch) * m + k];
  return out;
}
