/**
 * Tiny stand-in models, built with the converters' GraphBuilder, for tests that swap models
 * through the manifest alone: their outputs are simple enough to predict exactly.
 */
import { GraphBuilder } from '../../tools/onnx/graph-builder.js';

export interface TinyDetectorOptions {
  /** Model input size (NHWC, [1, height, width, 3]). */
  width: number;
  height: number;
  /** Normalised x1,y1,x2,y2 per candidate (0..1 of the model input). */
  boxes: number[][];
  /** Normalised five points per candidate: x,y pairs, 10 values. */
  landmarks: number[][];
  /** score[i] = baseScores[i] + mean of input channel 0 (after FRS's normalisation). */
  baseScores: number[];
  names: { input: string; boxes: string; scores: string; landmarks: string };
}

/** A detector whose scores depend on the input, so they reveal how FRS normalised it. */
export function buildTinyDetector(o: TinyDetectorOptions): Uint8Array {
  const g = new GraphBuilder('tiny_detector');
  const n = o.boxes.length;
  const x = g.input(o.names.input, [1, o.height, o.width, 3]);
  const first = g.op('Slice', [x, g.ints('start', [0]), g.ints('end', [1]), g.ints('axis', [3])]);
  const mean = g.op('ReduceMean', [first], { keepdims: 0 }); // scalar: all axes
  g.node('Add', [g.weight('base_scores', o.baseScores, [1, n]), mean], {}, { outputs: [o.names.scores] });
  g.node('Identity', [g.weight('const_boxes', o.boxes.flat(), [1, n, 4])], {}, { outputs: [o.names.boxes] });
  g.node(
    'Identity',
    [g.weight('const_landmarks', o.landmarks.flat(), [1, n, 10])],
    {},
    { outputs: [o.names.landmarks] },
  );
  g.output(o.names.boxes, [1, n, 4]);
  g.output(o.names.scores, [1, n]);
  g.output(o.names.landmarks, [1, n, 10]);
  return g.build({ opset: 13 });
}

export interface TinyEmbedderOptions {
  /** Model input size (NCHW, [N, 3, height, width]). */
  width: number;
  height: number;
  /** Row-major [3 * height * width, dimensions]: embedding = flatten(input) · weights. */
  weights: Float32Array;
  dimensions: number;
  names: { input: string; output: string };
}

export function buildTinyEmbedder(o: TinyEmbedderOptions): Uint8Array {
  const g = new GraphBuilder('tiny_embedder');
  const x = g.input(o.names.input, ['N', 3, o.height, o.width]);
  const flat = g.op('Flatten', [x], { axis: 1 });
  g.node(
    'MatMul',
    [flat, g.weight('projection', o.weights, [3 * o.height * o.width, o.dimensions])],
    {},
    { outputs: [o.names.output] },
  );
  g.output(o.names.output, ['N', o.dimensions]);
  return g.build({ opset: 13 });
}

/** Deterministic values in [-1, 1) (a linear congruential generator), so runs are repeatable. */
export function pseudoRandom(count: number, seed = 1): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
