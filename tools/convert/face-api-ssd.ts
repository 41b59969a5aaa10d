/**
 * Converts face-api's SSD MobileNetV1 face detector (TF.js weights in @vladmandic/face-api/model)
 * into ONNX, following face-api's src/ssdMobilenetv1 layer by layer:
 *   input [1,3,H,W] already normalised to -1..1 ((pixel - 127.5) / 127.5, see detectorInput)
 *   -> MobileNetV1 (conv + BN + ReLU6) -> 6 SSD box predictors
 *   -> in-graph anchor decoding -> `boxes` [1,N,4] x1,y1,x2,y2 (0..1 of the input), `scores` [1,N].
 * face-api runs it at 512x512 only (5118 anchors, its priors). Here H and W are free (multiples
 * of 32 keep the feature grids aligned): the anchors are generated in the graph from each feature
 * map's shape, centres at (i + 0.5) / cells as TF's grid anchor generator places them, sizes kept
 * in pixels of the 512 training input. The convolutions see the same pixels at any input size,
 * so a 256x256 input detects what the 512 net would find in that part of a 512 canvas, at a
 * quarter of the cost; at 512x512 the anchors are face-api's priors (checked in buildSsdMobilenetV1).
 * NMS is left to FRS. Run directly to write models/face-detector-ssd-mobilenetv1.onnx.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faceApiWeightsManifest, type Feature } from './tf-layout.js';
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

  private conv(
    x: Feature,
    filters: Float32Array,
    bias: Float32Array,
    k: number,
    out: number,
    stride: number,
    group: number,
    name: string,
  ): Feature {
    const w = this.g.weight(`${name}_w`, filters, [out, x.channels / group, k, k]);
    const b = this.g.weight(`${name}_b`, bias, [out]);
    // SAME_UPPER is TF's SAME (the odd pixel after) for whatever size arrives at run time.
    const y = this.g.op(
      'Conv',
      [x.name, w, b],
      { kernel_shape: [k, k], strides: [stride, stride], auto_pad: 'SAME_UPPER', group },
      name,
    );
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

  /**
   * Anchors of one head for the feature map `x`, generated from its run-time shape:
   * centres [cells, 2] and sizes [cells, 2], x,y order, 0..1 of the input.
   */
  anchors(x: Feature, head: HeadAnchors, inputWh: string, idx: number): { centers: string; sizes: string } {
    const g = this.g;
    const shape = g.op('Shape', [x.name]);
    const dim = (axis: number): string =>
      g.op('Gather', [shape, g.ints(`a${idx}_axis${axis}`, [axis], [])], { axis: 0 });
    const [rows, cols] = [dim(2), dim(3)];
    const half = g.weight(`a${idx}_half`, [0.5], []);
    const positions = (count: string, name: string): string => {
      const n = g.op('Cast', [count], { to: 1 });
      const range = g.op('Range', [g.weight(`${name}_start`, [0], []), n, g.weight(`${name}_step`, [1], [])]);
      return g.op('Div', [g.op('Add', [range, half]), n]); // (i + 0.5) / cells
    };
    const per = head.sizes.length / 2;
    const unsqueeze = (t: string, name: string): string => g.op('Unsqueeze', [t, g.ints(name, [0])]);
    const grid = g.op(
      'Concat',
      [unsqueeze(rows, `a${idx}_u0`), unsqueeze(cols, `a${idx}_u1`), g.ints(`a${idx}_tail`, [per, 1])],
      { axis: 0 },
    );
    const cx = g.op('Expand', [
      g.op('Reshape', [positions(cols, `a${idx}_x`), g.ints(`a${idx}_xshape`, [1, -1, 1, 1])]),
      grid,
    ]);
    const cy = g.op('Expand', [
      g.op('Reshape', [positions(rows, `a${idx}_y`), g.ints(`a${idx}_yshape`, [-1, 1, 1, 1])]),
      grid,
    ]);
    const centers = g.op('Reshape', [g.op('Concat', [cx, cy], { axis: 3 }), g.ints(`a${idx}_flat`, [-1, 2])]);
    // Pixel sizes over the input's width and height, repeated for every cell.
    const sizesPerCell = g.op('Div', [g.weight(`a${idx}_pixel_sizes`, head.sizes, [per, 2]), inputWh]);
    const repeats = g.op(
      'Concat',
      [unsqueeze(g.op('Mul', [rows, cols]), `a${idx}_u3`), g.ints(`a${idx}_ones`, [1, 1])],
      { axis: 0 },
    );
    const tiled = g.op('Tile', [unsqueeze(sizesPerCell, `a${idx}_u2`), repeats]);
    return { centers, sizes: g.op('Reshape', [tiled, g.ints(`a${idx}_flat2`, [-1, 2])]) };
  }
}

/** Grid cells per side of each head at 512x512 and anchors per cell, as face-api's priors are laid out. */
const HEAD_CELLS = [32, 16, 8, 4, 2, 1];
const HEAD_ANCHORS = [3, 6, 6, 6, 6, 6];

interface HeadAnchors {
  /** Per anchor of a cell: width, height in pixels of the 512x512 training input. */
  sizes: Float32Array;
}

/**
 * Reads each head's anchor sizes from face-api's 512x512 priors and checks that the priors are
 * exactly a grid: every cell the same sizes, centres at (i + 0.5) / cells. So the anchors the
 * graph generates at 512x512 are face-api's priors.
 */
