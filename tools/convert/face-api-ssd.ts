/**
 * Converts face-api's SSD MobileNetV1 face detector (TF.js weights in @vladmandic/face-api/model)
 * into ONNX, following face-api's src/ssdMobilenetv1 layer by layer:
 *   input [1,3,512,512] already normalised to -1..1 ((pixel - 127.5) / 127.5, see detectorInput)
 *   -> MobileNetV1 (conv + BN + ReLU6) -> 6 SSD box predictors (5118 anchors)
 *   -> in-graph anchor decoding -> `boxes` [1,5118,4] x1,y1,x2,y2 (0..1 of the input), `scores` [1,5118].
 * NMS is left to FRS. Run directly to write models/face-detector-ssd-mobilenetv1.onnx.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faceApiWeightsManifest, samePads, type Feature } from './tf-layout.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { depthwiseToOihw, hwioToOihw, type NamedTensor, readWeightsManifest, take } from './tfjs-weights.js';

const INPUT_SIZE = 512;
/** face-api's MobileNetV1 BatchNorm epsilon (float32 of 1e-3). */
const BN_EPSILON = 0.0010000000474974513;
/** TF object-detection box coder scales: ty, tx divided by 10; th, tw by 5. */
const CENTER_SCALE = 10;
const SIZE_SCALE = 5;

/** Manifest input normalisation that reproduces face-api's x / 127.5 - 1. */
export const detectorInput = { mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] } as const;

export function defaultSsdManifestPath(): string {
  return faceApiWeightsManifest('ssd_mobilenetv1_model');
}


class SsdGraph {
  readonly g = new GraphBuilder('face_api_ssd_mobilenetv1');
  private readonly zero = this.g.weight('clip_min', [0], []);
  private readonly six = this.g.weight('clip_max', [6], []);

  constructor(private readonly weights: Map<string, NamedTensor>) {}

  private conv(x: Feature, filters: Float32Array, bias: Float32Array, k: number, out: number, stride: number, group: number, name: string): Feature {
    const [p0, p1] = samePads(x.size, k, stride);
    const w = this.g.weight(`${name}_w`, filters, [out, x.channels / group, k, k]);
    const b = this.g.weight(`${name}_b`, bias, [out]);
    const y = this.g.op('Conv', [x.name, w, b], { kernel_shape: [k, k], strides: [stride, stride], pads: [p0, p0, p1, p1], group }, name);
    return { name: y, size: Math.ceil(x.size / stride), channels: out };
  }

  private relu6(x: Feature, name: string): Feature {
    return { ...x, name: this.g.op('Clip', [x.name, this.zero, this.six], {}, `${name}_relu6`) };
  }

  /** face-api pointwiseConvLayer: conv (any kernel) + bn offset, ReLU6. */
  pointwise(x: Feature, prefix: string, stride: number, name: string): Feature {
    const w = take(this.weights, `${prefix}/weights`);
    const [k, , , out] = w.shape;
    const bias = take(this.weights, `${prefix}/convolution_bn_offset`).data as Float32Array;
    return this.relu6(this.conv(x, hwioToOihw(w), bias, k, out, stride, 1, name), name);
  }

  /** face-api depthwiseConvLayer: depthwise 3x3, BatchNorm folded into the filter, ReLU6. */
  depthwise(x: Feature, idx: number, stride: number): Feature {
    const p = `MobilenetV1/Conv2d_${idx}_depthwise`;
    const filters = take(this.weights, `${p}/depthwise_weights`);
    const gamma = take(this.weights, `${p}/BatchNorm/gamma`).data as Float32Array;
    const beta = take(this.weights, `${p}/BatchNorm/beta`).data as Float32Array;
    const mean = take(this.weights, `${p}/BatchNorm/moving_mean`).data as Float32Array;
    const variance = take(this.weights, `${p}/BatchNorm/moving_variance`).data as Float32Array;
    const c = x.channels;
    const w = depthwiseToOihw(filters); // [c, 1, 3, 3]
    const bias = new Float32Array(c);
    for (let ch = 0; ch < c; ch++) {
      const scale = gamma[ch] / Math.sqrt(variance[ch] + BN_EPSILON);
      for (let i = 0; i < 9; i++) w[ch * 9 + i] *= scale;
      bias[ch] = beta[ch] - mean[ch] * scale;
    }
    const name = `mobilenet_dw${idx}`;
    return this.relu6(this.conv(x, w, bias, 3, c, stride, c, name), name);
  }

  /** One SSD head: per-cell conv 1x1, NHWC order kept so anchors line up with face-api's priors. */
  predictor(x: Feature, idx: number): { boxes: string; classes: string } {
    const head = (kind: string, per: number): string => {
      const w = take(this.weights, `Prediction/BoxPredictor_${idx}/${kind}/weights`);
      const b = take(this.weights, `Prediction/BoxPredictor_${idx}/${kind}/biases`).data as Float32Array;
      const y = this.conv(x, hwioToOihw(w), b, 1, w.shape[3], 1, 1, `box${idx}_${kind}`);
      const nhwc = this.g.op('Transpose', [y.name], { perm: [0, 2, 3, 1] });
      return this.g.op('Reshape', [nhwc, this.g.ints('shape', [1, -1, per])]);
    };
    return { boxes: head('BoxEncodingPredictor', 4), classes: head('ClassPredictor', 3) };
  }
}

