/**
 * Converts face-api's 68-point landmark net (FaceLandmark68Net: FaceFeatureExtractor's four dense
 * blocks + a fully connected layer) into ONNX, following src/faceFeatureExtractor and
 * src/faceLandmarkNet:
 *   input [N,3,112,112] normalised as (pixel - meanRgb) / 255 (see landmarkInput)
 *   -> `landmarks` [N,136] = x0,y0,x1,y1,... normalised to the 112x112 crop.
 * The batch is free so FRS runs all faces of an image at once (each face's numbers are the same
 * as in a run of its own).
 * For a square crop, face-api's postProcess leaves these values unchanged, so they are the
 * coordinates face-api reports relative to the crop. Run directly to write models/face-landmarks-68.onnx.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faceApiWeightsManifest, samePads, type Feature } from './tf-layout.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { depthwiseToOihw, hwioToOihw, type NamedTensor, readWeightsManifest, take } from './tfjs-weights.js';

const INPUT_SIZE = 112;

/** Manifest input normalisation equal to face-api's normalize(x, meanRgb).div(255). */
export const landmarkInput = { mean: [122.782, 117.001, 104.298], std: [255, 255, 255] } as const;

export function defaultLandmarkManifestPath(): string {
  return faceApiWeightsManifest('face_landmark_68_model');
}

class LandmarkGraph {
  readonly g = new GraphBuilder('face_api_landmark68');

  constructor(private readonly weights: Map<string, NamedTensor>) {}

  private conv(
    x: Feature,
    filters: Float32Array,
    bias: Float32Array | undefined,
    k: number,
    out: number,
    stride: number,
    group: number,
    name: string,
  ): Feature {
    const [p0, p1] = samePads(x.size, k, stride);
    const inputs = [x.name, this.g.weight(`${name}_w`, filters, [out, x.channels / group, k, k])];
    if (bias) inputs.push(this.g.weight(`${name}_b`, bias, [out]));
    const y = this.g.op(
      'Conv',
      inputs,
      { kernel_shape: [k, k], strides: [stride, stride], pads: [p0, p0, p1, p1], group },
      name,
    );
    return { name: y, size: Math.ceil(x.size / stride), channels: out };
  }

  relu(x: Feature): Feature {
    return { ...x, name: this.g.op('Relu', [x.name]) };
  }

  add(a: Feature, b: Feature): Feature {
    return { ...a, name: this.g.op('Add', [a.name, b.name]) };
  }

  /** Plain 3x3 conv + bias (the first layer of dense0). */
  plainConv(x: Feature, prefix: string, stride: number): Feature {
    const w = take(this.weights, `${prefix}/filters`);
    const b = take(this.weights, `${prefix}/bias`).data as Float32Array;
    return this.conv(x, hwioToOihw(w), b, w.shape[0], w.shape[3], stride, 1, prefix.replace('/', '_'));
  }

  /** tf.separableConv2d + bias: depthwise (strided, no bias) then pointwise 1x1 with bias. */
  separable(x: Feature, prefix: string, stride: number): Feature {
    const dw = take(this.weights, `${prefix}/depthwise_filter`);
    const pw = take(this.weights, `${prefix}/pointwise_filter`);
    const b = take(this.weights, `${prefix}/bias`).data as Float32Array;
    const name = prefix.replace('/', '_');
    const d = this.conv(x, depthwiseToOihw(dw), undefined, dw.shape[0], x.channels, stride, x.channels, `${name}_dw`);
    return this.conv(d, hwioToOihw(pw), b, 1, pw.shape[3], 1, 1, `${name}_pw`);
  }

  /** face-api denseBlock4 (scale-down variant), additions nested in the same order as TF.js. */
  denseBlock(x: Feature, prefix: string, first: boolean): Feature {
    const out1 = this.relu(first ? this.plainConv(x, `${prefix}/conv0`, 2) : this.separable(x, `${prefix}/conv0`, 2));
    const out2 = this.separable(out1, `${prefix}/conv1`, 1);
    const out3 = this.separable(this.relu(this.add(out1, out2)), `${prefix}/conv2`, 1);
    const out4 = this.separable(this.relu(this.add(out1, this.add(out2, out3))), `${prefix}/conv3`, 1);
    return this.relu(this.add(out1, this.add(out2, this.add(out3, out4))));
  }
}

export function buildLandmark68(manifestPath = defaultLandmarkManifestPath()): Uint8Array {
  const weights = readWeightsManifest(manifestPath);
  const net = new LandmarkGraph(weights);
  const { g } = net;

  let x: Feature = { name: g.input('input', ['N', 3, INPUT_SIZE, INPUT_SIZE]), size: INPUT_SIZE, channels: 3 };
  for (let i = 0; i < 4; i++) x = net.denseBlock(x, `dense${i}`, i === 0);
  const pooled = g.op('AveragePool', [x.name], { kernel_shape: [7, 7], strides: [2, 2] }); // 7x7 -> 1x1
  const flat = g.op('Flatten', [pooled], { axis: 1 });
  const fcW = take(weights, 'fc/weights');
  const fcB = take(weights, 'fc/bias');
  g.node(
    'Gemm',
    [
      flat,
      g.weight('fc_w', fcW.data as Float32Array, fcW.shape),
      g.weight('fc_b', fcB.data as Float32Array, fcB.shape),
    ],
    {},
    { outputs: ['landmarks'] },
  );
  g.output('landmarks', ['N', fcB.shape[0]]);
  return g.build({
    opset: 13,
    docString: 'face-api 68-point face landmark net converted by FRS (tools/convert/face-api-landmark68.ts).',
    metadata: {
      source: '@vladmandic/face-api face_landmark_68_model',
      input_normalisation: '(pixel - [122.782, 117.001, 104.298]) / 255, RGB, NCHW',
    },
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? 'models/face-landmarks-68.onnx');
  const bytes = buildLandmark68();
  writeFileSync(out, bytes);
  console.log(`wrote ${out} (${bytes.length} bytes)`);
}