function headAnchorsFromPriors(priors: Float32Array): HeadAnchors[] {
  const heads: HeadAnchors[] = [];
  let offset = 0;
  HEAD_CELLS.forEach((cells, k) => {
    const per = HEAD_ANCHORS[k];
    const sizes = new Float32Array(per * 2);
    for (let i = 0; i < cells; i++) {
      for (let j = 0; j < cells; j++) {
        for (let a = 0; a < per; a++) {
          const at = (offset + (i * cells + j) * per + a) * 4;
          const [ymin, xmin, ymax, xmax] = priors.subarray(at, at + 4);
          const [w, h] = [Math.fround(xmax - xmin), Math.fround(ymax - ymin)];
          if (i === 0 && j === 0) {
            sizes[a * 2] = w * INPUT_SIZE;
            sizes[a * 2 + 1] = h * INPUT_SIZE;
          }
          const off = Math.max(
            Math.abs(w * INPUT_SIZE - sizes[a * 2]),
            Math.abs(h * INPUT_SIZE - sizes[a * 2 + 1]),
            Math.abs((xmin + xmax) / 2 - (j + 0.5) / cells) * INPUT_SIZE,
            Math.abs((ymin + ymax) / 2 - (i + 0.5) / cells) * INPUT_SIZE,
          );
          if (off > 1e-3) throw new Error(`face-api prior ${at / 4} is off the anchor grid by ${off} px`);
        }
      }
    }
    heads.push({ sizes });
    offset += cells * cells * per;
  });
  if (offset * 4 !== priors.length) throw new Error(`face-api has ${priors.length / 4} priors, the grid ${offset}`);
  return heads;
}

export function buildSsdMobilenetV1(manifestPath = defaultSsdManifestPath()): Uint8Array {
  const weights = readWeightsManifest(manifestPath);
  const net = new SsdGraph(weights);
  const { g } = net;

  const input = g.input('input', [1, 3, 'height', 'width']);
  let x: Feature = { name: input, size: INPUT_SIZE, channels: 3 };
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
  const features = [conv11, x, extra[1], extra[3], extra[5], extra[7]];
  const heads = features.map((feat, i) => net.predictor(feat, i));
  const encodings = g.op(
    'Concat',
    heads.map((h) => h.boxes),
    { axis: 1 },
  ); // [1,N,4] ty,tx,th,tw
  const logits = g.op(
    'Concat',
    heads.map((h) => h.classes),
    { axis: 1 },
  ); // [1,N,3]

  // Score = sigmoid of class 1 (face); class 0 is background.
  const faceLogit = g.op('Gather', [logits, g.ints('face_class', [1], [])], { axis: 2 });
  g.node('Sigmoid', [faceLogit], {}, { outputs: ['scores'] });

  // Anchors from the feature maps' shapes; encodings reordered to tx,ty,tw,th so results come out x,y.
  const headAnchors = headAnchorsFromPriors(take(weights, 'Output/extra_dim').data as Float32Array);
  const inputWh = g.op('Cast', [g.op('Gather', [g.op('Shape', [input]), g.ints('wh_axes', [3, 2])], { axis: 0 })], {
    to: 1,
  });
  const anchors = features.map((feat, i) => net.anchors(feat, headAnchors[i], inputWh, i));
  const anchorCenter = g.op(
    'Concat',
    anchors.map((a) => a.centers),
    { axis: 0 },
  );
  const anchorSize = g.op(
    'Concat',
    anchors.map((a) => a.sizes),
    { axis: 0 },
  );
  const xy = g.op('Gather', [encodings, g.ints('xy_order', [1, 0, 3, 2])], { axis: 2 });
  const tCenter = g.op('Slice', [xy, g.ints('c_start', [0]), g.ints('c_end', [2]), g.ints('c_axis', [2])]);
  const tSize = g.op('Slice', [xy, g.ints('s_start', [2]), g.ints('s_end', [4]), g.ints('s_axis', [2])]);
  const center = g.op('Add', [
    g.op('Mul', [g.op('Div', [tCenter, g.weight('center_scale', [CENTER_SCALE], [])]), anchorSize]),
    anchorCenter,
  ]);
  const expSize = g.op('Exp', [g.op('Div', [tSize, g.weight('size_scale', [SIZE_SCALE], [])])]);
  const half = g.op('Div', [g.op('Mul', [expSize, anchorSize]), g.weight('two', [2], [])]);
  const min = g.op('Sub', [center, half]);
  const max = g.op('Add', [center, half]);
  g.node('Concat', [min, max], { axis: 2 }, { outputs: ['boxes'] });

  g.output('boxes', [1, 'anchors', 4]);
  g.output('scores', [1, 'anchors']);
  return g.build({
    opset: 13,
    docString: 'face-api SSD MobileNetV1 face detector converted by FRS (tools/convert/face-api-ssd.ts).',
    metadata: {
      source: '@vladmandic/face-api ssd_mobilenetv1_model',
      input_normalisation: '(pixel - 127.5) / 127.5, RGB, NCHW',
    },
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? 'models/face-detector-ssd-mobilenetv1.onnx');
  const bytes = buildSsdMobilenetV1();
  writeFileSync(out, bytes);
  console.log(`wrote ${out} (${bytes.length} bytes)`);
}
