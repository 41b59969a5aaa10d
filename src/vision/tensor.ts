/** Packs RGB pixel buffers (already at the model's input size) into a normalised input tensor. */
import type { InputSpec } from './models/manifest.js';
import { ort } from './models/onnx-session.js';

export function toInputTensor(images: Uint8Array[], spec: InputSpec): ort.Tensor {
  const { width: w, height: h } = spec;
  const plane = w * h;
  const out = new Float32Array(images.length * plane * 3);
  const order = spec.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const scale = order.map((_, c) => 1 / spec.std[c]);
  images.forEach((rgb, n) => {
    if (rgb.length !== plane * 3)
      throw new Error(`input image is ${rgb.length} bytes, expected ${plane * 3} for ${w}x${h} RGB`);
    const base = n * plane * 3;
    for (let c = 0; c < 3; c++) {
      const src = order[c];
      const mean = spec.mean[c];
      const s = scale[c];
      if (spec.layout === 'NCHW') {
        const dst = base + c * plane;
        for (let i = 0; i < plane; i++) out[dst + i] = (rgb[i * 3 + src] - mean) * s;
      } else {
        for (let i = 0; i < plane; i++) out[base + i * 3 + c] = (rgb[i * 3 + src] - mean) * s;
      }
    }
  });
  const dims = spec.layout === 'NCHW' ? [images.length, 3, h, w] : [images.length, h, w, 3];
  return new ort.Tensor('float32', out, dims);
}
