/** Layout helpers shared by the converters of TF.js-trained networks. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** A tensor flowing through a converted graph: its ONNX name, spatial size and channel count. */
export interface Feature {
  name: string;
  size: number;
  channels: number;
}

/** TF 'SAME' padding for one spatial axis: [before, after], the odd pixel goes after. */
export function samePads(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** A weights manifest shipped in @vladmandic/face-api's model/ folder. */
export function faceApiWeightsManifest(name: string): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model', `${name}-weights_manifest.json`);
}
