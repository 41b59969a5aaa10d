/**
 * Converts face-api's FaceRecognitionNet (a TF.js port of dlib's ResNet-34-like face
 * descriptor) to ONNX: input `input` [N,3,150,150] RGB as (pixel - mean) / 255, output
 * `embedding` [N,128], the raw descriptor face-api returns.
 *
 * The graph mirrors node_modules/@vladmandic/face-api/src/faceRecognitionNet/: every conv
 * is conv + bias followed by a per-channel scale layer (x * w + b), folded here into the
 * conv weights; down-sampling blocks add an average-pooled shortcut, zero-padded in channels
 * (and in space where the strided 'valid' conv comes out one smaller than the pool).
 *
 * Run directly to write models/face-recognition-resnet.onnx.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature } from './tf-layout.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { hwioToOihw, readWeightsManifest, take, type NamedTensor } from './tfjs-weights.js';

/** face-api subtracts this per-channel RGB mean, then divides by 255. */
export const FACE_RECOGNITION_MEAN: [number, number, number] = [122.782, 117.001, 104.298];
export const FACE_RECOGNITION_STD: [number, number, number] = [255, 255, 255];
export const FACE_RECOGNITION_SIZE = 150;

const require = createRequire(import.meta.url);
const manifestPath = join(
  dirname(require.resolve('@vladmandic/face-api/package.json')),
  'model',
  'face_recognition_model-weights_manifest.json',
);

type Weights = Map<string, NamedTensor>;

/** conv + bias then scale: (conv(x, W) + b) * s + t = conv(x, W * s) + (b * s + t). */
function convLayer(
  g: GraphBuilder,
  weights: Weights,
  x: Feature,
  prefix: string,
  stride: 1 | 2,
  pad: 'same' | 'valid',
  relu: boolean,
): Feature {
  const filters = take(weights, `${prefix}/conv/filters`);
  const [kh, kw, cin, cout] = filters.shape;
  if (cin !== x.channels) throw new Error(`${prefix}: expects ${cin} channels, got ${x.channels}`);
  const bias = take(weights, `${prefix}/conv/bias`).data as Float32Array;
  const scale = take(weights, `${prefix}/scale/weights`).data as Float32Array;
  const offset = take(weights, `${prefix}/scale/biases`).data as Float32Array;

  const w = hwioToOihw(filters);
  const perOut = cin * kh * kw;
  for (let o = 0; o < cout; o++) for (let i = 0; i < perOut; i++) w[o * perOut + i] *= scale[o];
  const b = Float32Array.from(bias, (v, o) => v * scale[o] + offset[o]);

  // TF 'same' with stride 1 and odd kernels pads (k-1)/2 on every side; 'valid' pads nothing.
  const p = pad === 'same' ? (kh - 1) / 2 : 0;
  const out = g.op(
    'Conv',
    [x.name, g.weight(`${prefix}/W`, w, [cout, cin, kh, kw]), g.weight(`${prefix}/B`, b, [cout])],
    { kernel_shape: [kh, kw], strides: [stride, stride], pads: [p, p, p, p] },
    prefix,
  );
  const size = Math.floor((x.size + 2 * p - kh) / stride) + 1;
  return { name: relu ? g.op('Relu', [out]) : out, channels: cout, size };
}

function residual(g: GraphBuilder, weights: Weights, x: Feature, prefix: string): Feature {
  const a = convLayer(g, weights, x, `${prefix}/conv1`, 1, 'same', true);
  const b = convLayer(g, weights, a, `${prefix}/conv2`, 1, 'same', false);
  return { ...b, name: g.op('Relu', [g.op('Add', [b.name, x.name])]) };
}

function residualDown(g: GraphBuilder, weights: Weights, x: Feature, prefix: string): Feature {
  const a = convLayer(g, weights, x, `${prefix}/conv1`, 2, 'valid', true);
  let b = convLayer(g, weights, a, `${prefix}/conv2`, 1, 'same', false);
  let pooled: Feature = {
    name: g.op('AveragePool', [x.name], { kernel_shape: [2, 2], strides: [2, 2] }),
    channels: x.channels,
    size: Math.floor((x.size - 2) / 2) + 1,
  };
  // face-api appends one zero row and one zero column to the conv branch when it is smaller.
  if (b.size !== pooled.size) {
    if (pooled.size - b.size !== 1) throw new Error(`${prefix}: unexpected size ${b.size} vs ${pooled.size}`);
    b = { ...b, name: g.op('Pad', [b.name, g.ints(`${prefix}/pad_hw`, [0, 0, 0, 0, 0, 0, 1, 1])]), size: pooled.size };
  }
  // ... and zero channels to the shortcut when the block widens.
  if (pooled.channels !== b.channels) {
    const extra = b.channels - pooled.channels;
    pooled = {
      ...pooled,
      name: g.op('Pad', [pooled.name, g.ints(`${prefix}/pad_c`, [0, 0, 0, 0, 0, extra, 0, 0])]),
      channels: b.channels,
    };
  }
  return { ...b, name: g.op('Relu', [g.op('Add', [pooled.name, b.name])]) };
}

export function buildFaceRecognitionOnnx(): Uint8Array {
  const weights = readWeightsManifest(manifestPath);
  const g = new GraphBuilder('face_recognition_resnet');
  const input = g.input('input', ['N', 3, FACE_RECOGNITION_SIZE, FACE_RECOGNITION_SIZE]);

  let x = convLayer(
    g,
    weights,
    { name: input, channels: 3, size: FACE_RECOGNITION_SIZE },
    'conv32_down',
    2,
    'valid',
    true,
  );
  x = {
    ...x,
    name: g.op('MaxPool', [x.name], { kernel_shape: [3, 3], strides: [2, 2] }),
    size: Math.floor((x.size - 3) / 2) + 1,
  };
  for (const block of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(g, weights, x, block);
  x = residualDown(g, weights, x, 'conv64_down');
  for (const block of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(g, weights, x, block);
  x = residualDown(g, weights, x, 'conv128_down');
  for (const block of ['conv128_1', 'conv128_2']) x = residual(g, weights, x, block);
  x = residualDown(g, weights, x, 'conv256_down');
  for (const block of ['conv256_1', 'conv256_2']) x = residual(g, weights, x, block);
  x = residualDown(g, weights, x, 'conv256_down_out');

  const pooled = g.op('Flatten', [g.op('GlobalAveragePool', [x.name])], { axis: 1 });
  const fc = take(weights, 'fc'); // [256, 128], used as x · fc
  g.node('MatMul', [pooled, g.weight('fc', fc.data as Float32Array, fc.shape)], {}, { outputs: ['embedding'] });
  g.output('embedding', ['N', fc.shape[1]]);

  return g.build({
    opset: 13,
    docString:
      'face-api FaceRecognitionNet (dlib ResNet face descriptor) converted by tools/convert/face-api-recognition.ts',
    metadata: {
      input_mean: FACE_RECOGNITION_MEAN.join(','),
      input_std: FACE_RECOGNITION_STD.join(','),
    },
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(dirname(fileURLToPath(import.meta.url)), '../../models/face-recognition-resnet.onnx');
  const bytes = buildFaceRecognitionOnnx();
  writeFileSync(out, bytes);
  console.log(`wrote ${out} (${bytes.length} bytes)`);
}