/** Anchor centres and sizes, computed in float32 as face-api's decodeBoxesLayer does, in x,y order. */
function anchorConstants(priors: Float32Array): { centers: Float32Array; sizes: Float32Array } {
  const n = priors.length / 4;
  const centers = new Float32Array(n * 2);
  const sizes = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const [ymin, xmin, ymax, xmax] = priors.subarray(i * 4, i * 4 + 4);
    const h = Math.fround(ymax - ymin);
    const w = Math.fround(xmax - xmin);
    sizes[i * 2] = w;
    sizes[i * 2 + 1] = h;
    centers[i * 2] = Math.fround(xmin + Math.fround(w / 2));
    centers[i * 2 + 1] = Math.fround(ymin + Math.fround(h / 2));
  }
  return { centers, sizes };
}

export function buildSsdMobilenetV1(manifestPath = defaultSsdManifestPath()): Uint8Array {
  const weights = readWeightsManifest(manifestPath);
  const net = new SsdGraph(weights);
  const { g } = net;

  let x: Feature = { name: g.input('input', [1, 3, INPUT_SIZE, INPUT_SIZE]), size: INPUT_SIZE, channels: 3 };
  x = net.pointwise(x, 'MobilenetV1/Conv2d_0_pointwise', 2, 'mobilenet_pw0');
  let conv11: Feature | undefined;
  for (let idx = 1; idx <= 13; idx++) {
    x = net.depthwise(x, idx, [2, 4, 6, 12].includes(idx) ? 2 : 1);
    x = net.pointwise(x, `MobilenetV1/Conv2d_${idx}_pointwise`, 1, `mobilenet_pw${idx}`);
    if (idx === 11) conv11 = x;
  }
  if (!conv11) throw new Error('MobileNetV1 conv 11 missing');

  // Extra feature maps: 1x1 then strided 3x3, as face-api's predictionLayer.
  const extra: Feature[] = [];
  let y = x;
  for (let i = 0; i < 8; i++) {
    y = net.pointwise(y, `Prediction/Conv2d_${i}_pointwise`, i % 2 ? 2 : 1, `extra_pw${i}`);
    extra.push(y);
  }
  const heads = [conv11, x, extra[1], extra[3], extra[5], extra[7]].map((feat, i) => net.predictor(feat, i));
  const encodings = g.op('Concat', heads.map((h) => h.boxes), { axis: 1 }); // [1,N,4] ty,tx,th,tw
  const logits = g.op('Concat', heads.map((h) => h.classes), { axis: 1 }); // [1,N,3]

  // Score = sigmoid of class 1 (face); class 0 is background.
  const faceLogit = g.op('Gather', [logits, g.ints('face_class', [1], [])], { axis: 2 });
  g.node('Sigmoid', [faceLogit], {}, { outputs: ['scores'] });

  // Box decoding with priors as constants; encodings reordered to tx,ty,tw,th so results come out x,y.
  const priors = take(weights, 'Output/extra_dim');
  const { centers, sizes } = anchorConstants(priors.data as Float32Array);
  const n = priors.shape[1];
  const xy = g.op('Gather', [encodings, g.ints('xy_order', [1, 0, 3, 2])], { axis: 2 });
  const tCenter = g.op('Slice', [xy, g.ints('c_start', [0]), g.ints('c_end', [2]), g.ints('c_axis', [2])]);
  const tSize = g.op('Slice', [xy, g.ints('s_start', [2]), g.ints('s_end', [4]), g.ints('s_axis', [2])]);
  const anchorSize = g.weight('anchor_size', sizes, [n, 2]);
  const anchorCenter = g.weight('anchor_center', centers, [n, 2]);
  const center = g.op('Add', [g.op('Mul', [g.op('Div', [tCenter, g.weight('center_scale', [CENTER_SCALE], [])]), anchorSize]), anchorCenter]);
  const expSize = g.op('Exp', [g.op('Div', [tSize, g.weight('size_scale', [SIZE_SCALE], [])])]);
  const half = g.op('Div', [g.op('Mul', [expSize, anchorSize]), g.weight('two', [2], [])]);
  const min = g.op('Sub', [center, half]);
  const max = g.op('Add', [center, half]);
  g.node('Concat', [min, max], { axis: 2 }, { outputs: ['boxes'] });

  g.output('boxes', [1, n, 4]);
  g.output('scores', [1, n]);
  return g.build({
    opset: 13,
    docString: 'face-api SSD MobileNetV1 face detector converted by FRS (tools/convert/face-api-ssd.ts).',
    metadata: { source: '@vladmandic/face-api ssd_mobilenetv1_model', input_normalisation: '(pixel - 127.5) / 127.5, RGB, NCHW' },
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? 'models/face-detector-ssd-mobilenetv1.onnx');
  const bytes = buildSsdMobilenetV1();
  writeFileSync(out, bytes);
  console.log(`wrote ${out} (${bytes.length} bytes)`);
}
