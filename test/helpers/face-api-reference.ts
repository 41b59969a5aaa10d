/**
 * The reference implementation for parity tests and benchmarks: @vladmandic/face-api on
 * TF.js with the wasm backend (pure npm, no native download), weights from the package.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

// face-api's node-wasm build re-exports tf; typed loosely on purpose: this is test-only glue.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FaceApi = any;

export const faceApiModelDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');

let loaded: Promise<FaceApi> | undefined;

/** Loads face-api once per process with the wasm backend on `threads` threads and all nets used by FRS. */
export function loadFaceApi(threads = 1): Promise<FaceApi> {
  loaded ??= (async () => {
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount?.(threads);
    wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
    await faceapi.tf.setBackend('wasm');
    await faceapi.tf.ready();
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(faceApiModelDir);
    await faceapi.nets.faceLandmark68Net.loadFromDisk(faceApiModelDir);
    await faceapi.nets.faceRecognitionNet.loadFromDisk(faceApiModelDir);
    return faceapi;
  })();
  return loaded;
}
